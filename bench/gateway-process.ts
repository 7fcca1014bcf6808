// Shared by the benches that start a real gateway process: a free port, and waiting for /readyz.
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";

export const BIN = join(import.meta.dirname, "../bin/agent-claw.js");

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the gateway at `url` answers /readyz (asking as often as the loop allows, for start times). */
export async function waitReady(url: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setImmediate(r));
  }
}
