// The bundled handlers on their own (dist/lambda/*.mjs, as Lambda loads them): an unusable environment
// fails the cold start with one message naming every problem, requests that are not theirs are answered
// without it, and each bundle carries only what its handler uses.
import { readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { isBuiltin } from "node:module";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import {
  dynamoClient,
  s3Client,
  sqsClient,
  startDynalite,
  startFauxqs,
} from "../../src/engines/aws/dev/emulators.ts";
import { handlerEnvironment, lambdaDir } from "../../src/engines/aws/dev/handler-env.ts";
import { createDevResources } from "../../src/engines/aws/dev/resources.ts";
import { startTelegramFake } from "../fakes/telegram-bot-api.ts";
import { freePort } from "../free-port.ts";
import { createLambdaHost, type LambdaHost } from "../../src/engines/aws/dev/lambda-host.ts";

const dir = lambdaDir();
const hosts: LambdaHost[] = [];
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
});

function lambda(name: "ingest" | "runner" | "schedule", env: Record<string, string>): LambdaHost {
  const host = createLambdaHost({
    name,
    bundle: join(dir, `${name}.mjs`),
    env,
    maxConcurrency: 1,
    timeoutMs: 15_000,
    log: () => {},
  });
  hosts.push(host);
  return host;
}

const webhookEvent = (method: string, path: string) => ({
  version: "2.0",
  routeKey: "$default",
  rawPath: path,
  rawQueryString: "",
  headers: { "content-type": "application/json" },
  requestContext: { http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "" } },
  body: "{}",
  isBase64Encoded: false,
});

const EVENTS = {
  ingest: webhookEvent("POST", "/telegram/webhook"),
  runner: { Records: [] },
  schedule: { jobId: "heartbeat", scheduledTime: "2026-12-07T09:00:00Z" },
};

describe("the bundled handlers", () => {
  it.each(["ingest", "runner", "schedule"] as const)(
    "%s fails its cold start with one message naming every missing or invalid setting, and no secret",
    async (name) => {
      const token = "123456789:AAsecretTokenThatMustNotLeak_0123456789";
      const failed = lambda(name, {
        AWS_REGION: "Ireland",
        AGENT_CLAW_AWS_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/intake",
        AGENT_CLAW_CONFIG: '{"agent": {"maxSteps": "many"}}',
        TELEGRAM_BOT_TOKEN: token,
      }).invoke(EVENTS[name]);
      await expect(failed).rejects.toMatchObject({ kind: "error" });
      const message = await failed.catch((error: Error) => error.message);
      for (const problem of [
        "AWS_REGION is not a region",
        "AGENT_CLAW_AWS_TABLE is not set",
        "AGENT_CLAW_AWS_BUCKET is not set",
        "AGENT_CLAW_AWS_QUEUE_URL is not a FIFO queue URL",
        "AGENT_CLAW_AWS_SCHEDULE_GROUP is not set",
        "AGENT_CLAW_AWS_SCHEDULE_TARGET_ARN is not set",
        "AGENT_CLAW_AWS_SCHEDULE_ROLE_ARN is not set",
        "AGENT_CLAW_CONFIG is not valid",
        "agent.maxSteps",
      ]) {
        expect(message).toContain(problem);
      }
      expect(message).toContain("AwsSetupError: The aws engine is not configured:");
      expect(message).not.toContain(token);
    },
  );

  it("answers what is not a webhook call without reading its environment", async () => {
    const ingest = lambda("ingest", {});
    expect(await ingest.invoke(webhookEvent("POST", "/favicon.ico"))).toMatchObject({ statusCode: 404 });
    expect(await ingest.invoke(webhookEvent("GET", "/telegram/webhook"))).toMatchObject({ statusCode: 405 });
  });

  it("refuses a schedule payload without a job id and a scheduled time, without retries", async () => {
    const schedule = lambda("schedule", {});
    expect(await schedule.invoke({ jobId: "nightly" })).toEqual({
      error: expect.stringContaining('not a schedule firing: expected {"jobId": "...", "scheduledTime"'),
    });
    expect(
      await schedule.invoke({ jobId: "nightly", scheduledTime: "<aws.scheduler.scheduled-time>" }),
    ).toEqual({
      error: expect.stringContaining("scheduledTime"),
    });
  });

  it("answers 200 only once an update is in the FIFO queue under its session and update id, 503 when it cannot be", async () => {
    const [dynamo, fauxqs, telegram] = await Promise.all([
      startDynalite(),
      startFauxqs(),
      startTelegramFake(),
    ]);
    const sqs = sqsClient(fauxqs.endpoint);
    const clients = { dynamodb: dynamoClient(dynamo.endpoint), s3: s3Client(fauxqs.endpoint), sqs };
    try {
      const resources = await createDevResources(clients, { maxReceiveCount: 5, visibilitySeconds: 30 });
      const env = (sqsEndpoint: string) =>
        handlerEnvironment(
          { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.url },
          {
            resources,
            endpoints: {
              dynamodb: dynamo.endpoint,
              s3: fauxqs.endpoint,
              sqs: sqsEndpoint,
              scheduler: fauxqs.endpoint,
            },
            maxAttempts: 2,
            config: { channels: { telegram: { allowFrom: ["1001"] } } },
            webhookSecret: "the-webhook-secret-0123",
          },
        );
      const call = (update: unknown) => ({
        ...webhookEvent("POST", "/telegram/webhook"),
        headers: {
          "content-type": "application/json",
          "x-telegram-bot-api-secret-token": "the-webhook-secret-0123",
        },
        body: JSON.stringify(update),
      });
      const lost = telegram.message({ text: "the queue is down" });
      const down = lambda("ingest", env(`http://127.0.0.1:${await freePort()}`));
      expect(await down.invoke(call(lost))).toMatchObject({ statusCode: 503 });

      // A proxy's HTML error page makes the SDK throw a SyntaxError: still the queue's failure, not the body's.
      const proxy = createServer((_, res) =>
        res.writeHead(502, { "content-type": "text/html" }).end("<html>"),
      );
      await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
      const broken = lambda("ingest", env(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`));
      const garbled = telegram.message({ text: "the queue answers HTML" });
      expect(await broken.invoke(call(garbled)).finally(() => proxy.close())).toMatchObject({
        statusCode: 503,
      });

      const kept = telegram.message({ text: "the queue is up" });
      const up = lambda("ingest", env(fauxqs.endpoint));
      expect(await up.invoke(call(kept))).toMatchObject({ statusCode: 200, body: "ok" });
      expect(await up.invoke({ ...call(kept), body: "{not json" })).toMatchObject({ statusCode: 400 });
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: resources.queueUrl,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ["All"],
        }),
      );
      expect(
        Messages.map((m) => [m.Attributes?.MessageGroupId, m.Attributes?.MessageDeduplicationId]),
      ).toEqual([["agent:main:main", `telegram:default:${kept.update_id}`]]);
    } finally {
      for (const client of Object.values(clients)) client.destroy();
      await Promise.all([dynamo.stop(), fauxqs.stop(), telegram.close()]);
    }
  }, 60_000);

  it("bundles each handler alone, ingest under 1 MB and without the AI SDK or the model providers", () => {
    const meta = JSON.parse(readFileSync(join(dir, "metafile.json"), "utf8")) as {
      outputs: Record<string, { inputs: Record<string, unknown>; imports: Array<{ path: string }> }>;
    };
    const output = (name: string) =>
      Object.entries(meta.outputs).find(([file]) => file.endsWith(`lambda/${name}.mjs`))![1];
    const inputs = (name: string) => Object.keys(output(name).inputs);
    const modelCode = /node_modules\/(ai|@ai-sdk\/[^/]+)\/|src\/(models|core\/agent|tools)\//;
    expect(inputs("ingest").filter((file) => modelCode.test(file))).toEqual([]);
    expect(inputs("ingest").filter((file) => /client-s3|client-scheduler/.test(file))).toEqual([]);
    expect(inputs("schedule").filter((file) => modelCode.test(file))).toEqual([]);
    expect(inputs("runner").some((file) => modelCode.test(file))).toBe(true);
    expect(statSync(join(dir, "ingest.mjs")).size).toBeLessThan(1_000_000);
    // Self-contained: Node's built-ins only, besides two optional loads that never run on Lambda (the AWS
    // SDK's browser user-agent parser, and debug's colour support inside a try).
    const optional = new Set(["bowser", "supports-color"]);
    for (const name of ["ingest", "runner", "schedule"]) {
      const external = output(name)
        .imports.map((i) => i.path)
        .filter((path) => !isBuiltin(path) && !optional.has(path));
      expect(external).toEqual([]);
    }
  });
});
