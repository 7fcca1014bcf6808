// Running commands: output and exit codes, approval, timeouts that kill the whole group,
// the output cap, a scrubbed environment and workdirs that must stay inside the workspace.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { createFakeClock } from "../util/fake-clock.ts";
import { createSystemClock } from "../util/system-clock.ts";
import { createExecTool } from "./exec.ts";
import { toolContext } from "./testing/tool-context.ts";

const root = mkdtempSync(join(tmpdir(), "agent-claw-exec-"));
mkdirSync(join(root, "sub"));
symlinkSync(tmpdir(), join(root, "outside-link"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const approveAll = { approve: () => true };

/** Alive and not a zombie (a killed orphan may wait a moment for init to reap it). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

const readPid = (file: string) => {
  try {
    return Number(readFileSync(file, "utf8").trim()) || undefined;
  } catch {
    return undefined;
  }
};

describe("exec", () => {
  const exec = createExecTool({ cwd: root, timeoutMs: 10_000, maxOutputChars: 2000 });

  it("returns stdout and stderr in order, with the exit code", async () => {
    const ok = await exec.run({ command: "echo one; echo two >&2; echo three" }, toolContext(approveAll));
    expect(ok).toEqual({ text: "one\ntwo\nthree\n\n[exit code 0]" });
    const failed = await exec.run(
      { command: "echo partial; ls /nonexistent-dir-x; exit 3" },
      toolContext(approveAll),
    );
    expect(failed.isError).toBe(true);
    expect(failed.text).toMatch(/^partial\nls: .*nonexistent-dir-x.*\n\n\[exit code 3\]$/);
    const silent = await exec.run({ command: "true" }, toolContext(approveAll));
    expect(silent).toEqual({ text: "(no output)\n\n[exit code 0]" });
  });

  it("reports shell syntax errors with the model's own line numbers", async () => {
    const result = await exec.run({ command: "if then" }, toolContext(approveAll));
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/1: Syntax error/);
  });

  it("runs allowlisted commands at once and asks about the rest", async () => {
    const tool = createExecTool({ cwd: root, allowlist: ["echo *", "git status*"] });
    const context = toolContext({ approve: () => false });
    expect((await tool.run({ command: "echo hi" }, context)).text).toBe("hi\n\n[exit code 0]");
    expect(context.approvals).toEqual([]);

    const chained = await tool.run({ command: "echo hi > pwned.txt" }, context);
    expect(chained.isError).toBe(true);
    expect(chained.text).toMatch(/^The command was not approved; it did not run\./);
    expect(context.approvals).toEqual([
      { tool: "exec", summary: "echo hi > pwned.txt", allowlistEntry: "echo hi > pwned.txt" },
    ]);
    expect(() => readFileSync(join(root, "pwned.txt"))).toThrow();

    await tool.run({ command: "git status; touch pwned.txt" }, context);
    expect(context.approvals).toHaveLength(2);
    expect(() => readFileSync(join(root, "pwned.txt"))).toThrow();
  });

  it("runs a command a person approves, and shows the workdir in the request", async () => {
    const context = toolContext(approveAll);
    const result = await exec.run({ command: "pwd", workdir: "sub" }, context);
    expect(result.text).toMatch(/\/sub\n\n\[exit code 0\]$/);
    expect(context.approvals).toEqual([{ tool: "exec", summary: "pwd  (in sub)", allowlistEntry: "pwd" }]);
  });

  it("asks before an allowlisted prefix reads a file outside the workspace", async () => {
    const home = mkdtempSync(join(tmpdir(), "agent-claw-home-"));
    const workspace = join(home, "workspace");
    mkdirSync(join(workspace, "notes"), { recursive: true });
    writeFileSync(join(home, "gateway.token"), "secret-gateway-token");
    writeFileSync(join(workspace, "notes", "ok"), "fine");
    try {
      const tool = createExecTool({ cwd: workspace, allowlist: ["cat notes*"] });
      const context = toolContext({ approve: () => false });
      const escaped = await tool.run({ command: "cat notes/../../gateway.token" }, context);
      expect(escaped.text).not.toContain("secret-gateway-token");
      expect(escaped.text).toMatch(/^The command was not approved/);
      const absolute = await tool.run({ command: `cat notes ${join(home, "gateway.token")}` }, context);
      expect(absolute.text).not.toContain("secret-gateway-token");
      expect(context.approvals).toHaveLength(2);
      expect((await tool.run({ command: "cat notes/./ok" }, context)).text).toBe("fine\n\n[exit code 0]");
      expect(context.approvals).toHaveLength(2);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("refuses workdirs outside the workspace before asking anyone", async () => {
    const context = toolContext(approveAll);
    for (const workdir of ["../", "/etc", "sub/../../x", "outside-link", "missing"]) {
      const result = await exec.run({ command: "pwd", workdir }, context);
      expect(result.isError, workdir).toBe(true);
      expect(result.text, workdir).toMatch(
        /leaves the workspace|is absolute|outside the workspace|does not exist/,
      );
    }
    expect(context.approvals).toEqual([]);
  });

  it("kills the whole process group on timeout", async () => {
    const clock = createFakeClock();
    const pidFile = join(root, "timeout.pid");
    const pending = exec.run(
      { command: `sleep 30 & echo $! > ${pidFile}; wait` },
      toolContext({ ...approveAll, clock }),
    );
    const pid = await vi.waitFor(() => readPid(pidFile) ?? Promise.reject(new Error("no pid yet")), {
      timeout: 5000,
    });
    expect(isRunning(pid)).toBe(true);
    await clock.advance(10_000);
    const result = await pending;
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(
      /^The command timed out after 10 s and was killed, with every process it started\./,
    );
    // SIGKILL is sent to the group before the tool returns; the kernel finishes the job a moment later.
    await vi.waitFor(() => expect(isRunning(pid)).toBe(false), { timeout: 2000 });
  });

  it("times out on the real clock quickly", async () => {
    const quick = createExecTool({ cwd: root, timeoutMs: 200 });
    const started = Date.now();
    const result = await quick.run(
      { command: "sleep 30" },
      toolContext({ ...approveAll, clock: createSystemClock() }),
    );
    expect(result.text).toContain("timed out after 0.2 s");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("kills the process group when the turn is cancelled", async () => {
    const controller = new AbortController();
    const pidFile = join(root, "abort.pid");
    const context = toolContext({ ...approveAll, signal: controller.signal });
    const pending = exec.run({ command: `sleep 30 & echo $! > ${pidFile}; wait` }, context);
    const pid = await vi.waitFor(() => readPid(pidFile) ?? Promise.reject(new Error("no pid yet")), {
      timeout: 5000,
    });
    controller.abort();
    const result = await pending;
    expect(result).toMatchObject({ isError: true, text: expect.stringContaining("cancelled with the turn") });
    // SIGKILL is sent to the group before the tool returns; the kernel finishes the job a moment later.
    await vi.waitFor(() => expect(isRunning(pid)).toBe(false), { timeout: 2000 });
  });

  it("returns when the shell exits even if a background child keeps the output open", async () => {
    const clock = createFakeClock();
    const pending = exec.run({ command: "sleep 30 & echo $!" }, toolContext({ ...approveAll, clock }));
    // Parked on two sleeps: the timeout and the grace for background output.
    await vi.waitFor(() => expect(clock.pending).toBe(2), { timeout: 5000 });
    await clock.advance(1000);
    const result = await pending;
    const pid = Number(result.text.split("\n")[0]);
    expect(result.text).toContain("still running");
    expect(isRunning(pid)).toBe(true);
    process.kill(pid, "SIGKILL");
  });

  it("caps long output, keeping head and tail and saying how much was cut", async () => {
    const result = await exec.run({ command: "seq 1 100000" }, toolContext(approveAll));
    expect(result.text.startsWith("1\n2\n3\n")).toBe(true);
    expect(result.text).toMatch(/\n99999\n100000\n\n\[exit code 0\]$/);
    const cut = Number(result.text.match(/\[… (\d+) characters cut from the middle of the output …\]/)?.[1]);
    expect(cut).toBe(588_895 - 2000);
    expect(result.text.length).toBeLessThan(2200);
  });

  describe("environment", () => {
    const saved = { ...process.env };
    afterEach(() => {
      process.env = { ...saved };
    });

    it("passes a safe base and the configured env, never the parent's secrets", async () => {
      process.env.OPENAI_API_KEY = "sk-fake-openai-secret";
      process.env.GITHUB_TOKEN = "ghp-fake-token";
      process.env.AWS_SECRET_ACCESS_KEY = "fake-aws-secret";
      process.env.TELEGRAM_BOT_TOKEN = "123:fake";
      const tool = createExecTool({ cwd: root, env: { PROJECT_MODE: "demo" } });
      const result = await tool.run({ command: "env" }, toolContext(approveAll));
      expect(result.text).not.toMatch(/fake|API_KEY|TOKEN|AWS_/);
      expect(result.text).toMatch(/^PATH=/m);
      expect(result.text).toMatch(/^PROJECT_MODE=demo$/m);
      expect(result.text).toMatch(/^GIT_TERMINAL_PROMPT=0$/m);
    });
  });
});
