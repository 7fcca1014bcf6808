// A runtime server over real parts, for the runtime tests: the serverless engine's ports on the emulators
// (dynalite, fauxqs S3 and SQS), the fake OpenAI-compatible model, a temp folder for the session's disk,
// and a real HTTP server on 127.0.0.1 answering /ping and /invocations.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { vi } from "vitest";
import { isMissing } from "../../src/adapters/s3/workspace.ts";
import {
  dynamoClient,
  type Emulator,
  s3Client,
  sqsClient,
  startDynalite,
  startFauxqs,
} from "../../src/engines/aws/dev/emulators.ts";
import { handlerEnvironment } from "../../src/engines/aws/dev/handler-env.ts";
import { createDevResources } from "../../src/engines/aws/dev/resources.ts";
import { openAwsTurn } from "../../src/runtime/aws-turn.ts";
import { SESSION_HEADER } from "../../src/runtime/invocation.ts";
import { RUNTIME_DIR_VARIABLE } from "../../src/runtime/runtime-dir.ts";
import { type RuntimeServer, startRuntime } from "../../src/runtime/listen.ts";
import { type FakeModelServer, startOpenAIChatFake } from "../fakes/openai-chat-server.ts";

export const WORKSPACE_PREFIX = "agents/main/workspace/";

export interface RuntimeWorld {
  server: RuntimeServer;
  model: FakeModelServer;
  /** How often the engine was loaded, and for which session ids. */
  loads: string[];
  /** The folder AGENT_CLAW_RUNTIME_DIR names. */
  runtimeDir: string;
  /** POSTs /invocations with the session header (`session`, else the world's). */
  invoke(body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** A workspace file as S3 has it (null: no such object). */
  s3Text(path: string): Promise<string | null>;
  putS3(path: string, text: string): Promise<void>;
  close(): Promise<void>;
}

export const SESSION = "runtime-session-0123456789abcdefghijk";

export async function startRuntimeWorld(config: Record<string, unknown> = {}): Promise<RuntimeWorld> {
  const [dynamo, fauxqs, model] = await Promise.all([startDynalite(), startFauxqs(), startOpenAIChatFake()]);
  const emulators: Emulator[] = [dynamo, fauxqs];
  const s3: S3Client = s3Client(fauxqs.endpoint);
  const clients = { dynamodb: dynamoClient(dynamo.endpoint), s3, sqs: sqsClient(fauxqs.endpoint) };
  const resources = await createDevResources(clients, { maxReceiveCount: 5, visibilitySeconds: 30 });
  const runtimeDir = mkdtempSync(join(tmpdir(), "agent-claw-runtime-test-"));
  const env = handlerEnvironment(
    {
      AGENT_CLAW_MODEL: "openai-compatible/fake",
      OPENAI_COMPATIBLE_BASE_URL: model.url,
      [RUNTIME_DIR_VARIABLE]: runtimeDir,
    },
    {
      resources,
      endpoints: {
        dynamodb: dynamo.endpoint,
        s3: fauxqs.endpoint,
        sqs: fauxqs.endpoint,
        scheduler: fauxqs.endpoint,
      },
      maxAttempts: 2,
      config,
      webhookSecret: "the-webhook-secret-0123",
    },
  );
  // The SDK's default chain reads the process's environment, as it does in the runtime's container.
  vi.stubEnv("AWS_ACCESS_KEY_ID", env.AWS_ACCESS_KEY_ID);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", env.AWS_SECRET_ACCESS_KEY);
  const loads: string[] = [];
  const server = await startRuntime({
    port: 0,
    host: "127.0.0.1",
    now: Date.now,
    load: (sessionId) => {
      loads.push(sessionId);
      return openAwsTurn(env, sessionId);
    },
  });
  const key = (path: string) => WORKSPACE_PREFIX + path;
  return {
    server,
    model,
    loads,
    runtimeDir,
    invoke: (body, headers = {}) =>
      fetch(`${server.url}/invocations`, {
        method: "POST",
        headers: { "content-type": "application/json", [SESSION_HEADER]: SESSION, ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    async s3Text(path) {
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: resources.bucket, Key: key(path) }));
        return (await object.Body?.transformToString()) ?? "";
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async putS3(path, text) {
      await s3.send(new PutObjectCommand({ Bucket: resources.bucket, Key: key(path), Body: text }));
    },
    async close() {
      vi.unstubAllEnvs();
      await server.close();
      for (const client of Object.values(clients)) client.destroy();
      await Promise.all([model.close(), ...emulators.map((e) => e.stop())]);
      rmSync(runtimeDir, { recursive: true, force: true });
    },
  };
}
