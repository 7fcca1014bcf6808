// Runtime session ids: one per chat session and release, agreed between racing runners, rotated by ttl.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStateDb } from "../../../adapters/sqlite/db.ts";
import { createSqliteValues } from "../../../adapters/sqlite/values.ts";
import type { Values } from "../../../ports/values.ts";
import { createFakeClock, type FakeClock } from "../../../util/fake-clock.ts";
import {
  RUNTIME_SESSION_TTL_MS,
  runtimeSessionIdFor,
  runtimeSessionKey,
  type StoredRuntimeSession,
} from "./runtime-session.ts";

describe("runtimeSessionIdFor", () => {
  let dir: string;
  let dbs: DatabaseSync[];
  let clock: FakeClock;
  // Two runners' handles on one store, as two Lambda instances share the table.
  let one: Values;
  let two: Values;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "claw-runtime-session-"));
    dbs = [openStateDb(join(dir, "state.db")), openStateDb(join(dir, "state.db"))];
    clock = createFakeClock();
    one = createSqliteValues({ db: dbs[0]!, clock });
    two = createSqliteValues({ db: dbs[1]!, clock });
  });
  afterEach(async () => {
    for (const db of dbs) db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("names a session id AgentCore takes, the same on every call for a chat session", async () => {
    const id = await runtimeSessionIdFor(one, clock, "agent:main:telegram:dm:42", "v1");
    expect(id).toMatch(/^acs-[0-9a-f]{64}$/);
    expect(id.length).toBeGreaterThanOrEqual(33);
    await clock.advance(60 * 60_000);
    expect(await runtimeSessionIdFor(two, clock, "agent:main:telegram:dm:42", "v1")).toBe(id);
    const stored = await one.get<StoredRuntimeSession>(runtimeSessionKey("v1", "agent:main:telegram:dm:42"));
    expect(stored).toEqual({ id, startedAt: clock.now() - 60 * 60_000 });
  });

  it("gives each chat session its own id", async () => {
    const a = await runtimeSessionIdFor(one, clock, "agent:main:telegram:dm:1", "v1");
    const b = await runtimeSessionIdFor(one, clock, "agent:main:telegram:dm:2", "v1");
    expect(a).not.toBe(b);
  });

  it("gives racing runners one id: the loser of the conditional write reads the winner's", async () => {
    const ids = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        runtimeSessionIdFor(i % 2 ? one : two, clock, "agent:main:main", "v1"),
      ),
    );
    expect(new Set(ids).size).toBe(1);
  });

  it("gives a new release a new id, so its turns start on the new image", async () => {
    const old = await runtimeSessionIdFor(one, clock, "agent:main:main", "v1");
    const next = await runtimeSessionIdFor(one, clock, "agent:main:main", "v2");
    expect(next).not.toBe(old);
    expect(await runtimeSessionIdFor(two, clock, "agent:main:main", "v1")).toBe(old);
  });

  it("rotates the id once its 7 h 30 min are up, before AgentCore's 8 h limit", async () => {
    expect(RUNTIME_SESSION_TTL_MS + 10 * 60_000).toBeLessThan(8 * 60 * 60_000);
    const first = await runtimeSessionIdFor(one, clock, "agent:main:main", "v1");
    await clock.advance(RUNTIME_SESSION_TTL_MS - 1);
    expect(await runtimeSessionIdFor(two, clock, "agent:main:main", "v1")).toBe(first);
    await clock.advance(1);
    const second = await runtimeSessionIdFor(two, clock, "agent:main:main", "v1");
    expect(second).not.toBe(first);
    expect(await runtimeSessionIdFor(one, clock, "agent:main:main", "v1")).toBe(second);
  });
});
