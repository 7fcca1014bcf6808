// The AgentCore Memory stand-in through the real BedrockAgentCoreClient: events stored and listed,
// extraction on demand into resolved namespaces (SKIP honoured, retries kept once), retrieval by prefix,
// and AgentCore's errors (ValidationException 400, ResourceNotFoundException 404) as the SDK raises them.
import {
  BedrockAgentCoreClient,
  CreateEventCommand,
  DeleteMemoryRecordCommand,
  ListEventsCommand,
  ListMemoryRecordsCommand,
  RetrieveMemoryRecordsCommand,
} from "@aws-sdk/client-bedrock-agentcore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentCoreMemoryEmulator, startAgentCoreMemoryEmulator } from "./agentcore-memory-emulator.ts";
import { FAKE_AWS } from "./emulators.ts";

const MEMORY = "agent_claw_memory-Abcdef1234";
const AT = Date.UTC(2026, 11, 7, 9, 30, 0);

describe("AgentCore Memory stand-in", () => {
  let memory: AgentCoreMemoryEmulator;
  let client: BedrockAgentCoreClient;
  const logs: string[] = [];

  beforeAll(async () => {
    memory = await startAgentCoreMemoryEmulator({
      memoryId: MEMORY,
      strategies: [
        { id: "facts-Abcdef1234", namespaces: ["/facts/{actorId}/"] },
        { id: "summary-Abcdef1234", namespaces: ["/summaries/{actorId}/{sessionId}/"] },
      ],
      now: () => AT + 60_000,
      log: (line) => logs.push(line),
    });
    client = new BedrockAgentCoreClient({ ...FAKE_AWS, endpoint: memory.endpoint, maxAttempts: 1 });
  });
  afterAll(async () => {
    client?.destroy();
    await memory?.close();
  });

  const turn = (actorId: string, sessionId: string, text: string, extra: Record<string, unknown> = {}) =>
    new CreateEventCommand({
      memoryId: MEMORY,
      actorId,
      sessionId,
      eventTimestamp: new Date(AT),
      payload: [
        { conversational: { role: "USER", content: { text } } },
        { conversational: { role: "ASSISTANT", content: { text: "Noted." } } },
      ],
      ...extra,
    });

  it("stores an event (201) and lists it back with its payload and timestamp", async () => {
    const created = await client.send(
      turn("telegram:1001", "s-1", "My sister Ines lives in Porto.", {
        metadata: { sessionKey: { stringValue: "main" } },
      }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.event?.eventId).toMatch(/^[0-9]+#[a-f0-9]+$/);
    expect(created.event?.eventTimestamp?.getTime()).toBe(AT);
    const listed = await client.send(
      new ListEventsCommand({
        memoryId: MEMORY,
        actorId: "telegram:1001",
        sessionId: "s-1",
        includePayloads: true,
      }),
    );
    expect(listed.events?.map((e) => e.payload?.[0]?.conversational?.content?.text)).toEqual([
      "My sister Ines lives in Porto.",
    ]);
    expect(listed.events?.[0]?.metadata).toEqual({ sessionKey: { stringValue: "main" } });
  });

  it("extracts only when asked, into each strategy's resolved namespaces, and skips SKIP events", async () => {
    await client.send(
      turn("telegram:1001", "s-1", "HEARTBEAT check of the inbox", { extractionMode: "SKIP" }),
    );
    const before = await client.send(
      new RetrieveMemoryRecordsCommand({
        memoryId: MEMORY,
        namespace: "/facts/telegram:1001/",
        searchCriteria: { searchQuery: "sister Porto" },
      }),
    );
    expect(before.memoryRecordSummaries).toEqual([]);
    expect(await memory.extract()).toBe(4); // two messages of one event, two strategies
    const namespaces = memory.records().map((r) => r.namespaces[0]);
    expect(new Set(namespaces)).toEqual(new Set(["/facts/telegram:1001/", "/summaries/telegram:1001/s-1/"]));
    expect(memory.records().some((r) => r.text.includes("HEARTBEAT"))).toBe(false);
    const found = await client.send(
      new RetrieveMemoryRecordsCommand({
        memoryId: MEMORY,
        namespace: "/facts/telegram:1001/",
        searchCriteria: { searchQuery: "Where does my sister live?", topK: 3 },
      }),
    );
    const top = found.memoryRecordSummaries?.[0];
    expect(top?.content?.text).toBe("My sister Ines lives in Porto.");
    expect(top?.score).toBeGreaterThan(0);
    expect(top?.createdAt?.getTime()).toBe(AT + 60_000);
  });

  it("keeps a retried event (same clientToken) once, and one person's records from another's prefix", async () => {
    const again = () =>
      turn("telegram:10012", "s-2", "I am allergic to peanuts.", { clientToken: "t".repeat(40) });
    const first = await client.send(again());
    const second = await client.send(again());
    expect(second.event?.eventId).toBe(first.event?.eventId);
    await memory.extract();
    const listed = await client.send(
      new ListMemoryRecordsCommand({ memoryId: MEMORY, namespace: "/facts/" }),
    );
    expect(listed.memoryRecordSummaries?.filter((r) => r.content?.text?.includes("peanuts"))).toHaveLength(1);
    const ada = await client.send(
      new RetrieveMemoryRecordsCommand({
        memoryId: MEMORY,
        namespace: "/facts/telegram:1001/",
        searchCriteria: { searchQuery: "allergic peanuts" },
      }),
    );
    expect(ada.memoryRecordSummaries).toEqual([]);
  });

  it("pages ListMemoryRecords and deletes a record", async () => {
    const page = await client.send(
      new ListMemoryRecordsCommand({ memoryId: MEMORY, namespace: "/", maxResults: 2 }),
    );
    expect(page.memoryRecordSummaries).toHaveLength(2);
    expect(page.nextToken).toBeTruthy();
    const id = page.memoryRecordSummaries![0]!.memoryRecordId!;
    const deleted = await client.send(
      new DeleteMemoryRecordCommand({ memoryId: MEMORY, memoryRecordId: id }),
    );
    expect(deleted.memoryRecordId).toBe(id);
    expect(memory.records().some((r) => r.memoryRecordId === id)).toBe(false);
    await expect(
      client.send(new DeleteMemoryRecordCommand({ memoryId: MEMORY, memoryRecordId: id })),
    ).rejects.toMatchObject({ name: "ResourceNotFoundException", $metadata: { httpStatusCode: 404 } });
  });

  it("answers bad input and unknown memories as AgentCore does", async () => {
    await expect(client.send(turn("bad actor!", "s-1", "x"))).rejects.toMatchObject({
      name: "ValidationException",
      $metadata: { httpStatusCode: 400 },
      message: expect.stringMatching(/Value at 'actorId' failed to satisfy constraint/),
    });
    await expect(
      client.send(
        new RetrieveMemoryRecordsCommand({
          memoryId: MEMORY,
          namespace: "/facts/{actorId}/",
          searchCriteria: { searchQuery: "x" },
        }),
      ),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringMatching(/unresolved template/),
    });
    await expect(
      client.send(
        new RetrieveMemoryRecordsCommand({ memoryId: MEMORY, searchCriteria: { searchQuery: "x" } }),
      ),
    ).rejects.toMatchObject({ name: "ValidationException", message: expect.stringMatching(/namespace/) });
    await expect(
      client.send(
        new ListEventsCommand({ memoryId: "other_memory-Zzzzzzzzzz", actorId: "a", sessionId: "b" }),
      ),
    ).rejects.toMatchObject({ name: "ResourceNotFoundException", $metadata: { httpStatusCode: 404 } });
  });
});
