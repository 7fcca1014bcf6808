// A supervisor may stop the gateway the moment it prints that it is ready. Until a SIGTERM listener is
// set, that signal kills the process outright, skipping the drain; so the listener must already be
// there when the ready line is written, not set just after it.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, expect, it, vi } from "vitest";
import { registerGateway } from "./gateway.ts";

let home: string | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  if (home) await rm(home, { recursive: true, force: true });
});

it("listens for SIGTERM before it prints that it is ready, and drains when it comes", async () => {
  home = await mkdtemp(join(tmpdir(), "agent-claw-gateway-command-"));
  vi.stubEnv("AGENT_CLAW_HOME", home);
  const before = process.listenerCount("SIGTERM");
  const atReady: number[] = [];
  let onReady = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    if (String(chunk).includes("agent-claw gateway ready")) {
      atReady.push(process.listenerCount("SIGTERM"));
      onReady();
    }
    return true;
  });
  vi.spyOn(process.stderr, "write").mockReturnValue(true);
  const program = new Command().exitOverride();
  registerGateway(program);
  const run = program.parseAsync(["gateway", "--port", "0"], { from: "user" });
  // A start that fails ends the command with its error set, rather than leaving the test waiting.
  await Promise.race([ready, run.then(() => Promise.reject(new Error(`stopped: exit ${process.exitCode}`)))]);
  expect(atReady).toEqual([before + 1]);
  process.emit("SIGTERM");
  await run;
  // Stopped by the signal and drained: no listener is left behind, no pid lock either.
  expect(process.listenerCount("SIGTERM")).toBe(before);
  expect(existsSync(join(home, "gateway.pid"))).toBe(false);
  expect(process.exitCode ?? 0).toBe(0);
});
