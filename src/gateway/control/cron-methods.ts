// cron.list, cron.add, cron.update, cron.remove, cron.run, cron.runs and cron.follow (a `cron`
// event per change), plus heartbeat.status and heartbeat.run: the schedule as the owner manages it
// from the web UI, with the same validation as the CLI and the cron tool.
import { z } from "zod";
import {
  cronAddSchema,
  CronInputError,
  type CronScope,
  cronUpdateSchema,
} from "../../core/cron/cron-input.ts";
import { RUN_HISTORY_LIMIT } from "../../core/cron/cron-job.ts";
import type { CronChange } from "../../core/cron/cron-service.ts";
import { ControlError } from "./frames.ts";
import { createFollowers, type MethodContext, type MethodTable, method } from "./methods.ts";

/** The control protocol is the owner's: every job, every target. */
const OWNER: CronScope = { kind: "owner" };

const id = z
  .string({ error: "expected a job id, as cron.list gives it" })
  .trim()
  .min(1, "expected a job id, as cron.list gives it")
  .max(100, "a job id has at most 100 characters");

/** Runs a cron call, turning the service's input errors into invalid_params answers. */
async function guarded<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CronInputError)
      throw new ControlError("invalid_params", `${name}: ${error.message}`);
    throw error;
  }
}

const followers = createFollowers();

function follow({ gateway, client }: MethodContext): void {
  followers.follow(client, () =>
    gateway.assistant.cron.subscribe((change: CronChange) => client.emit("cron", change)),
  );
}

export const cronMethods: MethodTable = {
  "cron.list": method(z.object({}).strict(), async (_params, { gateway }) => ({
    jobs: await gateway.assistant.cron.list(OWNER),
    timeZone: gateway.assistant.timeZone,
    running: gateway.assistant.cron.started,
  })),

  "cron.follow": method(z.object({}).strict(), (_params, context) => {
    context.afterResponse(() => follow(context));
    return { following: true };
  }),

  "cron.add": method(
    cronAddSchema,
    async (params, { gateway }) => ({
      job: await guarded("cron.add", () => gateway.assistant.cron.add(params, OWNER)),
    }),
    { refuseWhileDraining: true },
  ),

  "cron.update": method(
    cronUpdateSchema.extend({ id }),
    async ({ id: jobId, ...patch }, { gateway }) => ({
      job: await guarded("cron.update", () => gateway.assistant.cron.update(jobId, patch, OWNER)),
    }),
    { refuseWhileDraining: true },
  ),

  "cron.remove": method(
    z.object({ id }).strict(),
    async (params, { gateway }) => {
      await guarded("cron.remove", () => gateway.assistant.cron.remove(params.id, OWNER));
      gateway.logs.log("info", `cron: job ${params.id} removed from the control protocol`);
      return { removed: true };
    },
    { refuseWhileDraining: true },
  ),

  "cron.run": method(
    z.object({ id }).strict(),
    async (params, { gateway }) => guarded("cron.run", () => gateway.assistant.cron.runNow(params.id, OWNER)),
    { refuseWhileDraining: true },
  ),

  "cron.runs": method(
    z
      .object({
        id,
        limit: z
          .number({ error: "expected a number" })
          .int()
          .min(1, "at least 1")
          .max(RUN_HISTORY_LIMIT, `at most ${RUN_HISTORY_LIMIT}`)
          .default(20),
      })
      .strict(),
    async (params, { gateway }) => ({
      runs: await guarded("cron.runs", () => gateway.assistant.cron.runs(params.id, OWNER, params.limit)),
    }),
  ),

  "heartbeat.status": method(z.object({}).strict(), (_params, { gateway }) => {
    const settings = gateway.config().heartbeat;
    return {
      enabled: settings.enabled,
      everyMinutes: settings.everyMinutes,
      activeHours: settings.activeHours ?? null,
      nextAt: gateway.heartbeat.nextAt ?? null,
      last: gateway.heartbeat.last ?? null,
    };
  }),

  "heartbeat.run": method(
    z.object({}).strict(),
    async (_params, { gateway }) => {
      const queued = await gateway.heartbeat.beat("manual");
      if (!queued.ran) return { outcome: queued };
      // The web UI shows what the beat came to; its turn ends in this gateway's runner.
      const signal = AbortSignal.any([gateway.shutdown, AbortSignal.timeout(5 * 60_000)]);
      return { outcome: await gateway.heartbeat.outcome(queued.turnId, signal).catch(() => queued) };
    },
    { refuseWhileDraining: true },
  ),
};
