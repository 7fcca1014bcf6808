// `agent-claw gateway` runs with the heap settings that keep a long-lived daemon small (bin/agent-claw.js
// restarts it once in the same process to set them), and leaves alone any a user set in NODE_OPTIONS.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { startCli, useCliWorld } from "./run-cli.ts";

const world = useCliWorld();

/** The command line and environment of the gateway process once it is ready; then stops it. */
async function gatewayProcess(env: NodeJS.ProcessEnv): Promise<{ argv: string[]; env: string[] }> {
  const run = startCli(["gateway", "--port", "0"], env);
  let out = "";
  await new Promise<void>((resolve, reject) => {
    run.child.stdout?.on("data", (d: string) => {
      out += d;
      if (out.includes("agent-claw gateway ready")) resolve();
    });
    void run.done.then((r) => reject(new Error(`gateway exited early (${r.code}): ${r.stderr}`)));
  });
  try {
    // The pid we spawned is the gateway itself: the restart replaced the process image, not the process.
    const read = (what: string) =>
      readFileSync(`/proc/${run.child.pid}/${what}`, "utf8").split("\0").filter(Boolean);
    return { argv: read("cmdline"), env: read("environ") };
  } finally {
    run.child.kill("SIGTERM");
    const result = await run.done;
    expect(result.code).toBe(0);
  }
}

describe.runIf(process.platform === "linux")("the gateway's heap settings", () => {
  it("are set on the gateway process itself, with two malloc arenas", async () => {
    const { argv, env } = await gatewayProcess(world.env);
    expect(argv).toContain("--max-semi-space-size=4");
    expect(argv).toContain("--heap-growing-percent=30");
    expect(argv.slice(-3)).toEqual(["gateway", "--port", "0"]);
    expect(env).toContain("MALLOC_ARENA_MAX=2");
  });

  it("give way to a young-generation size set in NODE_OPTIONS", async () => {
    const { argv } = await gatewayProcess({ ...world.env, NODE_OPTIONS: "--max-semi-space-size=16" });
    expect(argv.some((a) => a.startsWith("--max-semi-space-size"))).toBe(false);
    expect(argv).toContain("--heap-growing-percent=30");
  });
});
