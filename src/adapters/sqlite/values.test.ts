// SQLite values: the contract on one state.db file opened twice, as the gateway and the CLI do.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { valuesContract } from "../../ports/values.contract.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { openStateDb } from "./db.ts";
import { createSqliteValues } from "./values.ts";

valuesContract("sqlite", async () => {
  const dir = await mkdtemp(join(tmpdir(), "claw-values-"));
  const path = join(dir, "state.db");
  const [db, otherDb] = [openStateDb(path), openStateDb(path)];
  const clock = createFakeClock();
  return {
    values: createSqliteValues({ db, clock }),
    other: createSqliteValues({ db: otherDb, clock }),
    clock,
    async cleanup() {
      db.close();
      otherDb.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
