// Durations as people and models write them: "20m", "1h30m", "90 seconds", "2 days".

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** The unit's one-letter key for each spelling accepted. */
const SPELLINGS: Record<string, string> = {
  ms: "ms",
  s: "s",
  sec: "s",
  secs: "s",
  second: "s",
  seconds: "s",
  m: "m",
  min: "m",
  mins: "m",
  minute: "m",
  minutes: "m",
  h: "h",
  hr: "h",
  hrs: "h",
  hour: "h",
  hours: "h",
  d: "d",
  day: "d",
  days: "d",
  w: "w",
  week: "w",
  weeks: "w",
};

const PART = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*/gy;

/** Milliseconds in `text` ("20m", "1h 30m", "2 hours"), or undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const input = text.trim().toLowerCase();
  if (input === "") return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let end = 0;
  for (let match = PART.exec(input); match; match = PART.exec(input)) {
    const unit = SPELLINGS[match[2]!];
    if (!unit) return undefined;
    total += Number(match[1]) * UNIT_MS[unit]!;
    end = PART.lastIndex;
  }
  return end === input.length && total > 0 ? Math.round(total) : undefined;
}

/** "1h 30m", "45s", "2d": the shortest faithful spelling of `ms` (to the second). */
export function formatDuration(ms: number): string {
  let rest = Math.round(ms / 1000);
  if (rest === 0) return `${ms}ms`;
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join(" ");
}
