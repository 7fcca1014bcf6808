// Cron expressions between our 5-field form (croner: minute hour day month weekday, 0 = Sunday) and
// EventBridge's 6-field one (with a year, weekday 1 = Sunday, and "?" in one of day and weekday).
// Both ways: the alarm writes AWS's form, the local Scheduler emulator reads it back with croner.

/** A field of plain values: *, numbers, names (MON, JAN), lists and ranges, or a step over *. */
const PLAIN = /^(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?(,[0-9A-Za-z]+(-[0-9A-Za-z]+)?)*|\*\/\d+)$/;

/** The weekday field with 0-or-7 = Sunday made AWS's 1 = Sunday; undefined when it cannot be. */
function awsWeekday(field: string): string | undefined {
  if (field.includes("/")) return undefined;
  const parts = field.split(",").map((part) => {
    const bounds = part.split("-").map((v) => (/^\d+$/.test(v) ? String((Number(v) % 7) + 1) : v));
    // A number with a suffix (croner's 5L, the last Friday) would keep croner's numbering: AWS's 5L is Thursday.
    if (bounds.some((v) => !/^(\*|\d+|[A-Za-z]{3})$/.test(v))) return "";
    // A range that wraps once Sunday moves to 1 (5-7: Friday to Sunday) has no AWS form.
    if (bounds.length === 2 && /^\d+$/.test(bounds[0]!) && Number(bounds[0]) > Number(bounds[1])) return "";
    return bounds.join("-");
  });
  return parts.includes("") ? undefined : parts.join(",");
}

/** "*\/n" as AWS writes a step: from the field's first value. */
const awsStep = (field: string, first: number) => field.replace(/^\*\/(\d+)$/, `${first}/$1`);

/**
 * The AWS form of a 5-field expression, or undefined when it has none (seconds, both a day and a
 * weekday, steps in the weekday, croner's extensions): the alarm then uses one-shot at() schedules.
 */
export function toAwsCron(expr: string): string | undefined {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5 || !fields.every((f) => PLAIN.test(f))) return undefined;
  const [minute, hour, day, month, weekday] = fields as [string, string, string, string, string];
  const aws = awsWeekday(weekday);
  if (aws === undefined) return undefined;
  // Standard cron runs when either the day or the weekday matches; AWS takes only one of them.
  if (day !== "*" && weekday !== "*") return undefined;
  const dayField = day === "*" && weekday !== "*" ? "?" : awsStep(day, 1);
  const weekdayField = weekday === "*" ? "?" : aws;
  return `cron(${awsStep(minute, 0)} ${awsStep(hour, 0)} ${dayField} ${awsStep(month, 1)} ${weekdayField} *)`;
}

const MAX = [59, 23, 31, 12, 7];

/**
 * The croner form of an AWS cron(...) body ("0 9 ? * 2-6 *"), or an error message as the service
 * words it. The year must be "*" (this is for the local emulator, which has no use for others).
 */
export function awsCronToCroner(body: string): { ok: true; expr: string } | { ok: false; error: string } {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6)
    return { ok: false, error: "Invalid Schedule Expression: a cron expression has 6 fields" };
  if (fields[5] !== "*")
    return { ok: false, error: "Invalid Schedule Expression: only * is supported as the year here" };
  if ((fields[2] === "?") === (fields[4] === "?")) {
    return {
      ok: false,
      error: "Invalid Schedule Expression: give ? in exactly one of day-of-month and day-of-week",
    };
  }
  const out = fields.slice(0, 5).map((field, i) => {
    if (field === "?") return "*";
    // "a/n" (from a, every n) is croner's "a-max/n".
    let f = field.replace(/^(\d+)\/(\d+)$/, (_, a: string, n: string) => `${a}-${MAX[i]}/${n}`);
    if (i === 4) f = f.replace(/\d+/g, (v) => String((Number(v) + 6) % 7));
    return f;
  });
  return { ok: true, expr: out.join(" ") };
}
