// `agent-claw usage [--days N] [--by day|session|model] [--json] [--aws | --aws-dev]`: what the model calls of
// the last days cost, from the usage ledger in state.db (or the deployed one's, or a running aws dev's), with
// today's standing against the daily limits.
import type { Command } from "commander";
import { z } from "zod";
import {
  formatUsd,
  readUsageSummary,
  type UsageGrouping,
  type UsageSummary,
} from "../../core/usage/usage-report.ts";
import type { LimitsConfig } from "../../config/usage-schema.ts";
import type { Clock } from "../../ports/clock.ts";
import type { UsageTotals } from "../../ports/usage.ts";
import { stripTerminalControls } from "../../util/control-chars.ts";
import { action, bold, dim, UsageError } from "../io.ts";
import type { AwsUsageDeps } from "./usage-aws.ts";
import { type LimitsOrigin, openLocalUsage, type UsageSource } from "./usage-source.ts";

const DAYS_MESSAGE = "--days must be a whole number from 1 to 366";

const usageFlags = z
  .object({
    days: z.coerce
      .number({ error: DAYS_MESSAGE })
      .int(DAYS_MESSAGE)
      .min(1, DAYS_MESSAGE)
      .max(366, DAYS_MESSAGE)
      .default(7),
    by: z.enum(["day", "session", "model"], { error: "--by must be day, session or model" }).default("day"),
    json: z.boolean().default(false),
    aws: z.boolean().default(false),
    awsDev: z.boolean().default(false),
  })
  .strict()
  .refine((flags) => !(flags.aws && flags.awsDev), { error: "--aws and --aws-dev: give one of them" });

export type UsageFlags = z.output<typeof usageFlags>;

/** Flags as commander gives them, checked; throws UsageError naming the first bad one. */
export function parseUsageFlags(raw: unknown): UsageFlags {
  const result = usageFlags.safeParse(raw);
  if (!result.success) throw new UsageError(result.error.issues[0]?.message ?? "invalid flags");
  return result.data;
}

const tokens = (t: UsageTotals) => t.inputTokens + t.outputTokens;
const num = (n: number) => Math.round(n).toLocaleString("en-US");
const cost = (t: UsageTotals) => (t.calls > 0 && t.unpriced === t.calls ? "—" : formatUsd(t.costUsd));

/** The report as a table, rows grouped `by`; the header names the range and the time zone. */
export function usageTable(
  report: UsageSummary,
  by: UsageGrouping,
  limits: LimitsConfig,
  origin?: LimitsOrigin,
): string {
  const { today } = report;
  const rows = by === "day" ? report.days : by === "session" ? report.sessions : report.models;
  const label = { day: "day", session: "session", model: "model" }[by];
  const keyWidth = Math.max(label.length, 5, ...rows.map((r) => r.key.length));
  const line = (key: string, t: UsageTotals) =>
    `${key.padEnd(keyWidth)}  ${num(t.calls).padStart(6)}  ${num(t.inputTokens).padStart(11)}  ${num(t.cacheReadTokens).padStart(11)}  ${num(t.outputTokens).padStart(9)}  ${cost(t).padStart(9)}`;
  const out = [
    bold(`${label.padEnd(keyWidth)}   calls        input   cache read     output       cost`),
    ...rows.map((r) => line(stripTerminalControls(r.key), r.totals)),
    dim("-".repeat(keyWidth + 56)),
    line("total", report.total),
  ];
  if (report.total.calls === 0) out.splice(1 + rows.length, 0, dim("(no model calls in this range)"));
  if (report.total.unpriced > 0) {
    out.push(
      dim(
        `${report.total.unpriced} calls to models without a known price are not in the cost (models.prices sets one).`,
      ),
    );
  }
  const standing: string[] = [];
  if (limits.dailyUsd !== undefined)
    standing.push(`${formatUsd(today.costUsd)} of ${formatUsd(limits.dailyUsd)}`);
  if (limits.dailyTokens !== undefined)
    standing.push(`${num(tokens(today))} of ${num(limits.dailyTokens)} tokens`);
  if (origin?.note) out.push(dim(origin.note));
  const of = origin ? ` of ${origin.name}` : "";
  const within = origin ? ` in ${origin.name}` : "";
  out.push(
    standing.length > 0
      ? `Today: ${standing.join(", ")} (daily limits${of}; days in ${report.timeZone}).`
      : dim(`No daily limit set (limits.dailyUsd, limits.dailyTokens)${within}. Days in ${report.timeZone}.`),
  );
  return `${out.join("\n")}\n`;
}

/** What the command runs against: the owner's home by default; a test's temp home and fake clock. */
export interface UsageCommandDeps extends AwsUsageDeps {
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  out?: (text: string) => void;
}

async function openSource(flags: UsageFlags, deps: UsageCommandDeps): Promise<UsageSource> {
  const env = deps.env ?? process.env;
  // Loaded on demand: the plain command never loads the AWS SDK.
  if (flags.aws) return (await import("./usage-aws.ts")).openAwsUsage(env, deps);
  if (flags.awsDev) return (await import("./usage-aws-dev.ts")).openAwsDevUsage(env);
  return openLocalUsage(deps.env, deps.clock);
}

/** Runs `agent-claw usage` with commander's raw flags. */
export async function runUsage(raw: unknown, deps: UsageCommandDeps = {}): Promise<void> {
  const flags = parseUsageFlags(raw);
  const out = deps.out ?? ((text: string) => void process.stdout.write(text));
  const source = await openSource(flags, deps);
  try {
    const now = deps.clock?.now() ?? Date.now();
    const { timeZone, limits, ledger } = source;
    const report = await readUsageSummary(ledger, flags.days, now, timeZone);
    out(
      flags.json
        ? `${JSON.stringify({ ...report, limits, ...source.json }, null, 2)}\n`
        : `${source.heading ? `${dim(source.heading)}\n` : ""}${usageTable(report, flags.by, limits, source.limitsOrigin)}`,
    );
  } finally {
    await source.close();
  }
}

export function registerUsage(program: Command, deps: UsageCommandDeps = {}): void {
  program
    .command("usage")
    .description("Show the tokens and estimated cost of the model calls, by day, session or model")
    .option("--days <n>", "the last N days, today included (default 7)")
    .option("--by <grouping>", "day, session or model (default day)")
    .option("--json", "print the report as JSON")
    .option(
      "--aws",
      "the deployment `deploy aws` recorded here: its DynamoDB ledger (AWS credentials of its account) and its limits",
    )
    .option("--aws-dev", "the `aws dev` running from this home: its emulated ledger, while it runs")
    .action(
      action((raw: { days?: string; by?: string; json?: boolean; aws?: boolean; awsDev?: boolean }) =>
        runUsage(raw, deps),
      ),
    );
}
