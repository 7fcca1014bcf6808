// SQLite pairings: the contract on a fresh state.db, plus code clashes, pruning and two handles on one file.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pairingsContract } from "../../ports/pairings.contract.ts";
import { PAIRING_TTL_MS } from "../../ports/pairings.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { openStateDb } from "./db.ts";
import { createSqlitePairings } from "./pairings.ts";

pairingsContract("sqlite", async () => {
  const db = openStateDb(":memory:");
  const clock = createFakeClock();
  return {
    pairings: createSqlitePairings({ db, clock }),
    clock,
    cleanup: async () => db.close(),
  };
});

describe("sqlite pairings", () => {
  let dir = "";
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = "";
  });

  it("draws another code when one is taken on the channel, and reuses codes across channels", async () => {
    const db = openStateDb(":memory:");
    const draws = ["AAAA2222", "AAAA2222", "AAAA2222", "BBBB3333"];
    const pairings = createSqlitePairings({ db, clock: createFakeClock(), newCode: () => draws.shift()! });
    expect(await pairings.request("telegram", "1")).toEqual({ code: "AAAA2222", created: true });
    expect(await pairings.request("slack", "1")).toEqual({ code: "AAAA2222", created: true });
    expect(await pairings.request("telegram", "2")).toEqual({ code: "BBBB3333", created: true });
    db.close();
  });

  it("gives up with an error instead of looping when no unused code can be drawn", async () => {
    const db = openStateDb(":memory:");
    const pairings = createSqlitePairings({ db, clock: createFakeClock(), newCode: () => "AAAA2222" });
    await pairings.request("telegram", "1");
    await expect(pairings.request("telegram", "2")).rejects.toThrow(/unused pairing code/);
    // The failed request left nothing behind.
    expect((await pairings.list()).map((r) => r.senderId)).toEqual(["1"]);
    db.close();
  });

  it("deletes expired requests of a channel when someone asks there", async () => {
    const db = openStateDb(":memory:");
    const clock = createFakeClock();
    const pairings = createSqlitePairings({ db, clock });
    await pairings.request("telegram", "1");
    await pairings.request("slack", "1");
    await clock.advance(PAIRING_TTL_MS);
    await pairings.request("telegram", "2");
    const rows = db.prepare("SELECT channel, sender_id FROM pairing_requests ORDER BY rowid").all();
    expect(rows).toEqual([
      { channel: "slack", sender_id: "1" },
      { channel: "telegram", sender_id: "2" },
    ]);
    db.close();
  });

  it("two handles on one file share requests and approvals (the CLI approving under a gateway)", async () => {
    dir = await mkdtemp(join(tmpdir(), "claw-pairings-"));
    const path = join(dir, "state.db");
    const [gatewayDb, cliDb] = [openStateDb(path), openStateDb(path)];
    const clock = createFakeClock();
    const gateway = createSqlitePairings({ db: gatewayDb, clock });
    const cli = createSqlitePairings({ db: cliDb, clock });
    try {
      const { code } = (await gateway.request("telegram", "111", "Ada"))!;
      expect((await cli.list()).map((r) => r.code)).toEqual([code]);
      expect((await cli.approve("telegram", code))?.senderId).toBe("111");
      expect(await gateway.isAllowed("telegram", "111")).toBe(true);
      expect(await gateway.approve("telegram", code)).toBeNull();
    } finally {
      gatewayDb.close();
      cliDb.close();
    }
  });
});
