import { describe, expect, it } from "vitest";
import type { SessionMeta } from "../../ports/session-store.ts";
import { nextResetLine } from "./next-reset.ts";
import { activityKey } from "./renew-session.ts";

const TZ = "Europe/Berlin";
/** A Berlin wall-clock time in December 2026 (UTC+1). */
const berlin = (day: number, hour: number, minute = 0) => Date.UTC(2026, 11, day, hour - 1, minute);
const KEY = "agent:main:main";

const meta = (createdAt: number, updatedAt: number): SessionMeta => ({
  key: KEY,
  sessionId: "s1",
  createdAt,
  updatedAt,
  turns: 3,
  usage: { inputTokens: 0, outputTokens: 0 },
});

function deps(config: object, now: number, marks: Record<string, unknown> = {}) {
  return {
    config,
    timeZone: TZ,
    now,
    values: { get: async <T>(key: string) => marks[key] as T | undefined },
  };
}

describe("/status's fresh-start line", () => {
  it("names the next 04:00 for a daily session, and 'with your next message' once it is due", async () => {
    const session = meta(berlin(7, 9), berlin(7, 10));
    expect(await nextResetLine(deps({}, berlin(7, 12)), KEY, session)).toBe(
      "Fresh start: Tue 8 Dec, 04:00 (daily at 04:00, Europe/Berlin)",
    );
    expect(await nextResetLine(deps({}, berlin(8, 4, 1)), KEY, session)).toBe(
      "Fresh start: with your next message (daily at 04:00, Europe/Berlin)",
    );
  });

  it("counts an idle window from the person's last message, not a heartbeat's turn", async () => {
    const config = { reset: { mode: "idle", idleMinutes: 90 } };
    // A heartbeat at 11:00 moved updatedAt; the person last wrote at 10:00.
    const session = meta(berlin(7, 9), berlin(7, 11));
    const marks = { [activityKey(KEY)]: { sessionId: "s1", at: berlin(7, 10) } };
    expect(await nextResetLine(deps(config, berlin(7, 11), marks), KEY, session)).toBe(
      "Fresh start: Mon 7 Dec, 11:30 (after 90 idle minutes, Europe/Berlin)",
    );
  });

  it("gives the kind's rule, and the rule alone for a session not begun or reset only by /new", async () => {
    const config = { resetByType: { group: { mode: "off" } } };
    expect(await nextResetLine(deps(config, berlin(7, 12)), "agent:main:telegram:group:-1", null)).toBe(
      "Fresh start: only when asked (/new)",
    );
    expect(await nextResetLine(deps(config, berlin(7, 12)), KEY, null)).toBe(
      "Fresh start: daily at 04:00, Europe/Berlin",
    );
  });
});
