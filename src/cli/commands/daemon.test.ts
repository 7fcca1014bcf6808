// The daemon commands as a person sees them: --dry-run writes and runs nothing, output never holds a
// secret, bad flags are refused with the fix, status reads well.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeRunner } from "../../daemon/testing/fixtures.ts";
import { daemonCommands, describeStatus } from "./daemon.ts";

const SECRET = "sk-ant-secret-value-0123456789";
const TOKEN = "gateway-token-0123456789";
/** Not secret by its name, so only the dry run's masking hides it. */
const BASE_URL = "http://ollama:hunter2-password@10.0.0.5/v1";
let root: string;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "ac-daemon-cli-"));
  env = {
    HOME: join(root, "home"),
    AGENT_CLAW_HOME: join(root, "home", ".agent-claw"),
    AGENT_CLAW_MODEL: "anthropic/claude-sonnet-4-5",
    ANTHROPIC_API_KEY: SECRET,
    AGENT_CLAW_GATEWAY_TOKEN: TOKEN,
    OPENAI_COMPATIBLE_BASE_URL: BASE_URL,
  };
});
afterEach(() => rm(root, { recursive: true, force: true }));

function cli(
  platform = "linux",
  answer?: Parameters<typeof fakeRunner>[0],
  cliScript = "/opt/agent-claw/bin/agent-claw.js",
) {
  const fake = fakeRunner(answer);
  let output = "";
  const commands = daemonCommands({
    env,
    runner: fake.runner,
    platform,
    out: (text) => {
      output += text;
    },
    uid: 501,
    user: "ada",
    nodePath: "/usr/bin/node",
    cliScript,
  });
  return { ...commands, fake, output: () => output };
}

describe.each(["linux", "darwin"])("daemon install --dry-run (%s)", (platform) => {
  it("prints the files and commands, writes and runs nothing, and hides every secret", async () => {
    const { install, fake, output } = cli(platform);
    expect(await install({ dryRun: true })).toBe(0);
    expect(fake.calls).toEqual([]);
    expect(await readdir(root)).toEqual([]);
    const text = output();
    expect(text).toContain("nothing is written or run");
    expect(text).toContain("Would write");
    expect(text).toMatch(
      /Would run: (systemctl --user enable agent-claw.service|launchctl bootstrap gui\/501 )/,
    );
    expect(text).toContain("/usr/bin/node");
    expect(text).toContain(
      "Carried into the service (values hidden): AGENT_CLAW_GATEWAY_TOKEN, AGENT_CLAW_MODEL, ANTHROPIC_API_KEY, OPENAI_COMPATIBLE_BASE_URL",
    );
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain("hunter2");
  });
});

describe("daemon commands", () => {
  it("install reports each step without secrets, then what to do next", async () => {
    const { install, output } = cli("linux");
    expect(await install({})).toBe(0);
    const text = output();
    expect(text).toMatch(/Wrote .*gateway\.env \(mode 600\)/);
    expect(text).toContain("Ran systemctl --user restart agent-claw.service");
    expect(text).toContain("loginctl enable-linger ada");
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(TOKEN);
  });

  it("install warns when no model is set", async () => {
    delete env.AGENT_CLAW_MODEL;
    const { install, output } = cli("linux");
    await install({ dryRun: true });
    expect(output()).toContain("warning: no model is set");
  });

  it("install warns about temporary AWS credentials and an install in npx's cache", async () => {
    env.AWS_SESSION_TOKEN = "IQoJb3JpZ2luX2VjEaaaaaaaaaaaaaaaa";
    const { install, output } = cli(
      "linux",
      undefined,
      "/home/ada/.npm/_npx/1a2b/node_modules/agent-claw/bin/agent-claw.js",
    );
    await install({ dryRun: true });
    expect(output()).toContain("warning: AWS_SESSION_TOKEN is set: temporary credentials expire");
    expect(output()).toContain("warning: this agent-claw runs from npx's cache");
    expect(output()).not.toContain("IQoJb3JpZ2luX2VjEaaaaaaaaaaaaaaaa");
  });

  it("install warns when config.json is broken: the service could not start", async () => {
    await mkdir(env.AGENT_CLAW_HOME!, { recursive: true });
    await writeFile(join(env.AGENT_CLAW_HOME!, "config.json"), '{ "agent": { "maxSteps": "many" } }');
    const { install, output } = cli("linux");
    await install({ dryRun: true });
    expect(output()).toMatch(/warning: .*config\.json is not valid:\n {2}- agent\.maxSteps/);
    expect(output()).toContain("The service cannot start until this is fixed.");
  });

  it("refuses an unknown --platform and an unsupported machine, saying what to do", async () => {
    await expect(cli("linux").install({ platform: "windows" })).rejects.toThrow(
      '--platform must be linux or darwin, got "windows".',
    );
    await expect(cli("win32").install({ dryRun: true })).rejects.toThrow(
      /not on "win32". Run `agent-claw gateway` under your own supervisor/,
    );
  });

  it("refuses a bad line count for logs", async () => {
    await expect(cli("linux").logs({ lines: "ten" })).rejects.toThrow(
      /-n must be a whole number .* got "ten"/,
    );
    await expect(cli("linux").logs({ lines: "0" })).rejects.toThrow(/-n must be/);
  });

  it("uninstall --dry-run and uninstall of nothing leave everything alone", async () => {
    const installed = cli("linux");
    await installed.install({});
    const unit = join(env.HOME!, ".config/systemd/user/agent-claw.service");
    const dry = cli("linux");
    await dry.uninstall({ dryRun: true });
    expect(dry.output()).toContain(`Would remove ${unit}`);
    expect(dry.fake.calls).toEqual([]);
    expect(existsSync(unit)).toBe(true);

    await cli("linux").uninstall({});
    const again = cli("linux");
    await again.uninstall({});
    expect(again.output()).toMatch(/not installed .*nothing to remove/);
  });

  it("status prints names of the carried variables, never their values", async () => {
    await cli("linux").install({});
    const { status, output } = cli("linux", (line) =>
      line.includes(" show ")
        ? {
            stdout:
              "ActiveState=failed\nSubState=failed\nMainPID=0\nUnitFileState=enabled\nResult=exit-code\nExecMainStatus=1\n",
          }
        : line.startsWith("loginctl")
          ? { stdout: "yes\n" }
          : undefined,
    );
    await status({});
    const text = output();
    expect(text).toContain("state:      failed (failed)");
    expect(text).toContain("last exit:  exit-code, exit status 1");
    expect(text).toContain(
      "variables:  AGENT_CLAW_GATEWAY_TOKEN, AGENT_CLAW_MODEL, ANTHROPIC_API_KEY, OPENAI_COMPATIBLE_BASE_URL",
    );
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("lingering");
    expect(text).not.toContain(SECRET);
  });

  it("describes a service that is not installed", () => {
    const lines = describeStatus(
      {
        manager: "launchd",
        serviceFile: "/x.plist",
        installed: false,
        running: false,
        envNames: [],
        logs: "/l",
      },
      "ada",
    );
    expect(lines).toEqual([
      "agent-claw gateway service (launchd agent)",
      "  file:       /x.plist",
      "  installed:  no; run `agent-claw daemon install`",
    ]);
  });
});
