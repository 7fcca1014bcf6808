// The durable job runner over the real SQLite queue and outbox, with turns scripted in-process.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openStateDb } from "../../src/adapters/sqlite/db.ts";
import { createSqliteOutbox } from "../../src/adapters/sqlite/outbox.ts";
import { createSqliteQueue } from "../../src/adapters/sqlite/queue.ts";
import { createSystemClock } from "../../src/util/system-clock.ts";
import type { TurnRequest, TurnResult } from "../../src/core/turn/run-turn.ts";
import { createJobRunner, type JobRunner } from "../../src/core/intake/job-runner.ts";
import { FAILED_REPLY } from "../../src/core/turn/failure-reply.ts";
import type { TurnJob } from "../../src/core/intake/turn-job.ts";

const job = (id: string, text: string, sessionKey = "agent:main:main"): TurnJob => ({
  id,
  sessionKey,
  message: {
    id,
    channel: "web",
    account: "default",
    chat: { id: "c", kind: "dm" },
    sender: { id: "u" },
    text,
    at: 0,
  },
  channel: { channel: "web", chatKind: "dm", description: "the web chat", interactive: false },
});

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** A runner over a real SQLite queue and outbox; `turns` records what each turn was asked. */
async function world(
  runTurn: (request: TurnRequest) => Promise<TurnResult>,
  extra: Partial<Parameters<typeof createJobRunner>[0]> = {},
) {
  const dir = await mkdtemp(join(tmpdir(), "agent-claw-runner-"));
  const db = openStateDb(join(dir, "state.db"));
  const clock = createSystemClock();
  const queue = createSqliteQueue({ db, clock });
  const outbox = createSqliteOutbox({ db });
  const turns: TurnRequest[] = [];
  const runner: JobRunner = createJobRunner({
    queue,
    outbox,
    clock,
    maxConcurrent: 2,
    retryDelayMs: 0,
    runTurn: (request) => {
      turns.push(request);
      return runTurn(request);
    },
    ...extra,
  });
  cleanup.push(async () => {
    await runner.stop();
    db.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { runner, queue, outbox, turns };
}

const answer =
  (reply: string) =>
  async (request: TurnRequest): Promise<TurnResult> => ({
    reply,
    sessionKey: request.sessionKey,
    sessionId: "s",
    usage: { inputTokens: 1, outputTokens: 1 },
    steps: 1,
    stopReason: "done",
  });

describe("the job runner", () => {
  it("starts a turn only once the intake gate says the intake is quiet", async () => {
    let opened = false;
    let open!: () => void;
    const intake = {
      track: <T>(work: () => Promise<T>) => work(),
      quiet: () =>
        new Promise<void>((resolve) => {
          open = () => {
            opened = true;
            resolve();
          };
        }),
    };
    // A turn that starts before the gate opened fails, and so does its outcome.
    const { runner, turns } = await world(
      async (request) => {
        if (!opened) throw new Error("the turn started while the intake was busy");
        return answer("hello")(request);
      },
      { intake, maxAttempts: 1 },
    );
    await runner.submit(job("ws:gate", "hi"));
    runner.start();
    await vi.waitFor(() => expect(open).toBeDefined());
    open();
    expect(await runner.outcome("ws:gate")).toMatchObject({ status: "done", reply: "hello" });
    expect(turns).toHaveLength(1);
  });

  it("answers a job queued twice under two dedupe ids with one turn and one outcome", async () => {
    const { runner, queue, outbox, turns } = await world(answer("hello"));
    const twice = job("ws:k1", "hi");
    // What a resend after the queue's duplicate window looks like: the same job, enqueued again.
    await queue.enqueue({ group: twice.sessionKey, dedupeId: "first", body: twice });
    await queue.enqueue({ group: twice.sessionKey, dedupeId: "second", body: twice });
    runner.start();
    expect(await runner.outcome("ws:k1")).toMatchObject({ status: "done", reply: "hello" });
    await expect.poll(() => runner.running).toBe(0);
    expect(turns).toHaveLength(1);
    expect(turns[0]!.turnIds).toEqual(["ws:k1"]);
    expect(await queue.receive({ max: 10, visibilityMs: 1_000 })).toEqual([]);
    expect(await outbox.get("ws:k1")).toMatchObject({ reply: "hello" });
  });

  it("retries a failed turn once with the same turn id, then tells the user", async () => {
    const { runner, turns } = await world(async () => {
      throw new Error("model down");
    });
    await runner.submit(job("ws:k2", "hi"));
    runner.start();
    const outcome = await runner.outcome("ws:k2");
    expect(outcome.status).toBe("failed");
    // What failed is for the owner's log, not for the chat.
    expect(outcome.reply).toBe(FAILED_REPLY);
    expect(turns.map((t) => t.turnIds)).toEqual([["ws:k2"], ["ws:k2"]]);
  });

  it("gives each accepted message of a batch its turn id, so a retry knows which it holds", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { runner, turns } = await world(async (request) => {
      if (turns.length === 1) await gate;
      return answer(`re: ${request.messages.map((m) => m.text).join(" + ")}`)(request);
    });
    await runner.submit(job("ws:a", "one"));
    runner.start();
    await expect.poll(() => turns.length).toBe(1);
    // Sent while the first turn runs: collected into the next turn of the session.
    await Promise.all([runner.submit(job("ws:b", "two")), runner.submit(job("ws:c", "three"))]);
    release();
    expect((await runner.outcome("ws:c")).reply).toBe("re: two + three");
    expect((await runner.outcome("ws:b")).reply).toBe("re: two + three");
    expect(turns.map((t) => t.turnIds)).toEqual([["ws:a"], ["ws:b", "ws:c"]]);
  });

  it("answers a message that arrived with a heartbeat in a turn of its own, with its own channel and prompt", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { runner, turns } = await world(async (request) => {
      if (turns.length === 1) await gate;
      return answer(`re: ${request.messages.map((m) => m.text).join(" + ")}`)(request);
    });
    const base = job("heartbeat:1", "Heartbeat (10:00). This is not the user writing.");
    const beat: TurnJob = {
      ...base,
      message: { ...base.message, internal: "heartbeat" },
      channel: { channel: "heartbeat", chatKind: "dm", description: "a heartbeat", interactive: false },
      options: { light: true },
    };
    await runner.submit(job("ws:a", "one"));
    runner.start();
    await expect.poll(() => turns.length).toBe(1);
    // Both wait while the first turn runs.
    await runner.submit(beat);
    await runner.submit(job("ws:b", "did I pay the rent?"));
    release();

    expect((await runner.outcome("ws:b")).reply).toBe("re: did I pay the rent?");
    expect(turns.map((t) => [t.turnIds, t.channel.channel, t.options?.light ?? false])).toEqual([
      [["ws:a"], "web", false],
      [["heartbeat:1"], "heartbeat", true],
      [["ws:b"], "web", false],
    ]);
  });

  it("awaits the channel's delivery, and sends a reply it refused once on the next try, with one turn", async () => {
    const sent: string[] = [];
    let refusals = 1;
    const { runner, turns, queue } = await world(answer("hello"), {
      deliveryRetryDelaysMs: [0],
      deliver: async (record) => {
        if (refusals-- > 0) throw new Error("Bot API 502");
        sent.push(record.reply);
      },
    });
    await runner.submit(job("ws:d", "hi"));
    runner.start();
    await expect.poll(() => sent).toEqual(["hello"]);
    await expect.poll(() => runner.running).toBe(0);
    expect(turns).toHaveLength(1);
    expect(await queue.receive({ max: 10, visibilityMs: 1_000 })).toEqual([]);
  });

  it("answers a bot command without the model, after the message queued before it", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const { runner } = await world(
      async (request) => {
        await gate;
        order.push(`turn ${request.messages[0]!.text}`);
        return answer("hello")(request);
      },
      {
        runCommand: async (j) => {
          order.push(`command /${j.command}`);
          return "Started a new session.";
        },
      },
    );
    await runner.submit(job("ws:m", "hi"));
    runner.start();
    await runner.submit({ ...job("ws:new", "/new"), command: "new" });
    release();
    expect(await runner.outcome("ws:new")).toMatchObject({ status: "done", reply: "Started a new session." });
    expect(order).toEqual(["turn hi", "command /new"]);
  });
});
