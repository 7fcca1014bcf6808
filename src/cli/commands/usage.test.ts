// `agent-claw usage` as the owner sees it, on a temp home with a fake clock: the table by day,
// session and model with the limits' standing, JSON, and flags refused with the reason.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openLocalAssistant } from "../../engines/local/assistant.ts";
import { usageRecord } from "../../ports/usage.contract.ts";
import { createFakeClock, type FakeClock } from "../../util/fake-clock.ts";
import { registerUsage, runUsage } from "./usage.ts";

let root: string;
let env: NodeJS.ProcessEnv;
let clock: FakeClock;
let output: string;
const out = (text: string) => {
  output += text;
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "ac-usage-cli-"));
  env = { HOME: root, AGENT_CLAW_HOME: join(root, ".agent-claw"), NO_COLOR: "1" };
  await mkdir(env.AGENT_CLAW_HOME!, { recursive: true });
  await writeFile(
    join(env.AGENT_CLAW_HOME!, "config.json"),
    JSON.stringify({ agent: { timezone: "Europe/Berlin" }, limits: { dailyUsd: 2 } }),
  );
  clock = createFakeClock(Date.UTC(2026, 11, 7, 12, 0));
  output = "";
  const assistant = await openLocalAssistant({ env, clock });
  try {
    const at = clock.now();
    await assistant.ports.usage.record(usageRecord({ at: at - 86_400_000, costUsd: 0.5 }));
    await assistant.ports.usage.record(usageRecord({ at, costUsd: 0.25, kind: "heartbeat" }));
    await assistant.ports.usage.record(
      usageRecord({
        at,
        model: "ollama/llama3.2",
        sessionKey: "agent:main:telegram:dm:42",
        costUsd: undefined,
      }),
    );
  } finally {
    await assistant.close();
  }
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("agent-claw usage", () => {
  it("prints the last days with calls, tokens and cost, and today's standing against the limit", async () => {
    await runUsage({ days: "3" }, { env, clock, out });
    const lines = output.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^day\s+calls\s+input\s+cache read\s+output\s+cost$/);
    expect(lines.slice(1, 4).map((l) => l.split(/\s+/))).toEqual([
      ["2026-12-05", "0", "0", "0", "0", "$0.00"],
      ["2026-12-06", "1", "1,200", "1,000", "80", "$0.50"],
      ["2026-12-07", "2", "2,400", "2,000", "160", "$0.25"],
    ]);
    expect(output).toContain("1 calls to models without a known price are not in the cost");
    expect(output).toContain("Today: $0.25 of $2.00 (daily limits; days in Europe/Berlin).");
  });

  it("groups by session and by model, most expensive first, an unpriced model without a cost", async () => {
    await runUsage({ by: "model" }, { env, clock, out });
    const models = output
      .split("\n")
      .slice(1, 3)
      .map((l) => l.split(/\s+/));
    expect(models).toEqual([
      ["anthropic/claude-sonnet-4-5", "2", "2,400", "2,000", "160", "$0.75"],
      ["ollama/llama3.2", "1", "1,200", "1,000", "80", "—"],
    ]);
    output = "";
    await runUsage({ by: "session", json: true }, { env, clock, out });
    const report = JSON.parse(output);
    expect(report.sessions.map((s: { key: string }) => s.key)).toEqual([
      "agent:main:main",
      "agent:main:telegram:dm:42",
    ]);
    expect(report.days).toHaveLength(7);
    expect(report.today).toMatchObject({ calls: 2, costUsd: 0.25 });
    expect(report.limits).toEqual({ dailyUsd: 2 });
  });

  it("says so when there were no model calls", async () => {
    const empty = { HOME: root, AGENT_CLAW_HOME: join(root, "empty-home"), NO_COLOR: "1" };
    await runUsage({ days: "2", by: "model" }, { env: empty, clock, out });
    expect(output).toContain("(no model calls in this range)\n");
    expect(output).toContain("No daily limit set (limits.dailyUsd, limits.dailyTokens).");
  });

  it("refuses bad flags with the reason, and --help lists them", async () => {
    await expect(runUsage({ days: "0" }, { env, clock, out })).rejects.toThrow(
      "--days must be a whole number from 1 to 366",
    );
    await expect(runUsage({ days: "abc" }, { env, clock, out })).rejects.toThrow("--days must be");
    await expect(runUsage({ by: "week" }, { env, clock, out })).rejects.toThrow(
      "--by must be day, session or model",
    );
    const program = new Command().exitOverride();
    let help = "";
    program.configureOutput({ writeOut: (text) => (help += text) });
    registerUsage(program, { env, clock, out });
    expect(() => program.parse(["usage", "--help"], { from: "user" })).toThrow();
    expect(help).toContain("--days <n>");
    expect(help).toContain("--by <grouping>");
    expect(help).toContain("--json");
    // "--aws-dev" contains "--aws": each is looked for with what follows it on its line.
    expect(help).toMatch(/--aws\s+the deployment `deploy aws` recorded/);
    expect(help).toMatch(/--aws-dev\s+\S/);
  });
});
