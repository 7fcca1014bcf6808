// In-process overhead of one turn: the real local ports (SQLite, JSONL, workspace folder), the real
// prompt builder and agent loop, and a zero-latency in-process model. Everything but the model.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scriptedModel } from "../src/core/agent/testing/scripted-model.ts";
import { runTurn } from "../src/core/turn/run-turn.ts";
import { ensureWorkspace } from "../src/core/workspace/ensure-workspace.ts";
import { createLocalPorts } from "../src/engines/local/wire.ts";
import { createDefaultTools } from "../src/tools/index.ts";
import { type Summary, summarize } from "./stats.ts";

export async function benchTurnOverhead(turns = 400, sessions = 20): Promise<Summary> {
  const dir = await mkdtemp(join(tmpdir(), "ac-bench-turn-"));
  const ports = createLocalPorts({
    workspaceDir: join(dir, "workspace"),
    stateDb: join(dir, "state.db"),
    sessionsDir: join(dir, "sessions"),
  });
  try {
    await ensureWorkspace(ports.workspace);
    const { model } = scriptedModel(Array.from({ length: turns + 200 }, () => ({ text: "Sure, noted." })));
    const deps = {
      sessions: ports.sessions,
      workspace: ports.workspace,
      clock: ports.clock,
      model: { ref: "bench/zero-latency", model },
      tools: createDefaultTools({
        exec: { cwd: join(dir, "workspace"), allowlist: [], timeoutMs: 1000, maxOutputChars: 1000 },
        webFetch: {},
      }),
      settings: { maxSteps: 5, bootstrapMaxChars: 20_000, timeZone: "UTC" },
      newId: randomUUID,
    };
    const samples: number[] = [];
    for (let i = 0; i < turns + 200; i++) {
      const key = `agent:main:bench-${i % sessions}`;
      const start = performance.now();
      await runTurn(deps, {
        sessionKey: key,
        messages: [
          {
            id: String(i),
            channel: "cli",
            account: "default",
            chat: { id: "t", kind: "dm" },
            sender: { id: "u" },
            text: `message ${i}`,
            at: Date.now(),
          },
        ],
        channel: { channel: "cli", chatKind: "dm", description: "the terminal", interactive: false },
      });
      // The first 200 turns warm up the JIT and the page cache.
      if (i >= 200) samples.push(performance.now() - start);
    }
    return summarize(samples);
  } finally {
    await ports.close();
    await rm(dir, { recursive: true, force: true });
  }
}
