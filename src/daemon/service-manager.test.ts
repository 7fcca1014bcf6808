// install/uninstall/restart/status/logs on both platforms, with a fake runner: the right commands in
// the right order, the files and their modes, and messages that say what to do when it fails.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CommandResult } from "./command-runner.ts";
import { createServiceManager, type ServicePlatform } from "./service-manager.ts";
import { DaemonError, executePlan } from "./service-plan.ts";
import { buildServiceSpec } from "./service-spec.ts";
import { fakeRunner, parseEnvFile } from "./testing/fixtures.ts";

const SECRET = "sk-test-secret-value-0123456789";
let root: string;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "ac-daemon-"));
  env = {
    HOME: join(root, "home"),
    AGENT_CLAW_HOME: join(root, "home", ".agent-claw"),
    AGENT_CLAW_MODEL: "openai/gpt-5-mini",
    OPENAI_API_KEY: SECRET,
    AWS_REGION: "eu-west-1",
    NODE_EXTRA_CA_CERTS: "", // empty: not carried
    UNRELATED_TOKEN: "not-ours-0123456789",
  };
});
afterEach(() => rm(root, { recursive: true, force: true }));

function setup(platform: ServicePlatform, answer?: Parameters<typeof fakeRunner>[0]) {
  const fake = fakeRunner(answer);
  const service = createServiceManager({ platform, env, runner: fake.runner, uid: 501, user: "ada" });
  const spec = buildServiceSpec({
    env,
    nodePath: "/usr/bin/node",
    cliScript: "/opt/agent-claw/bin/agent-claw.js",
  });
  const report: string[] = [];
  const install = () => executePlan(service.installPlan(spec), fake.runner, (l) => report.push(l));
  const uninstall = async () =>
    executePlan(await service.uninstallPlan(), fake.runner, (l) => report.push(l));
  return { ...fake, service, spec, report, install, uninstall };
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;
const noBus: Partial<CommandResult> = { code: 1, stderr: "Failed to connect to bus: No medium found\n" };

describe("systemd", () => {
  const unit = () => join(env.HOME!, ".config/systemd/user/agent-claw.service");
  const envFile = () => join(env.AGENT_CLAW_HOME!, "gateway.env");

  it("install writes the unit and a private env file, then reloads, enables and (re)starts", async () => {
    const { install, lines, report } = setup("linux");
    await install();
    expect(lines()).toEqual([
      "systemctl --user show-environment",
      "systemctl --user daemon-reload",
      "systemctl --user enable agent-claw.service",
      "systemctl --user restart agent-claw.service",
    ]);
    expect(await mode(unit())).toBe(0o644);
    expect(await mode(envFile())).toBe(0o600);
    expect(parseEnvFile(await readFile(envFile(), "utf8"))).toEqual({
      AGENT_CLAW_MODEL: "openai/gpt-5-mini",
      AWS_REGION: "eu-west-1",
      OPENAI_API_KEY: SECRET,
    });
    expect(await readFile(unit(), "utf8")).toContain(`EnvironmentFile=${envFile()}`);
    expect(report.join("\n")).not.toContain(SECRET);
  });

  it("respects XDG_CONFIG_HOME", async () => {
    env.XDG_CONFIG_HOME = join(root, "xdg");
    await setup("linux").install();
    expect(existsSync(join(root, "xdg/systemd/user/agent-claw.service"))).toBe(true);
  });

  it("without a systemd user instance, writes nothing and says what to do instead", async () => {
    const { install, lines } = setup("linux", (line) =>
      line.includes("show-environment") ? noBus : undefined,
    );
    const error = await install().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaemonError);
    expect((error as Error).message).toMatch(
      /^systemctl --user failed: Failed to connect to bus: No medium found\./,
    );
    expect((error as Error).message).toContain("Run `agent-claw gateway` under your own supervisor");
    expect((error as Error).message).toContain("loginctl enable-linger ada");
    expect(lines()).toEqual(["systemctl --user show-environment"]);
    expect(existsSync(unit())).toBe(false);
    expect(existsSync(envFile())).toBe(false);
  });

  it("a service that fails to start points at the logs", async () => {
    const { install } = setup("linux", (line) =>
      line.includes("restart") ? { code: 1, stderr: "Job for agent-claw.service failed." } : undefined,
    );
    await expect(install()).rejects.toThrow(
      /`systemctl --user restart agent-claw.service` failed \(exit 1\): Job for agent-claw.service failed.*agent-claw daemon logs/,
    );
  });

  it("uninstall stops, disables and removes both files; nothing to do when not installed", async () => {
    const first = setup("linux");
    await first.install();
    const { uninstall, lines, service } = setup("linux");
    const { warnings } = await uninstall();
    expect(warnings).toEqual([]);
    expect(lines()).toEqual([
      "systemctl --user disable --now agent-claw.service",
      "systemctl --user daemon-reload",
      "systemctl --user reset-failed agent-claw.service",
    ]);
    expect(existsSync(unit())).toBe(false);
    expect(existsSync(envFile())).toBe(false);
    expect(await service.uninstallPlan()).toEqual([]);
  });

  it("uninstall still removes the files when systemctl cannot be reached, with a warning", async () => {
    await setup("linux").install();
    const { uninstall } = setup("linux", () => noBus);
    const { warnings } = await uninstall();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("so the service may still run (stop it yourself)");
    expect(existsSync(unit())).toBe(false);
  });

  it("status reads state, pid, lingering and variable names (never values)", async () => {
    await setup("linux").install();
    const { service, lines } = setup("linux", (line) => {
      if (line.startsWith("systemctl --user show agent-claw.service")) {
        return {
          stdout:
            "LoadState=loaded\nActiveState=active\nSubState=running\nMainPID=4242\nUnitFileState=enabled\nResult=success\nExecMainStatus=0\n",
        };
      }
      if (line.startsWith("loginctl")) return { stdout: "no\n" };
      return undefined;
    });
    const status = await service.status();
    expect(status).toMatchObject({
      installed: true,
      enabled: true,
      running: true,
      state: "active (running)",
      pid: 4242,
      lingering: false,
      envFile: envFile(),
      envNames: ["AGENT_CLAW_MODEL", "AWS_REGION", "OPENAI_API_KEY"],
    });
    expect(JSON.stringify(status)).not.toContain(SECRET);
    expect(lines()[1]).toBe("loginctl show-user ada --property=Linger --value");
  });

  it("status of a service that is not installed asks nothing", async () => {
    const { service, lines } = setup("linux");
    expect(await service.status()).toMatchObject({ installed: false, running: false, envNames: [] });
    expect(lines()).toEqual([]);
  });

  it("status explains an unreachable user manager", async () => {
    await setup("linux").install();
    const { service } = setup("linux", () => noBus);
    const status = await service.status();
    expect(status.problem).toMatch(/^systemctl --user failed: Failed to connect to bus/);
  });

  it("logs runs journalctl on the terminal, following with -f", async () => {
    const { service, calls } = setup("linux");
    expect(await service.logs({ lines: 50, follow: true })).toBe(0);
    expect(calls).toEqual([
      {
        line: "journalctl --user -u agent-claw.service -n 50 --no-pager -f",
        cmd: "journalctl",
        args: ["--user", "-u", "agent-claw.service", "-n", "50", "--no-pager", "-f"],
        options: { inherit: true },
      },
    ]);
  });

  it("restart needs an installed service", async () => {
    const { service } = setup("linux");
    expect(() => service.restartPlan()).toThrow(/not installed .*agent-claw daemon install/);
  });
});

describe("launchd", () => {
  const plist = () => join(env.HOME!, "Library/LaunchAgents/ai.agent-claw.gateway.plist");

  it("install writes a private plist and the log folder, then boots the agent out and in", async () => {
    const { install, lines, report } = setup("darwin", (line) =>
      line.includes("bootout") ? { code: 3, stderr: "Boot-out failed: 3: No such process" } : undefined,
    );
    const { warnings } = await install();
    expect(warnings).toEqual([]);
    expect(lines()).toEqual([
      "launchctl bootout gui/501/ai.agent-claw.gateway",
      "launchctl enable gui/501/ai.agent-claw.gateway",
      `launchctl bootstrap gui/501 ${plist()}`,
    ]);
    expect(await mode(plist())).toBe(0o600);
    expect(await readFile(plist(), "utf8")).toContain(`<string>${SECRET}</string>`);
    expect(existsSync(join(env.AGENT_CLAW_HOME!, "logs"))).toBe(true);
    expect(report.join("\n")).not.toContain(SECRET);
  });

  it("a failed bootstrap says how to check the plist", async () => {
    const { install } = setup("darwin", (line) =>
      line.includes("bootstrap") ? { code: 5, stderr: "Bootstrap failed: 5: Input/output error" } : undefined,
    );
    await expect(install()).rejects.toThrow(/Bootstrap failed: 5.*plutil -lint/);
  });

  it("uninstall boots it out and removes the plist; a service already gone is no warning", async () => {
    await setup("darwin").install();
    const { uninstall, lines } = setup("darwin", () => ({ code: 113, stderr: "Could not find service" }));
    expect((await uninstall()).warnings).toEqual([]);
    expect(lines()).toEqual(["launchctl bootout gui/501/ai.agent-claw.gateway"]);
    expect(existsSync(plist())).toBe(false);
  });

  it("status reads launchctl print, and names the variables in the plist", async () => {
    await setup("darwin").install();
    const printed = [
      "gui/501/ai.agent-claw.gateway = {",
      "\tactive count = 1",
      `\tpath = ${plist()}`,
      "\tstate = running",
      "\tpid = 777",
      "\tlast exit code = 1",
      "}",
    ].join("\n");
    const { service } = setup("darwin", () => ({ stdout: printed }));
    expect(await service.status()).toMatchObject({
      installed: true,
      running: true,
      state: "running",
      pid: 777,
      lastExit: "exit code 1",
      envNames: ["AGENT_CLAW_MODEL", "AWS_REGION", "OPENAI_API_KEY"],
      logs: join(env.AGENT_CLAW_HOME!, "logs/gateway.log"),
    });
  });

  it("status of an installed agent that is not loaded", async () => {
    await setup("darwin").install();
    const { service } = setup("darwin", () => ({ code: 113, stderr: "Could not find service" }));
    expect(await service.status()).toMatchObject({ installed: true, running: false, state: "not loaded" });
  });

  it("logs tails the log file, and explains a missing one", async () => {
    const { service, calls } = setup("darwin");
    await expect(service.logs({ lines: 20, follow: false })).rejects.toThrow(
      /No gateway log yet at .*gateway\.log/,
    );
    await setup("darwin").install();
    const log = join(env.AGENT_CLAW_HOME!, "logs/gateway.log");
    await writeFile(log, "started\n");
    await service.logs({ lines: 20, follow: true });
    expect(calls.map((c) => [c.line, c.options])).toEqual([[`tail -n 20 -F ${log}`, { inherit: true }]]);
  });

  it("restart kickstarts the agent", async () => {
    await setup("darwin").install();
    const { service, runner, lines } = setup("darwin");
    await executePlan(service.restartPlan(), runner, () => undefined);
    expect(lines()).toEqual(["launchctl kickstart -k gui/501/ai.agent-claw.gateway"]);
  });
});
