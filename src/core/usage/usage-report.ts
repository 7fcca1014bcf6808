// Adds usage records up for people: per local day (every day of the range, empty ones too, so a
// chart has no gaps), per session and per model, plus the total. The CLI and the gateway share it.
import {
  addUsage,
  EMPTY_TOTALS,
  type UsageLedger,
  type UsageRecord,
  type UsageTotals,
} from "../../ports/usage.ts";
import { dayWindow, localDate } from "./day-window.ts";

export type UsageGrouping = "day" | "session" | "model";

export interface UsageRow {
  /** The day (YYYY-MM-DD in the time zone), the session key or the model reference. */
  key: string;
  totals: UsageTotals;
}

export interface UsageReport {
  /** The first local day's start and the range's end (now), Clock milliseconds. */
  from: number;
  to: number;
  timeZone: string;
  total: UsageTotals;
  days: UsageRow[];
  sessions: UsageRow[];
  models: UsageRow[];
}

/** [from, to): the last `days` local days, today included. */
export function reportRange(days: number, now: number, timeZone: string): { from: number; to: number } {
  let from = dayWindow(now, timeZone).start;
  // Step back one day at a time through the previous day's window: DST days are not 24 h long.
  for (let i = 1; i < days; i++) from = dayWindow(from - 1, timeZone).start;
  return { from, to: now + 1 };
}

function group(records: readonly UsageRecord[], keyOf: (r: UsageRecord) => string): Map<string, UsageTotals> {
  const sums = new Map<string, UsageTotals>();
  for (const record of records) {
    const key = keyOf(record);
    sums.set(key, addUsage(sums.get(key) ?? EMPTY_TOTALS, record));
  }
  return sums;
}

/** Most expensive first; tokens break ties (unpriced local models), then the key. */
function byCost(sums: Map<string, UsageTotals>): UsageRow[] {
  const tokens = (t: UsageTotals) => t.inputTokens + t.outputTokens;
  return [...sums]
    .map(([key, totals]) => ({ key, totals }))
    .sort(
      (a, b) =>
        b.totals.costUsd - a.totals.costUsd ||
        tokens(b.totals) - tokens(a.totals) ||
        a.key.localeCompare(b.key),
    );
}

export function usageReport(
  records: readonly UsageRecord[],
  range: { from: number; to: number },
  timeZone: string,
): UsageReport {
  const perDay = group(records, (r) => localDate(r.at, timeZone));
  const days: UsageRow[] = [];
  for (let start = range.from; start < range.to; start = dayWindow(start, timeZone).end) {
    const key = localDate(start, timeZone);
    days.push({ key, totals: perDay.get(key) ?? EMPTY_TOTALS });
  }
  return {
    ...range,
    timeZone,
    total: records.reduce(addUsage, EMPTY_TOTALS),
    days,
    sessions: byCost(group(records, (r) => r.sessionKey)),
    models: byCost(group(records, (r) => r.model)),
  };
}

export interface UsageSummary extends UsageReport {
  /** Today so far: the report's last day, since its range ends now. */
  today: UsageTotals;
}

/** The last `days` local days, today included, read from the ledger once. */
export async function readUsageSummary(
  ledger: Pick<UsageLedger, "list">,
  days: number,
  now: number,
  timeZone: string,
): Promise<UsageSummary> {
  const range = reportRange(days, now, timeZone);
  const report = usageReport(await ledger.list(range.from, range.to), range, timeZone);
  return { ...report, today: report.days.at(-1)?.totals ?? EMPTY_TOTALS };
}

/** "$0.0123", "$4.56": cents for sums, more digits for the small amounts one turn costs. */
export function formatUsd(value: number): string {
  if (value === 0) return "$0.00";
  return value < 0.1 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}
