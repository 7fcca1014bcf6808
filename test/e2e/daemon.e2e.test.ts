// `agent-claw daemon` through the built CLI: the dry run shows a unit that runs this very install,
// writes nothing and prints no secret; bad flags fail with the fix. Never touches the real services.
import { readdir } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BIN, runCli, tempHome } from "./run-cli.ts";

const SECRET = "sk-proj-e2e-secret-0123456789abcdef";
let home: Awaited<ReturnType<typeof tempHome>>;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  home = await tempHome();
  env = { ...home.env, AGENT_CLAW_MODEL: "openai/gpt-5-mini", OPENAI_API_KEY: SECRET };
});
afterEach(() => home.cleanup());

describe("agent-claw daemon", () => {
  it("install --dry-run shows the unit for this install and writes nothing", async () => {
    const result = await runCli(["daemon", "install", "--dry-run", "--platform", "linux"], env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`ExecStart=${process.execPath} ${BIN} gateway`);
    expect(result.stdout).toContain(`Environment="AGENT_CLAW_HOME=${env.AGENT_CLAW_HOME}"`);
    expect(result.stdout).toContain("Would run: systemctl --user enable agent-claw.service");
    expect(result.stdout).toContain("OPENAI_API_KEY");
    expect(result.stdout).not.toContain(SECRET);
    expect(await readdir(home.home)).toEqual([]);
  });

  it("install --dry-run for macOS shows the plist", async () => {
    const result = await runCli(["daemon", "install", "--dry-run", "--platform", "darwin"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("ai.agent-claw.gateway.plist (mode 600)");
    expect(result.stdout).toContain(`<string>${BIN}</string>`);
    expect(result.stdout).not.toContain(SECRET);
  });

  it("status of a service that is not installed", async () => {
    const result = await runCli(["daemon", "status", "--platform", "darwin"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("installed:  no; run `agent-claw daemon install`");
  });

  it("refuses bad flags and says what is expected", async () => {
    const platform = await runCli(["daemon", "install", "--platform", "freebsd"], env);
    expect(platform.code).toBe(1);
    expect(platform.stderr).toBe('error: --platform must be linux or darwin, got "freebsd".\n');
    const lines = await runCli(["daemon", "logs", "-n", "lots", "--platform", "linux"], env);
    expect(lines.code).toBe(1);
    expect(lines.stderr).toContain('-n must be a whole number of lines from 1 to 100000, got "lots"');
  });
});
