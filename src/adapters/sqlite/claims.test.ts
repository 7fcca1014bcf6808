// SQLite claims: the contract on a fresh state.db, plus races between handles, threads and a
// fresh database schema.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { claimsContract } from "../../ports/claims.contract.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { createSqliteClaims } from "./claims.ts";
import { openStateDb, SCHEMA_VERSION } from "./db.ts";

claimsContract("sqlite", async () => {
  const dir = await mkdtemp(join(tmpdir(), "claw-claims-"));
  const db = openStateDb(join(dir, "state.db"));
  const clock = createFakeClock();
  return {
    claims: createSqliteClaims({ db, clock }),
    clock,
    cleanup: async () => {
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe("sqlite claims across handles and threads", () => {
  let dir = "";
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = "";
  });

  it("migrates once and reopens an existing state.db (folder created) without error", async () => {
    dir = await mkdtemp(join(tmpdir(), "claw-claims-"));
    const path = join(dir, "nested", "state.db");
    const first = openStateDb(path);
    const second = openStateDb(path);
    expect(second.prepare("PRAGMA user_version").get()?.["user_version"]).toBe(SCHEMA_VERSION);
    expect(second.prepare("PRAGMA journal_mode").get()?.["journal_mode"]).toBe("wal");
    first.close();
    second.close();
  });

  it("two handles on one file agree on claims and leases", async () => {
    dir = await mkdtemp(join(tmpdir(), "claw-claims-"));
    const path = join(dir, "state.db");
    const [dbA, dbB] = [openStateDb(path), openStateDb(path)];
    const clock = createFakeClock();
    const a = createSqliteClaims({ db: dbA, clock });
    const b = createSqliteClaims({ db: dbB, clock });
    try {
      expect(await a.claimOnce("update:1", 60_000)).toBe(true);
      expect(await b.claimOnce("update:1", 60_000)).toBe(false);
      const lease = await b.acquireLease("session:x", "b", 10_000);
      expect(lease?.owner).toBe("b");
      expect(await a.acquireLease("session:x", "a", 10_000)).toBeNull();
      await clock.advance(10_001);
      expect((await a.acquireLease("session:x", "a", 10_000))?.owner).toBe("a");
      expect(await b.renewLease(lease!, 10_000)).toBeNull();
      // A claim key and a lease key with the same name do not collide.
      expect(await a.claimOnce("session:x", 1_000)).toBe(true);
    } finally {
      dbA.close();
      dbB.close();
    }
  });

  it("threads racing on one file: every key claimed and every lease taken exactly once", async () => {
    dir = await mkdtemp(join(tmpdir(), "claw-claims-"));
    const path = join(dir, "state.db");
    openStateDb(path).close(); // migrate up front; the race is about claims, not the schema
    const threads = 4;
    const keys = 40;
    const start = new Int32Array(new SharedArrayBuffer(4));
    // Plain Node runs this (not vitest): it imports the adapter's .ts files by type stripping.
    const script = `
      const { workerData, parentPort } = require("node:worker_threads");
      (async () => {
        const { openStateDb } = await import(workerData.dbUrl);
        const { createSqliteClaims } = await import(workerData.claimsUrl);
        const db = openStateDb(workerData.path);
        const clock = { now: () => 1_000_000, sleep: async () => {} };
        const claims = createSqliteClaims({ db, clock });
        Atomics.add(workerData.start, 0, 1);
        while (Atomics.load(workerData.start, 0) < workerData.threads) Atomics.wait(workerData.start, 0, Atomics.load(workerData.start, 0), 5);
        const won = [];
        for (let k = 0; k < workerData.keys; k++) {
          if (await claims.claimOnce("key:" + k, 60_000)) won.push("key:" + k);
          if (await claims.acquireLease("lease:" + k, "w" + workerData.id, 60_000)) won.push("lease:" + k);
        }
        db.close();
        parentPort.postMessage(won);
      })().catch((e) => { throw e; });
    `;
    const results = await Promise.all(
      Array.from(
        { length: threads },
        (_, id) =>
          new Promise<string[]>((resolve, reject) => {
            const worker = new Worker(script, {
              eval: true,
              workerData: {
                id,
                path,
                start,
                threads,
                keys,
                dbUrl: new URL("./db.ts", import.meta.url).href,
                claimsUrl: new URL("./claims.ts", import.meta.url).href,
              },
            });
            worker.once("message", resolve);
            worker.once("error", reject);
          }),
      ),
    );
    const all = results.flat();
    expect(all).toHaveLength(keys * 2);
    expect(new Set(all).size).toBe(keys * 2);
  });
});
