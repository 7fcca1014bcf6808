// SQLite usage ledger: the contract on one state.db file opened twice, as the gateway and the CLI do.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { usageContract } from "../../ports/usage.contract.ts";
import { openStateDb } from "./db.ts";
import { createSqliteUsage } from "./usage.ts";

usageContract("sqlite", async () => {
  const dir = await mkdtemp(join(tmpdir(), "claw-usage-"));
  const path = join(dir, "state.db");
  const [db, otherDb] = [openStateDb(path), openStateDb(path)];
  return {
    usage: createSqliteUsage({ db }),
    other: createSqliteUsage({ db: otherDb }),
    async cleanup() {
      db.close();
      otherDb.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
