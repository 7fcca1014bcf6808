import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { outboxContract } from "../../ports/outbox.contract.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { openStateDb } from "./db.ts";
import { createSqliteOutbox } from "./outbox.ts";

outboxContract("sqlite", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ac-outbox-"));
  const db = openStateDb(join(dir, "state.db"));
  return {
    outbox: createSqliteOutbox({ db }),
    clock: createFakeClock(),
    async cleanup() {
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
