// DynamoDB cron store: the shared contract against dynalite on loopback, plus a run put twice by the SDK.
import { describe, expect, it } from "vitest";
import { freshTables, putsTwiceClient, useDynalite } from "../../../test/emulators/dynalite.ts";
import { cronJob, cronStoreContract } from "../../ports/cron-store.contract.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { createDynamoCronStore } from "./cron-store.ts";

const dynalite = useDynalite();

cronStoreContract("dynamodb", async () => {
  const { state } = await freshTables(dynalite.client);
  const clock = createFakeClock();
  return {
    store: createDynamoCronStore({ client: dynalite.client, table: state, clock }),
    clock,
    cleanup: async () => {},
  };
});

describe("DynamoDB cron store", () => {
  it("counts a run and an event as added when the SDK's retried put meets its own first attempt", async () => {
    const { state } = await freshTables(dynalite.client);
    const retrying = putsTwiceClient(dynalite.endpoint);
    try {
      const store = createDynamoCronStore({ client: retrying, table: state, clock: createFakeClock() });
      await store.save(cronJob("a", 1));
      const run = { runId: "r1", jobId: "a", dueAt: 1, startedAt: 1, finishedAt: 2, status: "ok" as const };
      expect(await store.addRun(run)).toBe(true);
      expect(await store.addRun({ ...run, finishedAt: 3 })).toBe(false);
      expect(await store.runs("a")).toEqual([run]);
      expect(await store.postEvent({ id: "e", sessionKey: "main", text: "hi", at: 1 })).toBe(true);
      expect(await store.postEvent({ id: "e", sessionKey: "main", text: "hi", at: 1 })).toBe(false);
      expect(await store.events("main")).toHaveLength(1);
    } finally {
      retrying.destroy();
    }
  });
});
