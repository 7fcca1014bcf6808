// The memory commands as the owner uses them, on a temp AGENT_CLAW_HOME: search (text and JSON),
// status, index with progress, validated flags, a config that turns memory off, and the help.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFakeClock } from "../../util/fake-clock.ts";
import { memoryCommands, registerMemory } from "./memory.ts";

let root: string;
let env: NodeJS.ProcessEnv;
let output: string;
let progress: string[];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "ac-memory-cli-"));
  env = { HOME: root, AGENT_CLAW_HOME: join(root, ".agent-claw") };
  output = "";
  progress = [];
});
afterEach(() => rm(root, { recursive: true, force: true }));

const cli = () =>
  memoryCommands({
    env,
    clock: createFakeClock(Date.UTC(2026, 11, 7, 12)),
    out: (text) => {
      output += text;
    },
    progress: (text) => progress.push(text),
  });
const note = async (path: string, text: string) => {
  const file = join(root, ".agent-claw", "workspace", path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
};

describe("agent-claw memory", () => {
  it("search prints each hit's place, score and snippet, and JSON with --json", async () => {
    await note("memory/2026-12-07.md", "# Monday\n\n## Health\nDentist: Dr. Okonkwo on Thursday.\n");
    await cli().search(["dentist", "okonkwo"], {});
    expect(output).toMatch(
      /^1\. memory\/2026-12-07\.md:3-4 {2}\(score \d+\.\d{3}\)\n {3}## Health ⏎ Dentist: Dr\. Okonkwo on Thursday\.\n$/,
    );
    output = "";
    await cli().search(["okonkwo"], { json: true, limit: "1" });
    expect(JSON.parse(output)).toEqual([
      expect.objectContaining({ source: "note", ref: "memory/2026-12-07.md", lines: { from: 3, to: 4 } }),
    ]);
    output = "";
    await cli().search(["zeppelin"], {});
    expect(output).toBe('Nothing in memory matches "zeppelin".\n');
  });

  it("index reports what it did, with progress, and status says what is indexed", async () => {
    for (let i = 0; i < 450; i++) await note(`notes/n${i}.md`, `note ${i}\n`);
    await cli().index({});
    expect(output).toMatch(/^Indexed \d+, removed 0, unchanged 0 in \d+(\.\d)? s\.\n$/);
    expect(Number(/Indexed (\d+)/.exec(output)![1])).toBeGreaterThanOrEqual(450);
    expect(progress.slice(0, 2)).toEqual([
      expect.stringMatching(/^indexing 200\/\d+$/),
      expect.stringMatching(/^indexing 400\/\d+$/),
    ]);
    expect(progress.at(-1)).toBe("");
    output = "";
    await cli().index({ json: true, full: true });
    expect(JSON.parse(output)).toMatchObject({ removed: 0, seconds: expect.any(Number) });
    output = "";
    await cli().status({});
    expect(output).toMatch(/^backend {6}local \(SQLite FTS5\)\nnotes {8}4\d\d\ntranscripts {2}0\n/);
    expect(output).toMatch(
      /\nembeddings {3}off \(keywords only; see memory\.embeddings\.model\)\nindexed {6}0s ago\nindex file {3}.*memory\.db \(\d+\.\d MB\)\n$/,
    );
  });

  it("refuses bad flags and an empty query, and says how to turn memory on when it is off", async () => {
    await expect(cli().search(["x"], { limit: "0" })).rejects.toThrow(
      "--limit must be a whole number from 1 to 100",
    );
    await expect(cli().search(["x"], { limit: "two" })).rejects.toThrow(
      "--limit must be a whole number from 1 to 100",
    );
    await expect(cli().search(["  "], {})).rejects.toThrow("QUERY must hold a word to search for");
    await mkdir(join(root, ".agent-claw"), { recursive: true });
    await writeFile(join(root, ".agent-claw", "config.json"), JSON.stringify({ memory: { enabled: false } }));
    await expect(cli().status({})).rejects.toThrow(
      'Memory is off: set "memory": {"enabled": true} in config.json.',
    );
  });

  it("has help for each subcommand", () => {
    let help = "";
    const program = new Command().exitOverride().configureOutput({ writeOut: (t) => (help += t) });
    registerMemory(program);
    expect(() => program.parse(["memory", "search", "--help"], { from: "user" })).toThrow();
    expect(help).toMatch(/Usage: {1,2}.*memory search \[options\] <query\.\.\.>/);
    expect(help).toContain("--limit <n>");
    expect(help).toContain("--json");
  });
});
