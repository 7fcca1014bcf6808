// `agent-claw cron list|add|edit|rm|run|runs`: the owner's scheduled jobs (reminders, briefings,
// checks). They are stored in the home folder and run by the gateway, which notices changes at once.
import type { Command } from "commander";
import type { CronJob, CronRun } from "../../core/cron/cron-job.ts";
import {
  cronAddSchema,
  type CronScope,
  type CronUpdateInput,
  cronUpdateSchema,
} from "../../core/cron/cron-input.ts";
import { describeAction, jobStatus } from "../../core/cron/describe-job.ts";
import { formatDuration } from "../../core/cron/duration.ts";
import { describeSchedule, formatInZone } from "../../core/cron/schedule.ts";
import type { LocalAssistant } from "../../engines/local/assistant.ts";
import { runningGatewayPid } from "../../gateway/pid-lock.ts";
import { action, ago, UsageError } from "../io.ts";
import { type LocalCommandDeps, localCommandKit } from "../local-command.ts";
import {
  type EditFlags,
  guarded,
  inputFrom,
  type JobFlags,
  MAX_RUNS,
  parseLimit,
  validated,
} from "./cron-flags.ts";

export type CronDeps = LocalCommandDeps;

interface ListFlags {
  json?: boolean;
}

interface RunsFlags extends ListFlags {
  limit?: string;
}

/** The command line is the owner's: every job, every target. */
const OWNER: CronScope = { kind: "owner" };

const START_GATEWAY = "`npm start` or `agent-claw gateway`";

/** "2026-12-24 09:00": a time in the table, whose zone is said once below it. */
function shortTime(ms: number, tz: string): string {
  return formatInZone(ms, tz)
    .slice(0, -(tz.length + 1))
    .replace(/:\d\d$/, "");
}

/** "in 20m", "in 1h 30m", "in 40s"; a next run that has passed is "due now" or "overdue by 3h". */
function untilNext(then: number, now: number): string {
  if (then <= now) return now - then < 60_000 ? "due now" : `overdue by ${ago(then, now).slice(0, -4)}`;
  const ms = then - now;
  return `in ${formatDuration(ms < 60_000 ? ms : Math.round(ms / 60_000) * 60_000)}`;
}

const clip = (text: string, max: number) => {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** Columns padded to their widest cell, two spaces apart. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join("  ")
      .trimEnd(),
  );
}

/** The schedule in a table: the time of a one-shot is its next run, and the zone only when not the user's. */
function scheduleCell(job: CronJob, tz: string): string {
  const s = job.schedule;
  if (s.kind === "at") return "once";
  if (s.kind === "every") return describeSchedule(s, tz);
  return s.tz === tz ? `cron ${s.expr}` : describeSchedule(s, tz);
}

function nextRunText(job: CronJob, tz: string, now: number): string {
  if (!job.enabled) return `none while paused (\`agent-claw cron edit ${job.id} --resume\`)`;
  const next = job.state.nextRunAt;
  if (next === undefined) return `none (${jobStatus(job)})`;
  return `${formatInZone(next, tz)} (${untilNext(next, now)})`;
}

/** A job as the lines `add` and `edit` print. */
function jobLines(job: CronJob, tz: string, now: number): string[] {
  const lines = [
    `  schedule  ${describeSchedule(job.schedule, tz)}`,
    `  action    ${describeAction(job)}`,
    `  status    ${jobStatus(job)}`,
    `  next run  ${nextRunText(job, tz, now)}`,
  ];
  if (job.state.lastError) lines.push(`  last err  ${job.state.lastError}`);
  return lines;
}

/** What to know about who runs the jobs: a disabled cron, or no gateway running. */
function runnerNote(assistant: LocalAssistant, gatewayPid: number | undefined): string | undefined {
  if (!assistant.config.cron.enabled) {
    return "Note: cron.enabled is false in config.json, so the gateway runs no jobs (`agent-claw config set cron.enabled true`).";
  }
  if (gatewayPid === undefined) return `No gateway is running: jobs run while it does (${START_GATEWAY}).`;
  return undefined;
}

/** The cron commands as functions resolving to an exit code. */
export function cronCommands(deps: CronDeps) {
  const { print, json, open } = localCommandKit(deps);
  const stringValues = (input: Record<string, unknown>) =>
    Object.values(input).filter((v): v is string => typeof v === "string");

  return {
    list: (flags: ListFlags) =>
      open(async (assistant) => {
        const jobs = await assistant.cron.list(OWNER);
        if (flags.json) return void json(jobs);
        const note = runnerNote(assistant, await runningGatewayPid(assistant.paths.home));
        if (jobs.length === 0) {
          return void print([
            "No scheduled jobs. Add one with, for example:",
            '  agent-claw cron add --at "in 20m" --system-event "Remind me to stretch"',
            '  agent-claw cron add --cron "0 7 * * 1-5" --message "Brief me on my day"',
          ]);
        }
        const tz = assistant.timeZone;
        const now = assistant.ports.clock.now();
        const rows = jobs.map((job) => {
          const next = job.state.nextRunAt;
          const last = job.state.lastRunAt;
          return [
            job.id,
            clip(job.name, 30),
            scheduleCell(job, tz),
            jobStatus(job),
            next !== undefined && job.enabled ? `${shortTime(next, tz)} (${untilNext(next, now)})` : "-",
            last !== undefined ? `${shortTime(last, tz)} ${job.state.lastStatus ?? ""}`.trimEnd() : "-",
            job.state.lastError ? clip(job.state.lastError, 60) : "",
          ];
        });
        print([
          ...table([["ID", "NAME", "SCHEDULE", "STATUS", "NEXT RUN", "LAST RUN", "LAST ERROR"], ...rows]),
          "",
          `Times in ${tz}.${note ? ` ${note}` : ""}`,
        ]);
      }),

    add: (flags: JobFlags) =>
      open(async (assistant) => {
        const raw = inputFrom(flags);
        const input = validated(cronAddSchema, raw);
        const job = await guarded(() => assistant.cron.add(input, OWNER), undefined, stringValues(raw));
        if (flags.json) return void json(job);
        const note = runnerNote(assistant, await runningGatewayPid(assistant.paths.home));
        print([
          `Added cron job ${job.id} "${job.name}".`,
          ...jobLines(job, assistant.timeZone, assistant.ports.clock.now()),
          ...(note ? [note] : []),
        ]);
      }),

    edit: (id: string, flags: EditFlags) =>
      open(async (assistant) => {
        if (flags.pause && flags.resume) throw new UsageError("Give --pause or --resume, not both.");
        const raw = inputFrom(flags);
        if (flags.pause || flags.resume) raw["enabled"] = Boolean(flags.resume);
        if (Object.keys(raw).length === 0) {
          throw new UsageError(
            "Nothing to change: give what to change, e.g. --every 1h, --message TEXT or --pause (see `agent-claw cron edit --help`).",
          );
        }
        const patch: CronUpdateInput = validated(cronUpdateSchema, raw);
        const job = await guarded(() => assistant.cron.update(id, patch, OWNER), id, stringValues(raw));
        if (flags.json) return void json(job);
        const done = flags.pause ? "Paused" : flags.resume ? "Resumed" : "Updated";
        print([
          `${done} cron job ${job.id} "${job.name}".`,
          ...jobLines(job, assistant.timeZone, assistant.ports.clock.now()),
        ]);
      }),

    rm: (id: string) =>
      open(async (assistant) => {
        const job = await guarded(() => assistant.cron.get(id, OWNER), id);
        await guarded(() => assistant.cron.remove(id, OWNER), id);
        print([`Removed cron job ${job.id} "${job.name}" and its run history.`]);
      }),

    run: (id: string) =>
      open(async (assistant) => {
        const job = await guarded(() => assistant.cron.get(id, OWNER), id);
        const { started } = await guarded(() => assistant.cron.runNow(id, OWNER), id, [job.name]);
        const title = `cron job ${job.id} "${job.name}"`;
        if (started) return void print([`Running ${title} now.`]);
        const lines = [`Marked ${title} due now.`];
        const pid = await runningGatewayPid(assistant.paths.home);
        if (!assistant.config.cron.enabled) {
          lines.push(runnerNote(assistant, pid)!);
        } else if (pid !== undefined) {
          lines.push(
            `The gateway (pid ${pid}) runs it now; \`agent-claw cron runs ${job.id}\` shows how it went.`,
          );
        } else {
          // Asked for, not missed: a gateway started later runs it whatever its catch-up policy.
          lines.push(`No gateway is running: it runs when the gateway starts (${START_GATEWAY}).`);
        }
        print(lines);
      }),

    runs: (id: string, flags: RunsFlags) =>
      open(async (assistant) => {
        const limit = parseLimit(flags.limit);
        const runs: CronRun[] = await guarded(() => assistant.cron.runs(id, OWNER, limit), id);
        if (flags.json) return void json(runs);
        const tz = assistant.timeZone;
        if (runs.length === 0) {
          const job = await assistant.cron.get(id, OWNER);
          return void print([
            `Cron job ${job.id} "${job.name}" has not run yet; next run: ${nextRunText(job, tz, assistant.ports.clock.now())}.`,
          ]);
        }
        const rows = runs.map((run) => [
          shortTime(run.startedAt, tz),
          run.status,
          formatDuration(run.finishedAt - run.startedAt),
          clip(run.error ?? run.summary ?? "", 100),
        ]);
        print([
          ...table([["STARTED", "STATUS", "TOOK", "DETAIL"], ...rows]),
          "",
          `Newest first; times in ${tz}.`,
        ]);
      }),
  };
}

/** The flags `cron add` and `cron edit` share. */
function jobOptions(command: Command): Command {
  return command
    .option("--name <text>", "a short name (default: the start of the text)")
    .option("--at <time>", 'once: "in 20m", "2026-12-24 09:00" (in your time zone) or an ISO time')
    .option("--every <interval>", 'repeatedly: "30m", "2h", "1d"')
    .option("--cron <expr>", 'on a cron expression: "0 7 * * 1-5" (minute hour day month weekday)')
    .option("--tz <zone>", 'time zone for --cron and a local --at, e.g. "Europe/Berlin" (default: yours)')
    .option("--system-event <text>", "a note for the main session, which the assistant acts on (reminders)")
    .option("--message <text>", "run as a turn of its own; the reply is delivered (see --deliver)")
    .option(
      "--deliver <where>",
      'where a --message reply goes: "last" (the chat you last wrote from; default), "none", or telegram:<chatId>',
    )
    .option(
      "--catch-up <policy>",
      'a run missed while the gateway was down: "once" (run it at start; default), "skip", or a lateness like "2h"',
    )
    .option("--json", "print the job as JSON");
}

export function registerCron(program: Command, deps?: Partial<CronDeps>): void {
  const commands = () =>
    cronCommands({ env: process.env, out: (text) => process.stdout.write(text), ...deps });

  const cron = program
    .command("cron")
    .description("Schedule reminders and recurring work, and see how the runs went")
    .addHelpText(
      "after",
      `
Jobs are stored in the home folder and run by the gateway (${START_GATEWAY}), which picks up
changes made here at once. Times without a zone are read in your time zone (agent.timezone).

A job either posts a --system-event into your main session (the assistant relays it, e.g. a
reminder) or runs a --message as a turn of its own and delivers the reply (--deliver).

Examples:
  agent-claw cron add --at "in 20m" --system-event "Remind me to stretch"
  agent-claw cron add --name briefing --cron "0 7 * * 1-5" --message "Brief me on my day"
  agent-claw cron add --every 2h --message "Check the build" --deliver telegram:123456789
  agent-claw cron list
  agent-claw cron edit <id> --pause
  agent-claw cron run <id>
  agent-claw cron runs <id>`,
    );

  cron
    .command("list")
    .description("List the jobs: schedule, status, next and last run, last error")
    .option("--json", "print JSON")
    .action(action((flags: ListFlags) => commands().list(flags)));

  jobOptions(
    cron
      .command("add")
      .description("Add a job: when (--at, --every or --cron) and what (--system-event or --message)"),
  )
    .addHelpText(
      "after",
      `
Examples:
  agent-claw cron add --at "in 20m" --system-event "Remind me to stretch"
  agent-claw cron add --at "2026-12-24 09:00" --system-event "Wish everyone merry Christmas"
  agent-claw cron add --every 30m --message "Anything new in my inbox?" --deliver last
  agent-claw cron add --cron "0 7 * * 1-5" --tz Europe/Berlin --message "Brief me on my day" \\
    --deliver telegram:123456789 --catch-up 2h`,
    )
    .action(action((flags: JobFlags) => commands().add(flags)));

  jobOptions(
    cron
      .command("edit")
      .description("Change a job: only the flags given change; --pause and --resume stop and restart it")
      .argument("<id>", "the job's id, as `agent-claw cron list` shows it"),
  )
    .option("--pause", "stop running it until --resume")
    .option("--resume", "run it again on its schedule (a missed one-shot runs now)")
    .addHelpText(
      "after",
      `
A new --at, --every or --cron replaces the schedule; --tz goes with one of them.

Examples:
  agent-claw cron edit <id> --every 1h
  agent-claw cron edit <id> --cron "30 6 * * *" --tz Europe/Berlin
  agent-claw cron edit <id> --deliver none
  agent-claw cron edit <id> --pause`,
    )
    .action(action((id: string, flags: EditFlags) => commands().edit(id, flags)));

  cron
    .command("rm")
    .description("Remove a job and its run history")
    .argument("<id>", "the job's id, as `agent-claw cron list` shows it")
    .action(action((id: string) => commands().rm(id)));

  cron
    .command("run")
    .description("Run a job now, outside its schedule (the gateway runs it)")
    .argument("<id>", "the job's id, as `agent-claw cron list` shows it")
    .addHelpText(
      "after",
      "\nThe job is marked due now; a running gateway runs it at once, otherwise it runs when the gateway starts.",
    )
    .action(action((id: string) => commands().run(id)));

  cron
    .command("runs")
    .description("Show a job's run history, newest first")
    .argument("<id>", "the job's id, as `agent-claw cron list` shows it")
    .option("--limit <n>", `how many runs (1-${MAX_RUNS}, default 20)`)
    .option("--json", "print JSON")
    .action(action((id: string, flags: RunsFlags) => commands().runs(id, flags)));
}
