// Starting `agent-claw gateway` the way a user does when something is in the way: a port already
// taken or a --port that is no port ends in one line saying what to change, never a stack trace.
import { existsSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, useCliWorld } from "./run-cli.ts";

const world = useCliWorld();

describe("agent-claw gateway", () => {
  it("says in one line that the port is taken and how to choose another, and leaves no gateway.pid", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const result = await runCli(["gateway", "--port", String(port)], world.env);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error: Port ${port} on 127.0.0.1 is already in use (another gateway or program listens there). Choose another with \`agent-claw gateway --port <port>\` or gateway.port in config.json.\n`,
      );
      expect(result.stdout).toBe("");
      expect(existsSync(join(world.env.AGENT_CLAW_HOME!, "gateway.pid"))).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("refuses a --port that is no port in one line", async () => {
    const result = await runCli(["gateway", "--port", "99999"], world.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: --port must be a number from 0 to 65535, got "99999".\n');
  });
});
