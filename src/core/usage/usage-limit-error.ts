// The refusal of a model call because a daily limit is reached: raised before the call is made, so
// nothing is spent, and classified "usage_limit" so failover never rotates on it.

export interface UsageLimit {
  /** Which limit: estimated dollars or tokens per day. */
  unit: "usd" | "tokens";
  limit: number;
  /** What today's calls used so far. */
  used: number;
  /** When the day ends and the limit resets, in Clock milliseconds. */
  resetsAt: number;
  /** The assistant's time zone, in which days are counted. */
  timeZone: string;
}

export class UsageLimitError extends Error {
  override readonly name = "UsageLimitError";
  readonly limit: UsageLimit;
  /** `now` words how long until the reset. */
  constructor(limit: UsageLimit, now: number) {
    super(limitMessage(limit, now));
    this.limit = limit;
  }
}

const amount = (unit: UsageLimit["unit"], value: number) =>
  unit === "usd" ? `$${value.toFixed(2)}` : `${Math.round(value).toLocaleString("en-US")} tokens`;

/** "The daily limit of $5.00 is reached ($5.03 used today); it resets at 00:00 Europe/Berlin, in 2 h 5 min." */
export function limitMessage(limit: UsageLimit, now: number): string {
  const minutes = Math.max(1, Math.ceil((limit.resetsAt - now) / 60_000));
  const wait = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  return (
    `The daily limit of ${amount(limit.unit, limit.limit)} is reached (${amount(limit.unit, limit.used)} used today); ` +
    `it resets at midnight ${limit.timeZone}, in ${wait}.`
  );
}

export function isUsageLimitError(error: unknown): error is UsageLimitError {
  return error instanceof UsageLimitError;
}
