// The AgentCore image's bundle (dist/agentcore, built by scripts/build.mjs) copied alone to a folder with
// no node_modules, as the Dockerfile copies it: it answers /ping, then runs a whole turn over the
// emulators and the fake model, which loads every chunk a turn needs.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
import { SESSION_HEADER } from "../../src/runtime/invocation.ts";
import { RUNTIME_DIR_VARIABLE } from "../../src/runtime/runtime-dir.ts";
import { type FakeModelServer, startOpenAIChatFake } from "../fakes/openai-chat-server.ts";
import { ownerTurn } from "./owner-turn.ts";

const bundle = join(import.meta.dirname, "../../dist/agentcore");

describe("the AgentCore image's bundle (dist/agentcore)", () => {
  let dir: string;
  let model: FakeModelServer;
  let emulators: Emulator[] = [];
  let child: ChildProcess | undefined;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "agent-claw-image-"));
    cpSync(bundle, join(dir, "app"), { recursive: true });
    const [dynamo, fauxqs, fake] = await Promise.all([startDynalite(), startFauxqs(), startOpenAIChatFake()]);
    emulators = [dynamo, fauxqs];
    model = fake;
    const clients = {
      dynamodb: dynamoClient(dynamo.endpoint),
      s3: s3Client(fauxqs.endpoint),
      sqs: sqsClient(fauxqs.endpoint),
    };
    const resources = await createDevResources(clients, { maxReceiveCount: 5, visibilitySeconds: 30 });
    for (const client of Object.values(clients)) client.destroy();
    const env = handlerEnvironment(
      {
        PATH: process.env.PATH,
        AGENT_CLAW_MODEL: "openai-compatible/fake",
        OPENAI_COMPATIBLE_BASE_URL: model.url,
        [RUNTIME_DIR_VARIABLE]: join(dir, "session"),
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
        config: {},
        webhookSecret: "the-webhook-secret-0123",
      },
    );
    // As the Dockerfile's CMD starts it, with port 0 so the test learns the port from its first line.
    child = spawn(process.execPath, ["runtime.mjs", "runtime", "--port", "0"], {
      cwd: join(dir, "app"),
      env: { ...env, AGENT_CLAW_RUNTIME_HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const listening = new Promise<string>((resolve, reject) => {
      child!.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const found = /listening on (http:\S+)/.exec(out);
        if (found) resolve(found[1]!);
      });
      child!.once("exit", (code) =>
        reject(new Error(`the runtime exited (${code}) before listening: ${out}`)),
      );
    });
    url = await listening;
  }, 60_000);
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
    await Promise.all([model?.close(), ...emulators.map((e) => e.stop())]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("is self-contained: an entry, its chunks and the Dockerfile, no node_modules", () => {
    const files = readdirSync(join(dir, "app"));
    expect(files.sort()).toEqual(["Dockerfile", "chunks", "runtime.mjs"]);
    expect(existsSync(join(dir, "node_modules"))).toBe(false);
  });

  it("answers /ping, then streams a whole turn", async () => {
    expect(await (await fetch(`${url}/ping`)).json()).toMatchObject({ status: "Healthy" });
    model.script([{ text: "Hello from the image." }]);
    const response = await fetch(`${url}/invocations`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        [SESSION_HEADER]: "image-session-0123456789abcdefghijklmn",
      },
      body: JSON.stringify(ownerTurn("hello image")),
    });
    expect(response.status).toBe(200);
    const frames = (await response.text()).trim().split("\n\n");
    expect(JSON.parse(frames.at(-1)!.replace(/^data: /, ""))).toMatchObject({
      type: "result",
      reply: "Hello from the image.",
      stopReason: "done",
    });
  });
});
