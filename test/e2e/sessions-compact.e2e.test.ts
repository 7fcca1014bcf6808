// `agent-claw sessions compact KEY`, the real CLI against the fake model: the flush writes today's
// note, the summary replaces the older messages, and the next turn starts from it.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RecordedRequest } from "../fakes/model-script.ts";
import { runCli, useCliWorld } from "./run-cli.ts";

const world = useCliWorld();

describe("agent-claw sessions compact", () => {
  it("compacts a session on demand, flush first, and the next turn sees the summary", async () => {
    const flushing = (r: RecordedRequest) => r.lastUserText?.startsWith("[Memory flush") === true;
    world.fake.script([
      { text: "Noted." },
      { text: "Got it." },
      { text: "Sure." },
      (r) =>
        flushing(r)
          ? {
              toolCalls: [
                { name: "write", input: { path: "memory/facts.md", content: "- favourite colour: teal\n" } },
              ],
            }
          : { text: "unexpected" },
      { text: "NO_REPLY" },
      { text: "The person's favourite colour is teal." },
      { text: "Teal, as you said." },
    ]);
    await runCli(["agent", "-m", "my favourite colour is teal"], world.env);
    await runCli(["agent", "-m", "and I live in Graz"], world.env);
    await runCli(["agent", "-m", "ok"], world.env);

    const result = await runCli(["sessions", "compact", "main"], world.env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Compacted this conversation/);
    expect(result.stdout).toContain("Saved to memory first: memory/facts.md");
    const note = await readFile(join(world.env.AGENT_CLAW_HOME!, "workspace", "memory", "facts.md"), "utf8");
    expect(note).toContain("teal");

    const next = await runCli(["agent", "-m", "what is my favourite colour?"], world.env);
    expect(next.stdout).toBe("Teal, as you said.\n");
    expect(world.fake.requests.at(-1)?.messages[0]?.text).toContain("The person's favourite colour is teal.");

    const missing = await runCli(["sessions", "compact", "nobody"], world.env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('No session "agent:main:nobody"');
  });
});
