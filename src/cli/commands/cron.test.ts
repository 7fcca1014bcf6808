// The cron commands as the owner sees them, on a temp AGENT_CLAW_HOME (time zone Europe/Berlin) with a
// fake clock: adding, listing, editing, pausing, removing, running now (with and without a gateway),
// the run history, the errors people make, and the help text.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import type { CronJob } from "../../core/cron/cron-job.ts";
import type { CronExecute } from "../../core/cron/cron-service.ts";
import { openLocalAssistant } from "../../engines/local/assistant.ts";
import { takePidLock } from "../../gateway/pid-lock.ts";
import { createFakeClock, type FakeClock } from "../../util/fake-clock.ts";
import { cronCommands, registerCron } from "./cron.ts";

let root: string;
let env: NodeJS.ProcessEnv;
let clock: FakeClock;
let output: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "ac-cron-cli-"));
  env = { HOME: root, AGENT_CLAW_HOME: join(root, ".agent-claw") };
  await mkdir(env.AGENT_CLAW_HOME!, { recursive: true });
  await writeConfig({});
  // 2026-11-22 09:00 UTC: 10:00 in Berlin.
  clock = createFakeClock();
  output = "";
});
afterEach(() => rm(root, { recursive: true, force: true }));

const writeConfig = (extra: Record<string, unknown>) =>
  writeFile(
    join(env.AGENT_CLAW_HOME!, "config.json"),
    JSON.stringify({ agent: { timezone: "Europe/Berlin" }, ...extra }),
  );

const cli = () =>
  cronCommands({
    env,
    clock,
    out: (text) => {
      output += text;
    },
  });

/** Adds a job and returns it (from --json), leaving the output empty. */
async function added(flags: Parameters<ReturnType<typeof cli>["add"]>[0]): Promise<CronJob> {
  output = "";
  await cli().add({ ...flags, json: true });
  const job = JSON.parse(output) as CronJob;
  output = "";
  return job;
}

/** What a gateway does with a job marked due: starts the cron service, which runs it at once. */
async function gatewayRuns(execute: CronExecute): Promise<void> {
  const assistant = await openLocalAssistant({ env, clock });
  const stop = new AbortController();
  let done = 0;
  try {
    await assistant.cron.start(async (job, runId) => {
      try {
        return await execute(job, runId);
      } finally {
        done++;
      }
    }, stop.signal);
    await vi.waitFor(async () => {
      expect(done).toBe(1);
      const [job] = await assistant.cron.list({ kind: "owner" });
      expect(job?.state.running).toBeUndefined();
    });
  } finally {
    stop.abort();
    await assistant.close();
  }
}

describe("agent-claw cron add and list", () => {
  it("says there are no jobs and how to add one", async () => {
    await cli().list({});
    expect(output).toContain("No scheduled jobs. Add one with, for example:");
    expect(output).toContain('agent-claw cron add --at "in 20m" --system-event "Remind me to stretch"');
  });

  it("adds a reminder and prints when it runs, in the user's time zone", async () => {
    await cli().add({ at: "in 20m", systemEvent: "Remind me to stretch" });
    const id = /Added cron job (\w+) "Remind me to stretch"\./.exec(output)?.[1];
    expect(id).toBeDefined();
    expect(output).toContain("  schedule  at 2026-11-22 10:20:00 Europe/Berlin\n");
    expect(output).toContain('  action    system event "Remind me to stretch"\n');
    expect(output).toContain("  next run  2026-11-22 10:20:00 Europe/Berlin (in 20m)\n");
    expect(output).toContain(
      "No gateway is running: jobs run while it does (`npm start` or `agent-claw gateway`).",
    );

    output = "";
    await cli().list({});
    const lines = output.split("\n");
    expect(lines[0]).toMatch(/^ID\s+NAME\s+SCHEDULE\s+STATUS\s+NEXT RUN\s+LAST RUN\s+LAST ERROR$/);
    expect(lines[1]).toMatch(
      new RegExp(
        `^${id}\\s+Remind me to stretch\\s+once\\s+scheduled\\s+2026-11-22 10:20 \\(in 20m\\)\\s+-$`,
      ),
    );
    expect(output).toContain("Times in Europe/Berlin. No gateway is running");

    output = "";
    await cli().list({ json: true });
    expect(JSON.parse(output)).toEqual([
      expect.objectContaining({
        id,
        name: "Remind me to stretch",
        schedule: { kind: "at", at: clock.now() + 20 * 60_000 },
        action: { kind: "systemEvent", text: "Remind me to stretch" },
      }),
    ]);
  });

  it("prints a job a chat wrote without its terminal escape sequences", async () => {
    await cli().add({ at: "in 20m", systemEvent: "Stretch\u001b]0;pwned\u0007\u001b[2J now" });
    await cli().list({});
    expect(output).toContain("Stretch]0;pwned[2J now");
    expect(output).not.toMatch(/[\u001b\u0007]/);
  });

  it("adds a delivered turn on a cron expression with a zone, a target and a catch-up policy", async () => {
    const job = await added({
      name: "briefing",
      cron: "0 7 * * 1-5",
      tz: "America/New_York",
      message: "Brief me on my day",
      deliver: "telegram:-100123",
      catchUp: "2h",
    });
    expect(job).toMatchObject({
      name: "briefing",
      schedule: { kind: "cron", expr: "0 7 * * 1-5", tz: "America/New_York" },
      action: {
        kind: "agentTurn",
        message: "Brief me on my day",
        deliver: { mode: "to", to: { channel: "telegram", chatId: "-100123", account: "default" } },
      },
      catchUp: { policy: "ifLate", maxLateMs: 2 * 3600_000 },
      // Monday 2026-11-23 07:00 in New York.
      state: { nextRunAt: Date.UTC(2026, 10, 23, 12, 0) },
    });
    await cli().list({});
    // A zone other than the user's is shown; times are the user's.
    expect(output).toContain("cron 0 7 * * 1-5 (America/New_York)");
    expect(output).toContain("2026-11-23 13:00 (in 1d 3h)");
    expect((await added({ every: "2h", message: "Check the build", deliver: "none" })).action).toEqual({
      kind: "agentTurn",
      message: "Check the build",
      deliver: { mode: "none" },
    });
  });

  it("refuses what the service refuses, in flag words", async () => {
    const add = (flags: Parameters<ReturnType<typeof cli>["add"]>[0]) => cli().add(flags);
    await expect(add({ at: "in 20m", every: "30m", systemEvent: "x" })).rejects.toThrow(
      "Give only one of --at, --every and --cron, not --at and --every.",
    );
    await expect(add({ cron: "61 7 * * *", systemEvent: "x" })).rejects.toThrow(
      '"61 7 * * *" is not a valid cron expression',
    );
    await expect(add({ cron: "0 7 * *", systemEvent: "x" })).rejects.toThrow(
      '"0 7 * *" has 4 fields; a cron expression has 5',
    );
    await expect(add({ every: "30m" })).rejects.toThrow(
      "Say what to do: --system-event (a note for the main session, e.g. a reminder) or --message",
    );
    await expect(add({ systemEvent: "x" })).rejects.toThrow("Say when: --at (once");
    await expect(add({ every: "30m", systemEvent: "x", message: "y" })).rejects.toThrow(
      "Give --system-event (a note for the main session) or --message (a turn of its own), not both.",
    );
    await expect(add({ every: "30m", systemEvent: "x", deliver: "none" })).rejects.toThrow(
      "--deliver is for --message jobs",
    );
    await expect(add({ every: "30m", systemEvent: "x", catchUp: "2x" })).rejects.toThrow(
      '--catch-up "2x" is not "once", "skip" or a lateness like "2h".',
    );
    await expect(add({ every: "30m", systemEvent: "x", tz: "Mars/Base" })).rejects.toThrow(
      '"Mars/Base" is not an IANA time zone',
    );
    await expect(add({ at: "2020-01-01 09:00", systemEvent: "x" })).rejects.toThrow(
      "2020-01-01 09:00:00 Europe/Berlin has already passed",
    );
    // A value that happens to be a field's name is the user's, and stays as they wrote it.
    await expect(add({ every: "every", systemEvent: "x" })).rejects.toThrow('"every" is not an interval');
    // The schema's own checks name the flag.
    await expect(add({ every: "30m", systemEvent: "x", name: "  " })).rejects.toThrow(
      "--name: the name is empty",
    );
    const nothingSaved = await openLocalAssistant({ env, clock });
    expect(await nothingSaved.cron.list({ kind: "owner" })).toEqual([]);
    await nothingSaved.close();
  });

  it("refuses a --deliver that is not last, none or telegram:<chatId>", async () => {
    const add = (deliver: string) => cli().add({ every: "30m", message: "x", deliver });
    await expect(add("telegram")).rejects.toThrow(
      '--deliver "telegram" is not "last" (the chat you last wrote from), "none" (kept in the run history) or <channel>:<chatId> like "telegram:123456789".',
    );
    await expect(add("telegram:")).rejects.toThrow("is not");
    await expect(add("origin")).rejects.toThrow("is not");
    await expect(add("slack:C123")).rejects.toThrow(
      '--deliver cannot send to "slack": replies can go to telegram:<chatId>, "last" or "none".',
    );
  });
});

describe("agent-claw cron edit and rm", () => {
  it("changes only what is given, and pauses and resumes", async () => {
    const job = await added({ every: "1h", systemEvent: "Drink water" });
    await cli().edit(job.id, { every: "2h", name: "Water" });
    expect(output).toContain(`Updated cron job ${job.id} "Water".`);
    expect(output).toContain("  schedule  every 2h\n");
    expect(output).toContain('  action    system event "Drink water"\n');
    expect(output).toContain("  next run  2026-11-22 12:00:00 Europe/Berlin (in 2h)\n");

    output = "";
    await cli().edit(job.id, { pause: true });
    expect(output).toContain(`Paused cron job ${job.id} "Water".`);
    expect(output).toContain("  status    paused\n");
    expect(output).toContain(`  next run  none while paused (\`agent-claw cron edit ${job.id} --resume\`)`);
    output = "";
    await cli().list({});
    expect(output).toMatch(new RegExp(`${job.id}\\s+Water\\s+every 2h\\s+paused\\s+-\\s+-`));
    await expect(cli().run(job.id)).rejects.toThrow('Cron job "Water" is paused; resume it first');

    output = "";
    await cli().edit(job.id, { resume: true, message: "How much did I drink?", deliver: "telegram:42" });
    expect(output).toContain(`Resumed cron job ${job.id} "Water".`);
    expect(output).toContain('  action    turn "How much did I drink?" (to telegram 42)\n');
    expect(output).toContain("  status    scheduled\n");
    output = "";
    await cli().edit(job.id, { deliver: "last", json: true });
    expect(JSON.parse(output)).toMatchObject({ enabled: true, action: { deliver: { mode: "last" } } });
  });

  it("explains what it cannot change", async () => {
    const job = await added({ every: "1h", systemEvent: "Drink water" });
    await expect(cli().edit(job.id, {})).rejects.toThrow("Nothing to change");
    await expect(cli().edit(job.id, { pause: true, resume: true })).rejects.toThrow(
      "Give --pause or --resume, not both.",
    );
    await expect(cli().edit(job.id, { deliver: "none" })).rejects.toThrow(
      "--deliver is only for jobs with a --message.",
    );
    await expect(cli().edit(job.id, { tz: "UTC" })).rejects.toThrow(
      "--tz goes with --cron or a local --at time.",
    );
    await expect(cli().edit(job.id, { cron: "every day" })).rejects.toThrow('"every day" has 2 fields');
  });

  it("removes a job", async () => {
    const job = await added({ at: "in 1h", systemEvent: "Call mum" });
    await cli().rm(job.id);
    expect(output).toBe(`Removed cron job ${job.id} "Call mum" and its run history.\n`);
    output = "";
    await cli().list({});
    expect(output).toContain("No scheduled jobs.");
  });

  it("says which job it does not know, for every command that takes an id", async () => {
    const unknown = 'There is no cron job "nope"; see `agent-claw cron list` for the ids.';
    await expect(cli().edit("nope", { every: "1h" })).rejects.toThrow(unknown);
    await expect(cli().rm("nope")).rejects.toThrow(unknown);
    await expect(cli().run("nope")).rejects.toThrow(unknown);
    await expect(cli().runs("nope", {})).rejects.toThrow(unknown);
  });
});

describe("agent-claw cron run and runs", () => {
  it("marks a job due and says a running gateway runs it now", async () => {
    const job = await added({ every: "1h", message: "Check the build" });
    // This process holds the gateway's lock, as a running gateway would.
    const lock = await takePidLock(env.AGENT_CLAW_HOME!);
    onTestFinished(() => lock.release());
    await cli().run(job.id);
    expect(output).toBe(
      `Marked cron job ${job.id} "Check the build" due now.\n` +
        `The gateway (pid ${process.pid}) runs it now; \`agent-claw cron runs ${job.id}\` shows how it went.\n`,
    );
    output = "";
    await cli().list({});
    expect(output).toContain("(due now)");
    expect(output).not.toContain("No gateway is running");
    expect(output).toMatch(/Times in Europe\/Berlin\.\n$/);
  });

  it("without a gateway, says it runs when the gateway starts, and it does whatever its catch-up policy", async () => {
    // A pid file left behind by a gateway that is gone does not count.
    await writeFile(join(env.AGENT_CLAW_HOME!, "gateway.pid"), "99999999\n");
    const job = await added({ every: "1h", systemEvent: "x", catchUp: "skip" });
    await cli().run(job.id);
    expect(output).toContain(
      "No gateway is running: it runs when the gateway starts (`npm start` or `agent-claw gateway`).",
    );
    // Hours later the gateway starts: the run was asked for, so "skip" (for missed runs) does not apply.
    await clock.advance(3 * 60 * 60_000);
    await gatewayRuns(async () => ({ ok: true }));
    output = "";
    await cli().runs(job.id, { json: true });
    expect(JSON.parse(output)).toEqual([expect.objectContaining({ status: "ok" })]);
  });

  it("says so when cron is disabled in the config", async () => {
    await writeConfig({ cron: { enabled: false } });
    const job = await added({ every: "1h", systemEvent: "x" });
    await cli().run(job.id);
    expect(output).toContain("cron.enabled is false in config.json, so the gateway runs no jobs");
  });

  it("shows the run history after the gateway ran a job marked due", async () => {
    const job = await added({ every: "1h", message: "Check the build" });
    await cli().runs(job.id, {});
    expect(output).toBe(
      `Cron job ${job.id} "Check the build" has not run yet; next run: 2026-11-22 11:00:00 Europe/Berlin (in 1h).\n`,
    );
    await cli().run(job.id);

    await gatewayRuns(async () => {
      await clock.advance(2_000);
      return { ok: false, error: "the model did not answer" };
    });
    output = "";
    await cli().runs(job.id, {});
    expect(output.split("\n")).toEqual([
      expect.stringMatching(/^STARTED\s+STATUS\s+TOOK\s+DETAIL$/),
      expect.stringMatching(/^2026-11-22 10:00\s+error\s+2s\s+the model did not answer$/),
      "",
      "Newest first; times in Europe/Berlin.",
      "",
    ]);
    output = "";
    await cli().list({});
    expect(output).toMatch(
      /retrying after 1 error\(s\)\s+2026-11-22 11:00 \(in 1h\)\s+2026-11-22 10:00 error\s+the model did not answer/,
    );

    await gatewayRunsAgain(job.id);
    output = "";
    await cli().runs(job.id, { limit: "1", json: true });
    expect(JSON.parse(output)).toEqual([
      expect.objectContaining({ jobId: job.id, status: "ok", summary: "All green." }),
    ]);
    await expect(cli().runs(job.id, { limit: "0" })).rejects.toThrow(
      '--limit "0" is not a whole number from 1 to 50.',
    );
    await expect(cli().runs(job.id, { limit: "lots" })).rejects.toThrow("--limit");
  });
});

/** Marks `id` due again and lets the gateway run it successfully. */
async function gatewayRunsAgain(id: string): Promise<void> {
  await clock.advance(60_000);
  await cli().run(id);
  await gatewayRuns(async () => ({ ok: true, summary: "All green." }));
}

describe("agent-claw cron help", () => {
  it("has help for the group and each subcommand", () => {
    const program = new Command("agent-claw");
    registerCron(program, { env, out: () => {} });
    const cron = program.commands.find((c) => c.name() === "cron")!;
    expect(cron.commands.map((c) => c.name())).toEqual(["list", "add", "edit", "rm", "run", "runs"]);
    for (const sub of cron.commands) expect(sub.description()).not.toBe("");
    const edit = cron.commands.find((c) => c.name() === "edit")!;
    expect(edit.helpInformation()).toContain("Usage: agent-claw cron edit [options] <id>");
    for (const flag of [
      "--at <time>",
      "--system-event <text>",
      "--deliver <where>",
      "--catch-up <policy>",
      "--pause",
      "--resume",
    ]) {
      expect(edit.helpInformation()).toContain(flag);
    }
  });
});
