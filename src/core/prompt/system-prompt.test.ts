import { describe, expect, it } from "vitest";
import { createMemoryWorkspace } from "../../tools/testing/memory-workspace.ts";
import { capFile, loadBootstrapFiles } from "./bootstrap-files.ts";
import { buildSystemPrompt, formatLocalTime } from "./system-prompt.ts";

const base = {
  tools: [
    { name: "read", description: "Reads a file.\nMore detail." },
    { name: "exec", description: "Runs a command." },
  ],
  now: Date.UTC(2026, 10, 22, 9, 30),
  timeZone: "Europe/Berlin",
  channel: { channel: "cli", chatKind: "dm" as const, description: "the terminal", interactive: true },
  workspaceLocation: "/home/ada/.agent-claw/workspace",
  sessionKey: "agent:main:main",
  modelRef: "anthropic/claude-x",
  maxChars: 20_000,
};

describe("system prompt", () => {
  it("contains the workspace files in order, the tools, the local time and the channel", async () => {
    const ws = createMemoryWorkspace({
      "SOUL.md": "Be warm and brief.",
      "AGENTS.md": "Always write notes.",
      "USER.md": "Ada, in Berlin.",
      "EMPTY.md": "",
      "HEARTBEAT.md": "   \n",
    });
    const files = await loadBootstrapFiles(ws, { maxChars: 20_000, includePrivate: true });
    expect(files.map((f) => f.name)).toEqual(["AGENTS.md", "SOUL.md", "USER.md"]);
    const prompt = buildSystemPrompt({ ...base, files });
    expect(prompt.indexOf("### AGENTS.md\nAlways write notes.")).toBeLessThan(
      prompt.indexOf("### SOUL.md\nBe warm and brief."),
    );
    expect(prompt).toContain("- read: Reads a file.");
    expect(prompt).not.toContain("More detail.");
    // Last, so that all before it stays the same from turn to turn for the providers' prompt caches.
    expect(
      prompt.endsWith("\n\n## Current date and time\nSunday, 22 November 2026, 10:30 (Europe/Berlin, GMT+1)"),
    ).toBe(true);
    expect(prompt).toContain("You are talking through the terminal (a direct chat)");
    expect(prompt).toContain("session=agent:main:main channel=cli model=anthropic/claude-x");
  });

  it("keeps MEMORY.md out of group chats", async () => {
    const ws = createMemoryWorkspace({ "MEMORY.md": "Ada's PIN hint: blue", "SOUL.md": "hi" });
    expect(
      (await loadBootstrapFiles(ws, { maxChars: 1000, includePrivate: true })).map((f) => f.name),
    ).toContain("MEMORY.md");
    expect(
      (await loadBootstrapFiles(ws, { maxChars: 1000, includePrivate: false })).map((f) => f.name),
    ).toEqual(["SOUL.md"]);
  });

  it("cuts a long file, keeping head and tail, and tells the model", async () => {
    const long = `HEAD-${"a".repeat(5000)}${"b".repeat(5000)}-TAIL`;
    const ws = createMemoryWorkspace({ "MEMORY.md": long });
    const files = await loadBootstrapFiles(ws, { maxChars: 1000, includePrivate: true });
    const memory = files[0]!;
    expect(memory.originalChars).toBe(long.length);
    expect(memory.content.startsWith("HEAD-")).toBe(true);
    expect(memory.content.endsWith("-TAIL")).toBe(true);
    expect(memory.content).toMatch(/\[\.\.\. 9010 characters omitted here \.\.\.\]/);
    const prompt = buildSystemPrompt({ ...base, files, maxChars: 1000 });
    expect(prompt).toContain(
      `[Note: MEMORY.md has ${long.length} characters and was cut to 1000 here; read the file for the rest.]`,
    );
    expect(capFile("short", 10)).toEqual({ content: "short", cut: false });
  });

  it("says when nobody can approve actions", () => {
    const prompt = buildSystemPrompt({
      ...base,
      files: [],
      channel: {
        channel: "telegram",
        chatKind: "group",
        description: "Telegram group 'Family'",
        interactive: false,
      },
    });
    expect(prompt).toContain("a group chat: several people may read your replies");
    expect(prompt).toContain("Nobody can approve actions here");
  });

  it("says what the engine cannot do, and speaks of commands only where there is exec", () => {
    const unattended = { ...base.channel, interactive: false };
    const local = buildSystemPrompt({ ...base, files: [], channel: unattended });
    expect(local).toContain(
      "Nobody can approve actions here; commands outside the allowlist will be refused.",
    );
    const limits = "This assistant runs serverless: there is no shell.";
    const serverless = buildSystemPrompt({
      ...base,
      tools: base.tools.filter((t) => t.name !== "exec"),
      files: [],
      channel: unattended,
      engineLimits: limits,
    });
    expect(serverless).toContain(
      `## Runtime\nsession=agent:main:main channel=cli model=anthropic/claude-x\n${limits}`,
    );
    expect(serverless).toContain("Nobody can approve actions here.");
    expect(serverless).not.toContain("allowlist");
    expect(local).not.toContain(limits);
  });

  it("tells the model to search its memory only where memory_search is offered", () => {
    const withMemory = buildSystemPrompt({
      ...base,
      files: [],
      tools: [...base.tools, { name: "memory_search", description: "Search your memory." }],
    });
    expect(withMemory).toContain("call memory_search: it searches these notes and past conversations");
    expect(withMemory).toContain("MEMORY.md (lasting facts) or memory/YYYY-MM-DD.md (daily notes)");
    expect(buildSystemPrompt({ ...base, files: [] })).not.toContain("call memory_search");
  });

  it("falls back to UTC for an unknown time zone", () => {
    expect(formatLocalTime(Date.UTC(2026, 0, 1, 12, 0), "Mars/Olympus")).toMatch(
      /^Thursday, 1 January 2026, 12:00 \(UTC, GMT(\+0)?\)$/,
    );
  });
});
