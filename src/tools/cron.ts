// The cron tool: the agent manages its own schedule (reminders, briefings, checks). Validation
// errors go back to the model in words it can act on. A turn from a chat sees and changes only the
// jobs made in that chat, which deliver there unless the owner allows more.
import { z } from "zod";
import { cronAddSchema, CronInputError, cronUpdateSchema } from "../core/cron/cron-input.ts";
import { RUN_HISTORY_LIMIT } from "../core/cron/cron-job.ts";
import { describeJob, describeRun } from "../core/cron/describe-job.ts";
import type { AgentTool, ToolOutput } from "./tool.ts";
import { toolError } from "./tool-result.ts";

const cronInput = z.object({
  action: z
    .enum(["add", "list", "update", "remove", "run", "runs"])
    .describe("add a job; list jobs; update, remove, run (now) or show the runs of the job `id`."),
  id: z.string().optional().describe("The job id (from add or list), for update, remove, run and runs."),
  name: z.string().optional().describe("A short name for the job."),
  at: z
    .string()
    .optional()
    .describe(
      'Once: "in 20m", "in 2h", a local time "2026-12-24 09:00" (user\'s time zone) or an ISO time with offset.',
    ),
  every: z.string().optional().describe('Repeat at an interval: "30m", "2h", "1d" (at least 10s).'),
  cron: z.string().optional().describe('Repeat on a cron expression: "0 7 * * 1-5" = weekdays at 07:00.'),
  tz: z.string().optional().describe("IANA time zone for cron and local times; default the user's."),
  systemEvent: z
    .string()
    .optional()
    .describe("For reminders: a note posted to the main session when due; you then tell the user."),
  message: z
    .string()
    .optional()
    .describe("For jobs that need work (a briefing): a prompt run as its own turn; its reply is delivered."),
  deliver: cronAddSchema.shape.deliver.describe(
    'For "message" jobs: "origin" (this chat; the default here), "last", "none".',
  ),
  catchUp: z
    .string()
    .optional()
    .describe(
      'Runs missed while offline: "once" (default), "skip", or a lateness like "2h" (run only if less late).',
    ),
  enabled: z.boolean().optional().describe("update: false pauses the job, true resumes it."),
  limit: z.number().int().min(1).max(RUN_HISTORY_LIMIT).optional().describe("runs: how many (default 10)."),
});

export type CronToolInput = z.infer<typeof cronInput>;

const JOB_FIELDS = [
  "name",
  "at",
  "every",
  "cron",
  "tz",
  "systemEvent",
  "message",
  "deliver",
  "catchUp",
] as const;

/** The zod issues of a job's fields, as one sentence the model can act on. */
function problems(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ");
}

export function createCronTool(): AgentTool<CronToolInput> {
  return {
    name: "cron",
    description:
      "Schedule work for later and manage scheduled jobs. A job runs `at` a time (once), `every` interval, or on a " +
      '`cron` expression. Use systemEvent for reminders ("remind me in 20m to stretch" → at: "in 20m", ' +
      'systemEvent: "Remind the user to stretch"), message for work whose result is delivered (a briefing).',
    input: cronInput,
    async run(input, { cron }): Promise<ToolOutput> {
      if (!cron) return toolError("Scheduled jobs are not available here.");
      const { service, scope } = cron;
      const tz = service.timeZone;
      const needId = () => {
        if (!input.id)
          throw new CronInputError(`"${input.action}" needs the job's "id"; list the jobs to find it.`);
        return input.id;
      };
      const fields = Object.fromEntries(
        JOB_FIELDS.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]),
      );
      try {
        switch (input.action) {
          case "add": {
            const parsed = cronAddSchema.safeParse(fields);
            if (!parsed.success) return toolError(problems(parsed.error));
            const job = await service.add(parsed.data, scope);
            return { text: `Scheduled. ${describeJob(job, tz)}` };
          }
          case "list": {
            const jobs = await service.list(scope);
            return {
              text: jobs.length ? jobs.map((j) => describeJob(j, tz)).join("\n") : "No scheduled jobs.",
            };
          }
          case "update": {
            const parsed = cronUpdateSchema.safeParse({
              ...fields,
              ...(input.enabled !== undefined && { enabled: input.enabled }),
            });
            if (!parsed.success) return toolError(problems(parsed.error));
            const job = await service.update(needId(), parsed.data, scope);
            return { text: `Updated. ${describeJob(job, tz)}` };
          }
          case "remove":
            await service.remove(needId(), scope);
            return { text: `Removed job ${input.id}.` };
          case "run": {
            const { started } = await service.runNow(needId(), scope);
            return {
              text: started
                ? `Job ${input.id} is running now.`
                : `Job ${input.id} will run as soon as the gateway picks it up.`,
            };
          }
          case "runs": {
            const runs = await service.runs(needId(), scope, input.limit ?? 10);
            return {
              text: runs.length ? runs.map((r) => describeRun(r, tz)).join("\n") : "It has not run yet.",
            };
          }
        }
      } catch (error) {
        if (error instanceof CronInputError) return toolError(error.message);
        throw error;
      }
    },
  };
}
