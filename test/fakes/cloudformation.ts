// A fake AWS CloudFormation on 127.0.0.1 speaking its awsQuery protocol (form-encoded POST /, XML answers):
// the real @aws-sdk/client-cloudformation talks to it through `endpoint`. DescribeStacks only, over stacks the
// test sets, with CloudFormation's own ValidationError for a stack that does not exist.
import { createServer } from "node:http";
import { listenOnLoopback } from "../../src/util/listen-loopback.ts";

export interface FakeStack {
  name: string;
  status: string;
  reason?: string;
  outputs?: Record<string, string>;
}

export interface CloudFormationFake {
  readonly url: string;
  /** Sets (or replaces) a stack as DescribeStacks reports it. */
  setStack(stack: FakeStack): void;
  removeStack(name: string): void;
  readonly calls: Array<{ action: string; stackName: string }>;
  close(): Promise<void>;
}

const NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/";
const escape = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

function stackXml(stack: FakeStack): string {
  const outputs = Object.entries(stack.outputs ?? {})
    .map(
      ([key, value]) =>
        `<member><OutputKey>${escape(key)}</OutputKey><OutputValue>${escape(value)}</OutputValue></member>`,
    )
    .join("");
  return [
    "<member>",
    `<StackName>${escape(stack.name)}</StackName>`,
    `<StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/${escape(stack.name)}/0f0e0d0c</StackId>`,
    `<StackStatus>${escape(stack.status)}</StackStatus>`,
    stack.reason ? `<StackStatusReason>${escape(stack.reason)}</StackStatusReason>` : "",
    "<CreationTime>2026-12-01T09:00:00.000Z</CreationTime>",
    `<Outputs>${outputs}</Outputs>`,
    "</member>",
  ].join("");
}

export async function startCloudFormationFake(): Promise<CloudFormationFake> {
  const stacks = new Map<string, FakeStack>();
  const calls: CloudFormationFake["calls"] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const action = form.get("Action") ?? "";
      const stackName = form.get("StackName") ?? "";
      calls.push({ action, stackName });
      const reply = (status: number, xml: string) => {
        res.writeHead(status, { "content-type": "text/xml" });
        res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
      };
      const error = (code: string, message: string) =>
        reply(
          400,
          `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escape(message)}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`,
        );
      if (action !== "DescribeStacks") return error("InvalidAction", `the fake does not serve ${action}`);
      const selected = stackName ? [stacks.get(stackName)] : [...stacks.values()];
      if (selected.some((stack) => stack === undefined)) {
        return error("ValidationError", `Stack with id ${stackName} does not exist`);
      }
      reply(
        200,
        `<DescribeStacksResponse xmlns="${NS}"><DescribeStacksResult><Stacks>${(selected as FakeStack[]).map(stackXml).join("")}</Stacks></DescribeStacksResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></DescribeStacksResponse>`,
      );
    });
  });
  const origin = await listenOnLoopback(server);
  return {
    url: origin,
    calls,
    setStack: (stack) => stacks.set(stack.name, stack),
    removeStack: (name) => stacks.delete(name),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
