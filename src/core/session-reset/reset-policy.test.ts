import { describe, expect, it } from "vitest";
import { configSchema } from "../../config/schema.ts";
import { describePolicy, resetPolicyFor, sessionKind } from "./reset-policy.ts";

const session = (input: unknown) => configSchema.parse({ session: input }).session;

describe("reset rules from the config", () => {
  it("defaults to a fresh conversation daily at 04:00 for every kind", () => {
    const config = configSchema.parse({}).session;
    for (const kind of ["direct", "group", "thread"] as const) {
      expect(resetPolicyFor(config, kind)).toEqual({ mode: "daily", atHour: 4 });
    }
  });

  it("overrides per kind field by field, the rest from session.reset", () => {
    const config = session({
      reset: { atHour: 5, idleMinutes: 600 },
      resetByType: { group: { mode: "idle", idleMinutes: 120 }, thread: { atHour: 3 } },
    });
    expect(resetPolicyFor(config, "direct")).toEqual({ mode: "daily", atHour: 5, idleMinutes: 600 });
    expect(resetPolicyFor(config, "group")).toEqual({ mode: "idle", atHour: 5, idleMinutes: 120 });
    expect(resetPolicyFor(config, "thread")).toEqual({ mode: "daily", atHour: 3, idleMinutes: 600 });
  });

  it("takes OpenClaw's older dm for direct, direct winning when both are set; idle defaults to 60 minutes", () => {
    expect(resetPolicyFor(session({ resetByType: { dm: { mode: "idle" } } }), "direct")).toEqual({
      mode: "idle",
      atHour: 4,
      idleMinutes: 60,
    });
    const both = session({ resetByType: { dm: { mode: "idle" }, direct: { mode: "off" } } });
    expect(resetPolicyFor(both, "direct")).toEqual({ mode: "off", atHour: 4 });
  });

  it("rejects a bad rule with a message that says what is wanted", () => {
    const bad = (input: unknown) =>
      configSchema
        .safeParse({ session: input })
        .error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(bad({ reset: { atHour: 24 } })).toEqual([
      "session.reset.atHour: atHour is an hour of the day, 0 to 23",
    ]);
    expect(bad({ reset: { mode: "weekly" } })?.[0]).toContain('mode "daily"');
    expect(bad({ reset: { idleMinutes: 0 } })).toEqual([
      "session.reset.idleMinutes: idleMinutes is at least 1",
    ]);
    expect(bad({ resetByType: { channel: {} } })?.[0]).toContain("channel");
  });

  it("tells a session's kind by its key, as session-key.ts builds them", () => {
    expect(sessionKind("agent:main:main")).toBe("direct");
    expect(sessionKind("agent:main:telegram:dm:42")).toBe("direct");
    expect(sessionKind("agent:main:telegram:group:-100")).toBe("group");
    expect(sessionKind("agent:main:telegram:group:-100:topic:7")).toBe("thread");
    expect(sessionKind("agent:main:web", "group")).toBe("group");
  });

  it("says the rule in words", () => {
    expect(describePolicy({ mode: "daily", atHour: 4 })).toBe("daily at 04:00");
    expect(describePolicy({ mode: "daily", atHour: 4, idleMinutes: 90 })).toBe(
      "daily at 04:00 or after 90 idle minutes",
    );
    expect(describePolicy({ mode: "idle", atHour: 4, idleMinutes: 30 })).toBe("after 30 idle minutes");
    expect(describePolicy({ mode: "off", atHour: 4 })).toBe("only when asked (/new)");
  });
});
