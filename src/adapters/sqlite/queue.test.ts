// SQLite queue: the contract on a fresh state.db, plus what lanes and users rely on: durability
// across a reopen, long polls that wake and leave no sleeper behind, dedupe after ack, batching.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queueContract } from "../../ports/queue.contract.ts";
import { createFakeClock, type FakeClock } from "../../util/fake-clock.ts";
import { openStateDb } from "./db.ts";
import { createSqliteQueue, DEDUPE_WINDOW_MS } from "./queue.ts";

const VIS = 1_000;

queueContract("sqlite", async () => {
  const dir = await mkdtemp(join(tmpdir(), "claw-queue-"));
  const db = openStateDb(join(dir, "state.db"));
  const clock = createFakeClock();
  return {
    queue: createSqliteQueue({ db, clock }),
    pass: (ms) => clock.advance(ms),
    cleanup: async () => {
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe("sqlite queue", () => {
  let dir: string;
  let path: string;
  let clock: FakeClock;
  const open: DatabaseSync[] = [];
  const db = () => {
    const handle = openStateDb(path);
    open.push(handle);
    return handle;
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "claw-queue-"));
    path = join(dir, "state.db");
    clock = createFakeClock();
  });
  afterEach(async () => {
    for (const handle of open.splice(0)) if (handle.isOpen) handle.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps accepted and in-flight messages across a close and reopen", async () => {
    const first = db();
    const before = createSqliteQueue({ db: first, clock });
    await before.enqueue({ group: "s1", dedupeId: "a", body: { text: "one" } });
    await before.enqueue({ group: "s1", dedupeId: "b", body: { text: "two" } });
    await before.enqueue({ group: "s2", dedupeId: "c", body: { text: "three" } });
    const [inFlight] = await before.receive({ max: 1, visibilityMs: VIS });
    first.close();

    const after = createSqliteQueue({ db: db(), clock });
    // s1 is still held by the in-flight "a"; s2 is served.
    expect((await after.receive({ max: 10, visibilityMs: VIS })).map((d) => d.dedupeId)).toEqual(["c"]);
    await after.ack(inFlight!); // a receipt from before the reopen still acks
    const rest = await after.receive({ max: 10, visibilityMs: VIS });
    expect(rest.map((d) => d.body)).toEqual([{ text: "two" }]);
    expect(await after.enqueue({ group: "s1", dedupeId: "a", body: "again" })).toBe(false);
  });

  it("a long poll woken by an enqueue returns it at once and leaves no sleeper", async () => {
    const queue = createSqliteQueue({ db: db(), clock });
    const waiting = queue.receive({ max: 10, visibilityMs: VIS, waitMs: 20_000 });
    expect(clock.pending).toBe(1);
    await queue.enqueue({ group: "s1", dedupeId: "m", body: "hi" });
    expect((await waiting).map((d) => d.body)).toEqual(["hi"]);
    expect(clock.pending).toBe(0);
  });

  it("a long poll with no work answers [] once waitMs has passed, not before", async () => {
    const queue = createSqliteQueue({ db: db(), clock });
    let result: unknown = null;
    const waiting = queue.receive({ max: 1, visibilityMs: VIS, waitMs: 5_000 }).then((r) => {
      result = r;
    });
    await clock.advance(4_999);
    expect(result).toBeNull();
    await clock.advance(1);
    await waiting;
    expect(result).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it("a long poll wakes when an in-flight message's visibility expires", async () => {
    const queue = createSqliteQueue({ db: db(), clock, pollMs: 60_000 });
    await queue.enqueue({ group: "s1", dedupeId: "m", body: "crash" });
    const t0 = clock.now();
    await queue.receive({ max: 1, visibilityMs: VIS });
    const waiting = queue.receive({ max: 1, visibilityMs: VIS, waitMs: 10_000 });
    await clock.advance(VIS);
    const [again] = await waiting;
    expect(again).toMatchObject({ body: "crash", attempts: 2 });
    expect(clock.now()).toBe(t0 + VIS);
  });

  it("remembers a dedupeId for 5 minutes after enqueue, even once acked", async () => {
    const queue = createSqliteQueue({ db: db(), clock });
    await queue.enqueue({ group: "s1", dedupeId: "tg:1", body: 1 });
    const [d] = await queue.receive({ max: 1, visibilityMs: VIS });
    await queue.ack(d!);
    await clock.advance(DEDUPE_WINDOW_MS - 1);
    expect(await queue.enqueue({ group: "s1", dedupeId: "tg:1", body: 2 })).toBe(false);
    await clock.advance(1);
    expect(await queue.enqueue({ group: "s1", dedupeId: "tg:1", body: 3 })).toBe(true);
    expect((await queue.receive({ max: 10, visibilityMs: VIS })).map((x) => x.body)).toEqual([3]);
  });

  it("collects what arrived during a turn into the next receive, in order", async () => {
    const queue = createSqliteQueue({ db: db(), clock });
    await queue.enqueue({ group: "chat", dedupeId: "1", body: 1 });
    const [turn] = await queue.receive({ max: 10, visibilityMs: VIS });
    for (const n of [2, 3, 4]) await queue.enqueue({ group: "chat", dedupeId: String(n), body: n });
    expect(await queue.receive({ max: 10, visibilityMs: VIS })).toEqual([]);
    await queue.ack(turn!);
    expect((await queue.receive({ max: 10, visibilityMs: VIS })).map((d) => d.body)).toEqual([2, 3, 4]);
  });

  it("a retry with a delay holds its group until then, then comes first", async () => {
    const queue = createSqliteQueue({ db: db(), clock });
    await queue.enqueue({ group: "g", dedupeId: "1", body: 1 });
    await queue.enqueue({ group: "g", dedupeId: "2", body: 2 });
    const [d] = await queue.receive({ max: 1, visibilityMs: VIS });
    await queue.retry(d!, 5_000);
    await queue.retry(d!, 0); // stale after the first retry: ignored
    expect(await queue.receive({ max: 10, visibilityMs: VIS })).toEqual([]);
    await clock.advance(5_000);
    const again = await queue.receive({ max: 10, visibilityMs: VIS });
    expect(again.map((x) => [x.body, x.attempts])).toEqual([
      [1, 2],
      [2, 1],
    ]);
  });

  it("two handles on one file hand each message to one receiver and respect held groups", async () => {
    const a = createSqliteQueue({ db: db(), clock });
    const b = createSqliteQueue({ db: db(), clock });
    for (let i = 0; i < 6; i++) await a.enqueue({ group: `g${i % 3}`, dedupeId: `m${i}`, body: i });
    const fromA = await a.receive({ max: 2, visibilityMs: VIS });
    const fromB = await b.receive({ max: 10, visibilityMs: VIS });
    expect(fromA.map((d) => d.body)).toEqual([0, 1]);
    expect(fromB.map((d) => d.body)).toEqual([2, 5]);
    expect(await b.receive({ max: 10, visibilityMs: VIS })).toEqual([]);
    for (const d of fromA) await b.ack(d);
    expect((await b.receive({ max: 10, visibilityMs: VIS })).map((d) => d.body)).toEqual([3, 4]);
  });

  it("keeps named queues apart, and refuses a body that is not JSON without remembering its id", async () => {
    const handle = db();
    const intake = createSqliteQueue({ db: handle, clock });
    const cron = createSqliteQueue({ db: handle, clock, name: "cron" });
    await intake.enqueue({ group: "g", dedupeId: "x", body: "intake" });
    expect(await cron.enqueue({ group: "g", dedupeId: "x", body: "cron" })).toBe(true);
    expect((await cron.receive({ max: 10, visibilityMs: VIS })).map((d) => d.body)).toEqual(["cron"]);
    await expect(intake.enqueue({ group: "g", dedupeId: "y", body: undefined })).rejects.toThrow(TypeError);
    await expect(intake.enqueue({ group: "g", dedupeId: "y", body: 1n })).rejects.toThrow(TypeError);
    expect(await intake.enqueue({ group: "g", dedupeId: "y", body: "ok" })).toBe(true);
    await expect(intake.receive({ max: 11, visibilityMs: VIS })).rejects.toThrow(RangeError);
  });
});

describe("releaseInFlight (the local gateway's restart recovery)", () => {
  it("makes a crashed run's in-flight messages deliverable at once, attempts counted", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ac-queue-release-"));
    const db = openStateDb(join(dir, "state.db"));
    try {
      const clock = createFakeClock();
      const queue = createSqliteQueue({ db, clock });
      await queue.enqueue({ group: "s", dedupeId: "a", body: "a" });
      await queue.enqueue({ group: "s", dedupeId: "b", body: "b" });
      const first = await queue.receive({ max: 1, visibilityMs: 600_000 });
      expect(first.map((d) => d.body)).toEqual(["a"]);
      expect(await queue.receive({ max: 10, visibilityMs: 600_000 })).toEqual([]);
      expect(await queue.releaseInFlight()).toBe(1);
      const again = await queue.receive({ max: 1, visibilityMs: 600_000 });
      expect(again).toMatchObject([{ body: "a", attempts: 2 }]);
    } finally {
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
