// The runner with turns in AgentCore, on the emulators (dynalite, fauxqs), the fake Bot API and a small
// loopback AgentCore data plane: turns go to the chat's runtime session, everything else stays in the
// runner, and no model is ever set up here.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startTelegramFake, type TelegramFake } from "../../../../test/fakes/telegram-bot-api.ts";
import { TELEGRAM_SECRET_HEADER } from "../../../channels/telegram/verify.ts";
import { failureReply } from "../../../core/turn/failure-reply.ts";
import { ModelCallError } from "../../../core/agent/model-call-error.ts";
import {
  dynamoClient,
  type Emulator,
  FAKE_AWS,
  s3Client,
  sqsClient,
  startDynalite,
  startFauxqs,
} from "../dev/emulators.ts";
import { handlerEnvironment } from "../dev/handler-env.ts";
import { createDevResources, type DevResources } from "../dev/resources.ts";
import { toSqsRecord } from "../dev/sqs-driver.ts";
import { type AwsRunner, openAwsRunner } from "../runner-engine.ts";

const ADA = 1001;
const SECRET = "webhook-secret-0123456789";
const SESSION_HEADER = "x-amzn-bedrock-agentcore-runtime-session-id";

interface Invocation {
  sessionId: string;
  body: { turn: { sessionKey: string; messages: Array<{ text: string }>; turnIds: string[] } };
}

let emulators: Emulator[] = [];
let clients: { dynamodb: DynamoDBClient; s3: S3Client; sqs: SQSClient };
let telegram: TelegramFake;
let agentcore: Server;
let agentcoreUrl: string;
let invocations: Invocation[] = [];
/** What the fake runtime streams back for a turn (SSE text). */
let stream: (invocation: Invocation) => string;

const frame = (data: unknown, event?: string) =>
  `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`;
const result = (reply: string) =>
  frame({
    type: "result",
    reply,
    usage: { inputTokens: 5, outputTokens: 2 },
    sessionId: "transcript-1",
    steps: 1,
    stopReason: "done",
  });

beforeAll(async () => {
  // The handlers' SDK clients read credentials from the process, as in a Lambda: the emulators' fake ones.
  vi.stubEnv("AWS_ACCESS_KEY_ID", FAKE_AWS.credentials.accessKeyId);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", FAKE_AWS.credentials.secretAccessKey);
  emulators = await Promise.all([startDynalite(), startFauxqs()]);
  const [dynalite, fauxqs] = emulators;
  clients = {
    dynamodb: dynamoClient(dynalite!.endpoint),
    s3: s3Client(fauxqs!.endpoint),
    sqs: sqsClient(fauxqs!.endpoint),
  };
  telegram = await startTelegramFake();
  agentcore = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const invocation: Invocation = {
        sessionId: String(req.headers[SESSION_HEADER]),
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Invocation["body"],
      };
      invocations.push(invocation);
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(stream(invocation));
    });
  });
  await new Promise<void>((resolve) => agentcore.listen(0, "127.0.0.1", resolve));
  agentcoreUrl = `http://127.0.0.1:${(agentcore.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  agentcore?.closeAllConnections();
  await new Promise((resolve) => agentcore?.close(resolve));
  await telegram?.close();
  for (const client of Object.values(clients ?? {})) client.destroy();
  await Promise.all(emulators.map((e) => e.stop()));
});

describe("the runner with turns in AgentCore", () => {
  let resources: DevResources;
  let runner: AwsRunner;
  let queueArn: string;

  const open = async (maxAttempts: number) => {
    resources = await createDevResources(clients, { maxReceiveCount: 10, visibilitySeconds: 1 });
    const { Attributes } = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: resources.queueUrl, AttributeNames: ["QueueArn"] }),
    );
    queueArn = Attributes!.QueueArn!;
    const [dynalite, fauxqs] = emulators;
    // No model and no provider key: a turn run in the runner would fail to resolve one.
    const env = handlerEnvironment(
      { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.url },
      {
        resources,
        endpoints: {
          dynamodb: dynalite!.endpoint,
          s3: fauxqs!.endpoint,
          sqs: fauxqs!.endpoint,
          scheduler: "http://127.0.0.1:9",
        },
        maxAttempts,
        retrySeconds: 0,
        config: { channels: { telegram: { allowFrom: [String(ADA)], streaming: false } } },
        webhookSecret: SECRET,
        agentcore: { endpoint: agentcoreUrl },
      },
    );
    runner = await openAwsRunner(env);
  };

  /** Posts the texts to the runner's Telegram webhook, then runs the queued jobs as one Lambda batch. */
  const chat = async (...texts: string[]) => {
    const channel = runner.engine.channels.get("telegram")!;
    for (const text of texts) {
      const update = telegram.message({ text });
      const answer = await channel.webhook(
        new Headers({ [TELEGRAM_SECRET_HEADER]: SECRET }),
        async () => update,
      );
      expect(answer.status).toBe(200);
    }
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: resources.queueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    const event: SQSEvent = { Records: Messages.map((m) => toSqsRecord(m, queueArn, FAKE_AWS.region)) };
    return runner.handle(event);
  };

  const sentTexts = () =>
    telegram.sent.filter((c) => c.method === "sendMessage").map((c) => String(c.params["text"]));

  beforeEach(() => {
    invocations = [];
    telegram.sent.length = 0;
  });

  it("runs the turn in the chat's runtime session and delivers its reply from the runner", async () => {
    stream = (invocation) =>
      frame({ type: "step_start", step: 1 }) +
      frame({ type: "text_delta", text: "Hi Ada" }) +
      result(`You said: ${invocation.body.turn.messages.map((m) => m.text).join(", ")}`);
    await open(2);
    expect(await chat("hello")).toEqual({ batchItemFailures: [] });
    expect(sentTexts()).toEqual(["You said: hello"]);
    expect(invocations).toHaveLength(1);
    const [first] = invocations;
    expect(first!.sessionId).toMatch(/^acs-[0-9a-f]{64}$/);
    expect(first!.body.turn.sessionKey).toBe("agent:main:main");
    expect(first!.body.turn.turnIds).toHaveLength(1);

    // The chat's next turn goes to the same runtime session (the same microVM and disk).
    await chat("again");
    expect(invocations.map((i) => i.sessionId)).toEqual([first!.sessionId, first!.sessionId]);
    await runner.close();
  });

  it("answers a bot command in the runner, without calling AgentCore", async () => {
    stream = () => result("not this");
    await open(2);
    await chat("/status");
    expect(invocations).toEqual([]);
    expect(sentTexts()).toHaveLength(1);
    expect(sentTexts()[0]).not.toBe("not this");
    await runner.close();
  });

  it("gives the chat the apology the Lambda would give for the runtime's model failure", async () => {
    stream = () =>
      frame({ message: "429 too many requests", kind: "model", modelKind: "rate_limit" }, "error");
    await open(1);
    await chat("hello");
    const expected = failureReply(new ModelCallError({ status: 429, message: "too many requests" }));
    expect(sentTexts()).toEqual([expected]);
    await runner.close();
  });
});
