// Private files, end to end under umask 022: what the CLI and the gateway create in the home folder
// is 0700 (folders) and 0600 (files), and doctor reports a readable file and `--repair` fixes it.
import { chmod, lstat, mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gatewayTurns, runCli, useCliWorld } from "./run-cli.ts";

const world = useCliWorld();

// The children inherit it: the usual umask, under which files would be 0644 and folders 0755.
let umaskBefore = 0;
beforeEach(() => {
  umaskBefore = process.umask(0o022);
});
afterEach(() => {
  process.umask(umaskBefore);
});

/** Every path under `home` (itself included) with its permission bits, links left out. */
async function modes(home: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const visit = async (path: string) => {
    const stats = await lstat(path);
    if (stats.isSymbolicLink()) return;
    found.set(
      `${relative(home, path) || "."}${stats.isDirectory() ? "/" : ""}`,
      (stats.mode & 0o777).toString(8),
    );
    if (stats.isDirectory()) for (const name of await readdir(path)) await visit(join(path, name));
  };
  await visit(home);
  return found;
}

describe("private files", () => {
  it("creates every folder 0700 and every file 0600 in the home, whatever the umask", async () => {
    world.fake.script([{ text: "Hello." }, { text: "Hi again." }]);
    const home = world.env.AGENT_CLAW_HOME!;
    expect((await runCli(["config", "set", "session.dmScope", "main"], world.env)).code).toBe(0);
    // A config.json an older version left readable is made private by the next `config set`.
    await chmod(join(home, "config.json"), 0o644);
    expect((await runCli(["config", "set", "session.dmScope", "per-peer"], world.env)).code).toBe(0);
    const turn = await runCli(["agent", "-m", "hello"], world.env);
    expect(turn.code, turn.stderr).toBe(0);
    expect(
      (await runCli(["cron", "add", "--name", "tea", "--at", "in 20m", "--system-event", "tea"], world.env))
        .code,
    ).toBe(0);
    expect((await gatewayTurns(world.env, ["hi"])).code).toBe(0);

    const found = await modes(home);
    // What a user would find worth protecting is all there.
    for (const path of [
      "./",
      "config.json",
      "state.db",
      "sessions/",
      "workspace/",
      "workspace/SOUL.md",
      "gateway.token",
    ]) {
      expect(found.has(path), path).toBe(true);
    }
    expect([...found.keys()].some((p) => p.startsWith("sessions/") && p.endsWith(".jsonl"))).toBe(true);
    const wrong = [...found].filter(([path, mode]) => mode !== (path.endsWith("/") ? "700" : "600"));
    expect(wrong).toEqual([]);
  });

  it("doctor reports a file others can read, and doctor --repair makes it private", async () => {
    const home = world.env.AGENT_CLAW_HOME!;
    expect((await runCli(["config", "set", "session.dmScope", "main"], world.env)).code).toBe(0);
    await chmod(join(home, "config.json"), 0o644);
    await chmod(home, 0o755);

    const report = await runCli(["doctor"], world.env);
    expect(report.code).toBe(1);
    expect(report.stdout).toMatch(
      /✗ files: 2 readable by others in .*: \S*agent-claw \(0755\), config\.json \(0644\)/,
    );
    expect(report.stdout).toContain("→ Run `agent-claw doctor --repair`");

    const repair = await runCli(["doctor", "--repair"], world.env);
    expect(repair.stdout).toMatch(/✓ files: made 2 private/);
    expect((await stat(join(home, "config.json"))).mode & 0o777).toBe(0o600);
    expect((await stat(home)).mode & 0o777).toBe(0o700);
    expect((await runCli(["doctor"], world.env)).stdout).toMatch(/✓ files: .* private to you/);
  });

  it("doctor names a readable file without passing the escape sequences in its name to the terminal", async () => {
    const home = world.env.AGENT_CLAW_HOME!;
    expect((await runCli(["config", "set", "session.dmScope", "main"], world.env)).code).toBe(0);
    // A file a command run by the exec tool made, named by whoever steered the model.
    await mkdir(join(home, "workspace"), { recursive: true, mode: 0o700 });
    await writeFile(join(home, "workspace", "notes\u001b]52;c;cm0=\u0007\u001b[2J.txt"), "", { mode: 0o644 });
    const report = await runCli(["doctor"], world.env);
    expect(report.stdout).toContain("workspace/notes]52;c;cm0=[2J.txt (0644)");
    expect(report.stdout).not.toMatch(/[\u001b\u0007]/);
  });
});
