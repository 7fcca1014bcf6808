// exec's question in the terminal chat, on a real terminal (util-linux `script` gives the chat a
// pty): "a" runs the command and adds it to tools.exec.allowlist, so it is not asked about again.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { BIN, useCliWorld } from "./run-cli.ts";

const world = useCliWorld();

/** `agent-claw chat` on a pseudo-terminal; `type` sends a line, `seen` waits for text on screen. */
function chatOnTerminal(env: NodeJS.ProcessEnv) {
  const command = [process.execPath, BIN, "chat"].map((a) => `'${a}'`).join(" ");
  const child = spawn("script", ["-qfec", command, "/dev/null"], { env, stdio: ["pipe", "pipe", "pipe"] });
  let screen = "";
  const waiters: Array<() => void> = [];
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    screen += d;
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  onTestFinished(() => void child.kill("SIGKILL"));
  const count = (text: string) => screen.split(text).length - 1;
  return {
    type: (line: string) => child.stdin.write(`${line}\r`),
    /** Resolves with the exit code once the chat (and its terminal) ended. */
    exited,
    count,
    screen: () => screen,
    /** Resolves once `text` has been shown `times` times. */
    async seen(text: string, times = 1): Promise<void> {
      while (count(text) < times) await new Promise<void>((wake) => waiters.push(wake));
    },
  };
}

describe("agent-claw chat asks before exec", () => {
  it("offers Always, which runs the command and allowlists it for the next time", async () => {
    world.fake.script([
      { toolCalls: [{ name: "exec", input: { command: "echo approved-once" } }] },
      { text: "first done" },
      { toolCalls: [{ name: "exec", input: { command: "echo approved-once" } }] },
      { text: "second done" },
    ]);
    const chat = chatOnTerminal(world.env);
    await chat.seen("you ›");
    chat.type("run it");
    await chat.seen("[y]es once, [a]lways, [N]o");
    expect(chat.screen()).toContain("Allow exec: echo approved-once?");
    chat.type("a");
    await chat.seen("first done");
    expect(chat.screen()).toContain('Added "echo approved-once" to tools.exec.allowlist.');
    const config = JSON.parse(await readFile(join(world.env.AGENT_CLAW_HOME!, "config.json"), "utf8"));
    expect(config.tools.exec.allowlist).toEqual(["echo approved-once"]);

    chat.type("again");
    await chat.seen("second done");
    expect(chat.count("[a]lways")).toBe(1); // not asked the second time
    // The command ran both times: both outputs went back to the model.
    const outputs = world.fake.requests
      .at(-1)!
      .messages.filter((m) => m.role === "tool")
      .flatMap((m) => m.toolResults.map((r) => r.output));
    expect(outputs).toEqual([
      expect.stringContaining("approved-once"),
      expect.stringContaining("approved-once"),
    ]);
    chat.type("/exit");
    // The chat finishes writing its session before the test's home folder is removed.
    expect(await chat.exited).toBe(0);
  });
});
