// The runner's call into AgentCore through the real BedrockAgentCoreClient, against a small loopback
// server speaking InvokeAgentRuntime's wire (path, query, session header, SSE body, AWS error shapes).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BedrockAgentCoreClient } from "@aws-sdk/client-bedrock-agentcore";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { AgentEvent } from "../../../core/agent/events.ts";
import { ModelCallError, ModelSetupError } from "../../../core/agent/model-call-error.ts";
import { OWNER_TRUST } from "../../../core/intake/trust.ts";
import { FAILED_REPLY, failureReply } from "../../../core/turn/failure-reply.ts";
import type { TurnRequest } from "../../../core/turn/run-turn.ts";
import { toTurnInvocation } from "../../../runtime/turn-body.ts";
import { RuntimeTurnAborted, RuntimeTurnError } from "../../../runtime/turn-failure.ts";
import { createFakeClock } from "../../../util/fake-clock.ts";
import { createSystemClock } from "../../../util/system-clock.ts";
import { createRuntimeInvoker, type InvokeRuntimeOptions, WAKING_NOTICE } from "./invoke-runtime.ts";

const ARN = "arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/agent_claw-AbCdEf1234";
const SESSION = `acs-${"0".repeat(64)}`;
const SESSION_HEADER = "x-amzn-bedrock-agentcore-runtime-session-id";

/** One InvokeAgentRuntime call as the fake saw it; the test answers it through `res`. */
interface Call {
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: unknown;
  res: ServerResponse;
  /** Resolves when the runner closed the connection before the answer ended. */
  closed: Promise<void>;
}

let server: Server;
let endpoint: string;
let calls: Call[] = [];
let answer: (call: Call) => void = () => {};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url!, "http://fake");
      const closed = new Promise<void>((resolve) =>
        res.on("close", () => {
          if (!res.writableEnded) resolve();
        }),
      );
      const call: Call = {
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
        res,
        closed,
      };
      calls.push(call);
      answer(call);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  calls = [];
  answer = () => {};
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const client = () =>
  new BedrockAgentCoreClient({
    region: "eu-west-1",
    endpoint,
    credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "fake-secret" },
    maxAttempts: 1,
  });

function invoker(overrides: Partial<InvokeRuntimeOptions> = {}) {
  return createRuntimeInvoker({
    client: client(),
    runtimeArn: ARN,
    qualifier: "DEFAULT",
    clock: createSystemClock(),
    turnCapMs: 600_000,
    retryDelaysMs: [1, 1],
    ...overrides,
  });
}

function turn(events: AgentEvent[] = [], signal?: AbortSignal): TurnRequest {
  return {
    sessionKey: "agent:main:main",
    messages: [
      {
        id: "m1",
        channel: "telegram",
        account: "default",
        chat: { id: "42", kind: "dm" },
        sender: { id: "42", name: "Ada" },
        text: "hello",
        at: 1,
      },
    ],
    channel: { channel: "telegram", chatKind: "dm", description: "Telegram DM", interactive: true },
    turnIds: ["telegram:default:1"],
    trust: [OWNER_TRUST],
    onEvent: (event) => events.push(event),
    ...(signal && { signal }),
  };
}

const frame = (data: unknown, event?: string) =>
  `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`;
const RESULT = {
  type: "result",
  reply: "Hi Ada!",
  usage: { inputTokens: 12, outputTokens: 3 },
  sessionId: "s-1",
  steps: 1,
  stopReason: "done",
};

function startStream(res: ServerResponse) {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    [SESSION_HEADER]: SESSION,
  });
}

/** Answers as AgentCore does when it fails a call: status, error type header, JSON message. */
function failWith(res: ServerResponse, status: number, type: string, message: string) {
  res.writeHead(status, { "content-type": "application/json", "x-amzn-errortype": type });
  res.end(JSON.stringify({ message }));
}

describe("createRuntimeInvoker", () => {
  it("sends the turn to the runtime's session and streams its events, frames cut anywhere", async () => {
    const events: AgentEvent[] = [];
    answer = async ({ res }) => {
      startStream(res);
      const text =
        frame({ type: "step_start", step: 1 }) +
        frame({ type: "text_delta", text: "Hi " }) +
        frame({ type: "text_delta", text: "Ada! …" }) +
        frame({ type: "some_future_event", detail: 1 }) +
        frame(RESULT);
      // Written in pieces that cut frames, lines and a multi-byte character apart.
      const bytes = Buffer.from(text);
      for (let at = 0; at < bytes.length; at += 7) {
        res.write(bytes.subarray(at, at + 7));
        await new Promise((resolve) => setImmediate(resolve));
      }
      res.end();
    };
    const request = turn(events);
    const result = await invoker()(request, SESSION);

    expect(result).toEqual({
      reply: "Hi Ada!",
      sessionKey: "agent:main:main",
      sessionId: "s-1",
      usage: { inputTokens: 12, outputTokens: 3 },
      steps: 1,
      stopReason: "done",
    });
    expect(events).toEqual([
      { type: "step_start", step: 1 },
      { type: "text_delta", text: "Hi " },
      { type: "text_delta", text: "Ada! …" },
      { type: "some_future_event", detail: 1 },
    ]);
    const [call] = calls;
    expect(call!.path).toBe(`/runtimes/${encodeURIComponent(ARN)}/invocations`);
    expect(call!.query.get("qualifier")).toBe("DEFAULT");
    expect(call!.headers[SESSION_HEADER]).toBe(SESSION);
    expect(call!.headers["accept"]).toBe("text/event-stream");
    expect(call!.headers["content-type"]).toBe("application/json");
    expect(call!.body).toEqual(JSON.parse(JSON.stringify(toTurnInvocation(request))));
  });

  it("reads a JSON answer too", async () => {
    answer = ({ res }) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(RESULT));
    };
    expect((await invoker()(turn(), SESSION)).reply).toBe("Hi Ada!");
  });

  it("turns a failure frame into the error the Lambda would have seen, so the chat gets the same apology", async () => {
    const failing = (failure: unknown) => {
      answer = ({ res }) => {
        startStream(res);
        res.write(frame({ type: "step_start", step: 1 }));
        res.end(frame(failure, "error"));
      };
      return invoker()(turn(), SESSION).then(
        () => expect.unreachable("the turn should fail"),
        (error: unknown) => error,
      );
    };
    const limited = await failing({ message: "429 slow down", kind: "model", modelKind: "rate_limit" });
    expect(limited).toBeInstanceOf(ModelCallError);
    expect((limited as ModelCallError).kind).toBe("rate_limit");
    expect(failureReply(limited)).toMatch(/limiting how many requests/);

    // Without a modelKind (an older runtime), the kind is read off the provider's words.
    const auth = await failing({ message: "authentication_error: invalid x-api-key", kind: "model" });
    expect((auth as ModelCallError).kind).toBe("auth");

    const setup = await failing({ message: "ANTHROPIC_API_KEY is not set", kind: "setup" });
    expect(setup).toBeInstanceOf(ModelSetupError);
    expect(failureReply(setup)).toMatch(/not set up yet/);

    const internal = await failing({ message: "S3 is down", kind: "internal" });
    expect(internal).toBeInstanceOf(RuntimeTurnError);
    expect(failureReply(internal)).toBe(FAILED_REPLY);
  });

  it("tries a session that fails to start again on the same session id, up to three times", async () => {
    answer = (call) => {
      if (calls.length < 3)
        failWith(call.res, 424, "RuntimeClientError", "Runtime initialization time exceeded.");
      else {
        startStream(call.res);
        call.res.end(frame(RESULT));
      }
    };
    expect((await invoker()(turn(), SESSION)).reply).toBe("Hi Ada!");
    expect(calls.map((c) => c.headers[SESSION_HEADER])).toEqual([SESSION, SESSION, SESSION]);

    calls = [];
    answer = ({ res }) => failWith(res, 429, "ThrottlingException", "Rate exceeded");
    const error = await invoker()(turn(), SESSION).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeTurnError);
    expect((error as Error).message).toMatch(
      /did not start after 3 tries \(ThrottlingException: Rate exceeded\)/,
    );
    expect(calls).toHaveLength(3);
  });

  it("does not try again what no retry fixes, and says what to check", async () => {
    answer = ({ res }) => failWith(res, 403, "AccessDeniedException", "not authorized");
    await expect(invoker()(turn(), SESSION)).rejects.toThrow(
      /needs bedrock-agentcore:InvokeAgentRuntime on arn:aws:bedrock-agentcore/,
    );
    expect(calls).toHaveLength(1);
    calls = [];
    answer = ({ res }) => failWith(res, 404, "ResourceNotFoundException", "no such runtime");
    await expect(invoker()(turn(), SESSION)).rejects.toThrow(/check AGENT_CLAW_AGENTCORE_RUNTIME_ARN/);
    expect(calls).toHaveLength(1);
  });

  it("fails a stream that ends before its result, so the queue tries the turn again", async () => {
    answer = ({ res }) => {
      startStream(res);
      res.end(frame({ type: "step_start", step: 1 }));
    };
    await expect(invoker()(turn(), SESSION)).rejects.toThrow(/ended before the turn's result/);
  });

  it("says the session is waking up when nothing came back within 5 s, and not when it answers fast", async () => {
    const clock = createFakeClock();
    const events: AgentEvent[] = [];
    let release = () => {};
    answer = ({ res }) => {
      release = () => {
        startStream(res);
        res.end(frame({ type: "text_delta", text: "Hi" }) + frame(RESULT));
      };
    };
    const running = invoker({ clock })(turn(events), SESSION);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    await clock.advance(4_999);
    expect(events).toEqual([]);
    await clock.advance(1);
    expect(events).toEqual([{ type: "notice", text: WAKING_NOTICE }]);
    release();
    expect((await running).reply).toBe("Hi Ada!");
    expect(events.at(-1)).toEqual({ type: "text_delta", text: "Hi" });
    // Both timers ended with the turn.
    expect(clock.pending).toBe(0);

    events.length = 0;
    answer = ({ res }) => {
      startStream(res);
      res.end(frame(RESULT));
    };
    await invoker({ clock })(turn(events), SESSION);
    await clock.advance(10_000);
    expect(events).toEqual([]);
  });

  it("stops the turn at the cap: the runtime sees the stream close, the chat gets what was written", async () => {
    const clock = createFakeClock();
    const events: AgentEvent[] = [];
    answer = ({ res }) => {
      startStream(res);
      res.write(frame({ type: "step_start", step: 1 }));
      res.write(frame({ type: "text_delta", text: "Here is the first half" }));
      res.write(
        frame({
          type: "step_end",
          step: 1,
          usage: { inputTokens: 100, outputTokens: 20 },
          finishReason: "tool-calls",
        }),
      );
      // ...and a tool that never ends.
    };
    const running = invoker({ clock, turnCapMs: 600_000 })(turn(events), SESSION);
    await vi.waitFor(() => expect(events).toHaveLength(3));
    await clock.advance(599_999);
    await clock.advance(1);
    const result = await running;
    expect(result).toMatchObject({
      stopReason: "aborted",
      usage: { inputTokens: 100, outputTokens: 20 },
      steps: 1,
    });
    expect(result.reply).toBe(
      "Here is the first half\n\n(I stopped here: a turn may run for 10 minutes, and this one ran out of time. Send a message to go on.)",
    );
    await calls[0]!.closed;
  });

  it("ends the call when the turn's own signal aborts", async () => {
    const controller = new AbortController();
    answer = ({ res }) => {
      startStream(res);
      res.write(frame({ type: "step_start", step: 1 }));
    };
    const events: AgentEvent[] = [];
    const running = invoker()(turn(events, controller.signal), SESSION);
    await vi.waitFor(() => expect(events).toHaveLength(1));
    controller.abort(new Error("/stop"));
    await expect(running).rejects.toBeInstanceOf(RuntimeTurnAborted);
    await calls[0]!.closed;
  });
});
