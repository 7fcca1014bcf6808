// The acceptance test of durable delivery: the real `agent-claw gateway` process is killed with
// SIGKILL while 10 sessions talk to it through the official openai client, restarted on the same
// home and port, and every one of the 200 messages still ends with exactly one answer of its own.
import type { ChildProcess } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import OpenAI from "openai";
import { afterEach, expect, it } from "vitest";
import type { FakeModelServer } from "../fakes/fake-model-server.ts";
import { type RecordedRequest } from "../fakes/model-script.ts";
import { createGate, startOpenAIChatFake } from "../fakes/openai-chat-server.ts";
import { startCli, tempHome } from "./run-cli.ts";
import { freePort } from "../free-port.ts";

const TOKEN = "test-token-0123456789";
const SESSIONS = 10;
const PER_SESSION = 20;
const KILL_AFTER = 60;
const LANES = 4; // lanes.maxConcurrent's default: turns that can be running at the kill

let cleanup: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** Starts `agent-claw gateway` and resolves once it prints its address. */
async function startGatewayProcess(env: NodeJS.ProcessEnv, port: number) {
  const run = startCli(["gateway", "--port", String(port)], env);
  let out = "";
  await new Promise<void>((resolve, reject) => {
    run.child.stdout?.on("data", (d: string) => {
      out += d;
      if (out.includes(`Web chat:  http://127.0.0.1:${port}`)) resolve();
    });
    void run.done.then((r) => reject(new Error(`gateway exited early (${r.code}): ${r.stderr}`)));
  });
  return run;
}

const kill = async (run: { child: ChildProcess; done: Promise<unknown> }, signal: NodeJS.Signals) => {
  run.child.kill(signal);
  await run.done;
};

it("answers every message exactly once across a SIGKILL and a restart", { timeout: 30_000 }, async () => {
  const home = await tempHome();
  cleanup.push(home.cleanup);
  // Echoes the message; once `holding`, parks each reply so turns are mid-model-call at the kill.
  const gate = createGate();
  let holding = false;
  let parked = 0;
  let onParked = () => {};
  const echo = (request: RecordedRequest) => {
    const text = `echo: ${request.lastUserText}`;
    if (!holding) return { text };
    parked++;
    onParked();
    return { text, hold: { after: 0, gate } };
  };
  const fake: FakeModelServer = await startOpenAIChatFake({ script: Array(1_000).fill(echo) });
  cleanup.push(
    () => fake.close(),
    () => gate.release(),
  );
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...home.env,
    AGENT_CLAW_MODEL: "openai-compatible/fake",
    OPENAI_COMPATIBLE_BASE_URL: fake.url,
    AGENT_CLAW_GATEWAY_TOKEN: TOKEN,
  };
  let gateway = await startGatewayProcess(env, port);
  cleanup.push(() => kill(gateway, "SIGKILL"));

  const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: TOKEN, maxRetries: 30 });
  const replies = new Map<string, string[]>();
  const answeredBeforeKill = new Set<string>();
  let killed = false;
  let reachedKillPoint = () => {};
  const killPoint = new Promise<void>((resolve) => (reachedKillPoint = resolve));
  const converse = async (session: number) => {
    for (let m = 0; m < PER_SESSION; m++) {
      const text = `s${session}-m${m}`;
      const completion = await client.chat.completions.create(
        { model: "agent-claw", messages: [{ role: "user", content: text }], user: `s${session}` },
        { headers: { "Idempotency-Key": text } },
      );
      replies.set(text, [...(replies.get(text) ?? []), completion.choices[0]?.message.content ?? ""]);
      if (!killed) answeredBeforeKill.add(text);
      if (answeredBeforeKill.size === KILL_AFTER) reachedKillPoint();
    }
  };
  const conversations = Promise.all(Array.from({ length: SESSIONS }, (_, s) => converse(s)));

  await killPoint;
  holding = true;
  await new Promise<void>((resolve) => {
    onParked = () => parked >= LANES && resolve();
    onParked();
  });
  killed = true;
  await kill(gateway, "SIGKILL");
  const inFlightAtKill = parked;
  holding = false;
  gate.release();
  gateway = await startGatewayProcess(env, port);
  await conversations;
  await kill(gateway, "SIGTERM");

  // Every message has exactly one answer, and it is the answer to that message.
  const messages = Array.from({ length: SESSIONS }, (_, s) =>
    Array.from({ length: PER_SESSION }, (_, m) => `s${s}-m${m}`),
  ).flat();
  expect([...replies.keys()].sort()).toEqual([...messages].sort());
  for (const text of messages) expect(replies.get(text)).toEqual([`echo: ${text}`]);

  // The model was asked again only for turns that were running at the kill.
  const asked = new Map<string, number>();
  for (const r of fake.requests) asked.set(r.lastUserText ?? "", (asked.get(r.lastUserText ?? "") ?? 0) + 1);
  expect(inFlightAtKill).toBe(LANES);
  expect(fake.requests.length).toBeLessThanOrEqual(messages.length + inFlightAtKill);
  for (const text of messages) expect(asked.get(text), text).toBeGreaterThanOrEqual(1);
  for (const text of answeredBeforeKill) expect(asked.get(text), text).toBe(1);
  expect([...asked.values()].filter((n) => n > 2)).toEqual([]);

  // The transcripts hold each message and each answer once.
  const dir = join(env.AGENT_CLAW_HOME!, "sessions");
  const lines: Array<{ message: { role: string; content: unknown } }> = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith(".jsonl"))) {
    const text = await readFile(join(dir, file), "utf8");
    for (const line of text.split("\n").filter(Boolean)) lines.push(JSON.parse(line));
  }
  const said = (role: string) =>
    lines
      .filter((l) => l.message.role === role)
      .map((l) => String(l.message.content))
      .sort();
  expect(said("user")).toEqual([...messages].sort());
  expect(said("assistant")).toEqual(messages.map((t) => `echo: ${t}`).sort());
});
