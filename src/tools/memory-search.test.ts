// memory_search and memory_get over the real local index: what the model reads back, and what a
// turn that is not the owner's may find and open.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFsWorkspace } from "../adapters/fs/workspace.ts";
import { createSqliteMemory, type SqliteMemory } from "../adapters/sqlite/memory-index.ts";
import { memoryView } from "../core/turn/memory-view.ts";
import { withoutPrivateFiles } from "../core/turn/private-files.ts";
import type { Workspace } from "../ports/workspace.ts";
import { createFakeClock } from "../util/fake-clock.ts";
import { createMemoryGetTool } from "./memory-get.ts";
import { createMemorySearchTool } from "./memory-search.ts";
import { toolContext } from "./testing/tool-context.ts";

describe("memory tools", () => {
  let dir: string;
  let root: string;
  let memory: SqliteMemory;
  let workspace: Workspace;
  const search = createMemorySearchTool();
  const get = createMemoryGetTool();
  const put = async (path: string, text: string) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  };
  const owner = () => ({
    ...toolContext({ workspace }),
    memory: memoryView(memory, { actor: "owner", ownerView: true }),
  });
  const guest = () => ({
    ...toolContext({ workspace: withoutPrivateFiles(workspace) }),
    memory: memoryView(memory, { actor: "telegram:2002", ownerView: false }),
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "claw-memtool-"));
    root = join(dir, "workspace");
    const clock = createFakeClock();
    memory = createSqliteMemory({ path: ":memory:", root, clock });
    workspace = createFsWorkspace({ root });
    await put("memory/2026-12-07.md", "# Monday\n\n## Health\nDentist: Dr. Okonkwo, Thursdays at 9.\n");
    await put("notes/garden.md", "# Garden\nThe dentist's hedge needs trimming.\n");
  });
  afterEach(async () => {
    await memory.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("lists hits with file:lines and snippets, best first", async () => {
    const out = await search.run({ query: "dentist Okonkwo" }, owner());
    expect(out.isError).toBeUndefined();
    expect(out.text).toMatch(/^1\. memory\/2026-12-07\.md:3-4\n {3}.*Okonkwo/);
    expect(out.text).toMatch(/\n2\. notes\/garden\.md:1-2\n/);
  });

  it("names past conversations with their day, and says plainly when nothing matches", async () => {
    await memory.recordTurn({
      sessionKey: "agent:main:main",
      sessionId: "s1",
      actor: "owner",
      at: Date.UTC(2026, 11, 1, 10),
      messages: [
        { role: "user", text: "Book the ferry to Hydra." },
        { role: "assistant", text: "Booked for Friday." },
      ],
    });
    const out = await search.run({ query: "ferry Hydra" }, owner());
    expect(out.text).toMatch(
      /^1\. conversation agent:main:main \(2026-12-01\)\n {3}user: Book the ferry to Hydra\. ⏎ assistant: Booked for Friday\./,
    );
    const none = await search.run({ query: "zeppelin" }, owner());
    expect(none).toEqual({ text: 'Nothing in memory matches "zeppelin". Try other words, or list memory/.' });
  });

  it("does not show the owner's private notes or conversations to someone else", async () => {
    await memory.recordTurn({
      sessionKey: "agent:main:main",
      sessionId: "s1",
      actor: "owner",
      at: 1,
      messages: [{ role: "user", text: "My dentist bill was 300 euros." }],
    });
    const out = await guest().memory.search({ query: "dentist" });
    expect(out.map((h) => h.ref)).toEqual(["notes/garden.md"]);
    const denied = await get.run({ path: "memory/2026-12-07.md" }, guest());
    expect(denied.isError).toBe(true);
    expect(denied.text).toMatch(/private to the owner/);
  });

  it("memory_get returns numbered lines, a range, and how to read on", async () => {
    const whole = await get.run({ path: "memory/2026-12-07.md" }, owner());
    expect(whole.text).toBe(
      "1: # Monday\n2: \n3: ## Health\n4: Dentist: Dr. Okonkwo, Thursdays at 9.\n[memory/2026-12-07.md: lines 1-4 of 4.]",
    );
    const part = await get.run({ path: "memory/2026-12-07.md:3-4", from: 3, lines: 1 }, owner());
    expect(part.text).toBe(
      "3: ## Health\n[memory/2026-12-07.md: lines 3-3 of 4. 1 more; call again with from 4.]",
    );
  });

  it("memory_get refuses what is not a note, past the end, missing, or outside", async () => {
    await put("data.json", "{}");
    const cases: Array<[Parameters<typeof get.run>[0], RegExp]> = [
      [{ path: "data.json" }, /reads Markdown notes \(\.md\); use read/],
      [{ path: "notes/garden.md", from: 9 }, /has 2 lines; from must be at most 2/],
      [{ path: "notes/nope.md" }, /No note at "notes\/nope\.md"/],
      [{ path: "../outside.md" }, /outside|workspace/],
    ];
    for (const [input, message] of cases) {
      const out = await get.run(input, owner());
      expect(out.isError, JSON.stringify(input)).toBe(true);
      expect(out.text).toMatch(message);
    }
  });

  it("validates its input with messages the model can act on, and explains a missing memory", async () => {
    expect(search.input.safeParse({ query: "   " }).error?.issues[0]?.message).toBe(
      "query must not be empty",
    );
    expect(search.input.safeParse({ query: "x", limit: 99 }).error?.issues[0]?.message).toBe(
      "limit is at most 25",
    );
    expect(await search.run({ query: "x" }, toolContext({ workspace }))).toEqual({
      text: "Memory search is not set up here.",
      isError: true,
    });
  });
});
