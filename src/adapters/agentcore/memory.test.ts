// The AWS Memory adapter against the AgentCore Memory stand-in (real SDK client) and an S3 workspace on
// fauxqs: turns become events and, after extraction, records of their person only; heartbeats are kept
// out of extraction; notes in S3 are found with their lines, re-read when they change, merged with records;
// and the Memory contract suite passes with extraction run in settle().
import { BedrockAgentCoreClient } from "@aws-sdk/client-bedrock-agentcore";
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../../test/emulators/dynalite.ts";
import { freshBucket, s3Client, startFauxqs } from "../../../test/emulators/fauxqs.ts";
import {
  type AgentCoreMemoryEmulator,
  startAgentCoreMemoryEmulator,
} from "../../engines/aws/dev/agentcore-memory-emulator.ts";
import { FAKE_AWS } from "../../engines/aws/dev/emulators.ts";
import { memoryContract } from "../../ports/memory.contract.ts";
import type { MemoryTurn } from "../../ports/memory.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { createS3Workspace } from "../s3/workspace.ts";
import { actorNamespace, createAgentCoreMemory, memoryId } from "./memory.ts";

const MEMORY = "agent_claw_memory-Abcdef1234";

let s3emu: Emulator;
let s3: S3Client;
let stand: AgentCoreMemoryEmulator;
let client: BedrockAgentCoreClient;

beforeAll(async () => {
  [s3emu, stand] = await Promise.all([
    startFauxqs(),
    startAgentCoreMemoryEmulator({ memoryId: MEMORY, log: () => {} }),
  ]);
  s3 = s3Client(s3emu.endpoint);
  client = new BedrockAgentCoreClient({ ...FAKE_AWS, endpoint: stand.endpoint, maxAttempts: 1 });
});
afterAll(async () => {
  client?.destroy();
  s3?.destroy();
  await Promise.all([stand?.close(), s3emu?.stop()]);
});

async function open(memoryIdOverride = MEMORY) {
  const workspace = createS3Workspace({
    client: s3,
    bucket: await freshBucket(s3),
    prefix: "agents/main/workspace/",
  });
  const clock = createFakeClock();
  return {
    workspace,
    memory: createAgentCoreMemory({ client, memoryId: memoryIdOverride, workspace, clock }),
  };
}

// A fresh stand-in and bucket per test; settle() runs the extraction AgentCore would run minutes later.
memoryContract("agentcore", async () => {
  const own = await startAgentCoreMemoryEmulator({ memoryId: MEMORY, log: () => {} });
  const agentcore = new BedrockAgentCoreClient({ ...FAKE_AWS, endpoint: own.endpoint, maxAttempts: 1 });
  const workspace = createS3Workspace({
    client: s3,
    bucket: await freshBucket(s3),
    prefix: "agents/main/workspace/",
  });
  return {
    memory: createAgentCoreMemory({
      client: agentcore,
      memoryId: MEMORY,
      workspace,
      clock: createFakeClock(),
    }),
    writeNote: (path, text) => workspace.write(path, text),
    removeNote: (path) => workspace.remove(path),
    settle: async () => void (await own.extract()),
    cleanup: async () => {
      agentcore.destroy();
      await own.close();
    },
  };
});

let at = Date.UTC(2026, 11, 7, 10, 0, 0);
const turn = (actor: string, user: string, extra: Partial<MemoryTurn> = {}): MemoryTurn => ({
  sessionKey: `telegram:dm:${actor}`,
  actor,
  sessionId: "0b6f7a52-4c1e-4a57-9a1d-5d2f0e3c9b11",
  messages: [
    { role: "user", text: user },
    { role: "assistant", text: "Got it." },
  ],
  at: (at += 1000),
  ...extra,
});

describe("AgentCore Memory adapter", () => {
  it("records a turn as one event, found as a record of that person once extracted", async () => {
    const { memory } = await open();
    const told = turn("telegram:2001", "My bike is a green Brompton.");
    await memory.recordTurn(told);
    await memory.recordTurn(told); // a retried runner
    const events = stand.events().filter((e) => e.actorId === "telegram:2001");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      sessionId: told.sessionId,
      metadata: { sessionKey: { stringValue: "telegram:dm:telegram:2001" } },
      skipExtraction: false,
    });
    expect(await memory.search({ query: "Brompton bike", actor: "telegram:2001" })).toEqual([]);
    await stand.extract();
    const hits = await memory.search({ query: "what bike do I have", actor: "telegram:2001" });
    expect(hits[0]).toMatchObject({
      source: "record",
      ref: "/facts/telegram:2001/",
      snippet: "My bike is a green Brompton.",
    });
    expect(hits[0]!.id).toMatch(/^mem-/);
    // Another person, even one whose id starts the same, sees none of it.
    expect(await memory.search({ query: "Brompton bike", actor: "telegram:20011" })).toEqual([]);
    expect(await memory.search({ query: "Brompton bike" })).toEqual([]);
  });

  it("keeps internal turns (heartbeat, flush) out of long-term extraction", async () => {
    const { memory } = await open();
    await memory.recordTurn(turn("owner", "HEARTBEAT: the tangerine parcel is late", { internal: true }));
    await stand.extract();
    const event = stand.events().find((e) => JSON.stringify(e.payload).includes("tangerine"));
    expect(event).toMatchObject({ skipExtraction: true, metadata: { internal: { stringValue: "true" } } });
    expect(await memory.search({ query: "tangerine parcel" })).toEqual([]);
  });

  it("finds notes in S3 with their lines, sees a rewrite and a removal, and merges them with records", async () => {
    const { memory, workspace } = await open();
    await workspace.write(
      "MEMORY.md",
      "# People\n\nAda likes oolong tea.\n\n# Places\n\nThe office is in Leeds.\n",
    );
    await workspace.write("skills/tea/SKILL.md", "oolong brewing instructions");
    // As locally: the prompt already holds SOUL.md, and inbox/ holds files people sent, not notes.
    await workspace.write("SOUL.md", "Speak like a patient butler.\n");
    await workspace.write("inbox/letter.md", "A patient butler wrote back.\n");
    // Nor is a file over 2 MB: a log or an export, never read whole on every search.
    await workspace.write("export.md", `A patient butler in a log.\n${"x".repeat(2 * 1024 * 1024)}`);
    expect(await memory.search({ query: "patient butler" })).toEqual([]);
    const first = await memory.search({ query: "oolong" });
    expect(first).toEqual([
      expect.objectContaining({
        source: "note",
        ref: "MEMORY.md",
        lines: { from: 3, to: 3 },
        snippet: "Ada likes oolong tea.",
      }),
    ]);
    // Same size, same second: only the ETag tells the rewrite apart.
    await workspace.write(
      "MEMORY.md",
      "# People\n\nAda likes sencha tea.\n\n# Places\n\nThe office is in Leeds.\n",
    );
    expect(await memory.search({ query: "oolong" })).toEqual([]);
    expect((await memory.search({ query: "sencha" }))[0]?.snippet).toBe("Ada likes sencha tea.");
    await memory.recordTurn(turn("owner", "Sencha is best at 70 degrees."));
    await stand.extract();
    const merged = await memory.search({ query: "sencha" });
    expect(merged.map((h) => h.source).sort()).toEqual(["note", "record"]);
    await workspace.remove("MEMORY.md");
    expect((await memory.search({ query: "sencha" })).map((h) => h.source)).toEqual(["record"]);
  });

  it("reports index runs and status: notes, and records counted across people", async () => {
    const { memory, workspace } = await open();
    await workspace.write("memory/2026-12-07.md", "- walked the dog\n");
    await workspace.write("notes/trip.md", "Lisbon in May\n");
    expect(await memory.index()).toEqual({ indexed: 2, removed: 0, unchanged: 0 });
    await workspace.remove("notes/trip.md");
    expect(await memory.index()).toEqual({ indexed: 0, removed: 1, unchanged: 1 });
    expect(await memory.index({ full: true })).toEqual({ indexed: 1, removed: 0, unchanged: 0 });
    const status = await memory.status();
    expect(status).toMatchObject({
      backend: `AgentCore Memory ${MEMORY} + S3 notes`,
      notes: 1,
      transcripts: 0,
    });
    expect(status.records).toBe(stand.records().length);
    await memory.close();
    await memory.close();
  });

  it("names the memory and the setting when AgentCore does not know the memory", async () => {
    const { memory } = await open("missing_memory-Zzzzzzzzzz");
    await expect(memory.recordTurn(turn("owner", "hello"))).rejects.toThrow(
      /AgentCore Memory missing_memory-Zzzzzzzzzz could not record a turn: ResourceNotFoundException: .*AGENT_CLAW_AWS_MEMORY_ID/,
    );
  });
});

describe("AgentCore ids and namespaces", () => {
  it("keeps ids AgentCore accepts and makes distinct safe ones of the rest", () => {
    expect(memoryId("telegram:1001", "actor")).toBe("telegram:1001");
    expect(memoryId("slack:T1:U2", "actor")).toBe("slack:T1:U2");
    const web = memoryId("web:ada@example.com", "actor");
    expect(web).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_-]*$/);
    expect(web).not.toBe(memoryId("web:ada_example.com", "actor"));
    expect(memoryId("a/b", "actor")).not.toContain("/");
    expect(memoryId("agent:main:telegram", "session")).toMatch(/^agent_main_telegram-[a-f0-9]{10}$/);
    expect(memoryId("x".repeat(300), "session").length).toBeLessThanOrEqual(100);
  });

  it("resolves a template for one person up to the first variable retrieval cannot know", () => {
    expect(actorNamespace("/facts/{actorId}/", "telegram:1")).toBe("/facts/telegram:1/");
    expect(actorNamespace("/summaries/{actorId}/{sessionId}/", "owner")).toBe("/summaries/owner/");
  });
});
