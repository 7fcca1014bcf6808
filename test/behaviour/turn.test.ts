// Whole turns over real ports, as a person would notice them, run once per engine (local and aws).
// The model is scripted in-process; everything else (storage, tools, queue) is the engine's own.
import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ModelCallError } from "../../src/core/agent/model-call-error.ts";
import { type ScriptedReply, scriptedModel } from "../../src/core/agent/testing/scripted-model.ts";
import type { ChannelContext, InboundMessage } from "../../src/core/messages.ts";
import { isMessageEntry } from "../../src/core/transcript.ts";
import { INTERRUPTED_TOOL_RESULT } from "../../src/core/transcript-repair.ts";
import { runTurn, type TurnDeps, type TurnResult } from "../../src/core/turn/run-turn.ts";
import { ensureWorkspace } from "../../src/core/workspace/ensure-workspace.ts";
import type { Ports } from "../../src/ports/index.ts";
import type { QueueDelivery } from "../../src/ports/queue.ts";
import { createDefaultTools } from "../../src/tools/index.ts";
import { type EngineInstance, engines } from "./engines.ts";
import { fromAda } from "./ada.ts";

/** Sunday 22 November 2026, 20:00 UTC: already Monday morning in Tokyo. */
const START = Date.UTC(2026, 10, 22, 20, 0, 0);
const TIME_ZONE = "Asia/Tokyo";
// One list for the whole file: the agent loop caches the tools' JSON Schemas per list.
const TOOLS = createDefaultTools({});
const DM: ChannelContext = { channel: "cli", chatKind: "dm", description: "terminal", interactive: false };

const decode = (bytes: Uint8Array | null) => (bytes === null ? null : new TextDecoder().decode(bytes));

/** A direct message from the same person; ids default to a counter so dedupe ids stay unique. */
function inbound(text: string, over: Partial<InboundMessage> = {}): InboundMessage {
  return fromAda(text, START, over);
}

/** The conversation part of a model request, one readable line per part. */
function conversation(call: LanguageModelV4CallOptions | undefined): string[] {
  return (call?.prompt ?? []).flatMap((message) => {
    if (message.role === "system") return [];
    return message.content.map((part) => {
      if (part.type === "text") return `${message.role}: ${part.text}`;
      if (part.type === "tool-call") return `tool-call ${part.toolName}#${part.toolCallId}`;
      if (part.type === "tool-result") {
        const output = part.output as { type: string; value?: unknown };
        return `tool-result ${part.toolName}#${part.toolCallId} ${output.type}: ${String(output.value)}`;
      }
      return `${message.role}: <${part.type}>`;
    });
  });
}

const systemPrompt = (call: LanguageModelV4CallOptions | undefined) => {
  const first = call?.prompt[0];
  return first?.role === "system" ? first.content : "";
};

describe.each(engines)("a turn on the $name engine", (engine) => {
  let instance: EngineInstance | undefined;
  beforeAll(() => engine.setup());
  afterAll(() => engine.teardown());
  afterEach(async () => {
    await instance?.cleanup();
    instance = undefined;
  });

  async function open(): Promise<Ports> {
    instance = await engine.open(START);
    return instance.ports;
  }

  /** Ports plus a scripted model: `turn(key, ...texts)` runs one turn for those messages. */
  function assistant(ports: Ports, replies: ScriptedReply[], settings: Partial<TurnDeps["settings"]> = {}) {
    const { model, calls } = scriptedModel(replies);
    let ids = 0;
    const deps: TurnDeps = {
      sessions: ports.sessions,
      workspace: ports.workspace,
      clock: ports.clock,
      model: { ref: "test/scripted", model },
      tools: TOOLS,
      settings: { maxSteps: 8, bootstrapMaxChars: 20_000, timeZone: TIME_ZONE, ...settings },
      newId: () => `e${++ids}`,
    };
    const turnWith = (
      sessionKey: string,
      messages: InboundMessage[],
      turnIds?: string[],
    ): Promise<TurnResult> =>
      runTurn(deps, { sessionKey, messages, channel: DM, ...(turnIds ? { turnIds } : {}) });
    const turn = (sessionKey: string, ...texts: string[]) =>
      turnWith(
        sessionKey,
        texts.map((text) => inbound(text)),
      );
    return { calls, turn, turnWith };
  }

  it("answers a first turn on a fresh workspace, with SOUL.md and the local date in the prompt", async () => {
    const ports = await open();
    expect(await ensureWorkspace(ports.workspace)).toContain("SOUL.md");
    const soul = decode(await ports.workspace.read("SOUL.md"))?.trim();
    expect(soul).toMatch(/^# SOUL\.md/);
    const { calls, turn } = assistant(ports, [{ text: "Hello Ada, how can I help?" }]);

    const result = await turn("agent:main:main", "hi");

    expect(result).toMatchObject({ reply: "Hello Ada, how can I help?", stopReason: "done", steps: 1 });
    expect(calls).toHaveLength(1);
    const system = systemPrompt(calls[0]);
    expect(system).toContain(soul);
    expect(system).toContain("Monday, 23 November 2026, 05:00 (Asia/Tokyo, GMT+9)");
    expect(conversation(calls[0])).toEqual(["user: hi"]);
  });

  it("sends the session's earlier exchange in its next turn, and keeps other sessions apart", async () => {
    const ports = await open();
    const { calls, turn } = assistant(ports, [
      { text: "Nice to meet you, Ada." },
      { text: "You are Ada." },
      { text: "I do not know yet." },
    ]);

    await turn("agent:main:main", "My name is Ada.");
    const second = await turn("agent:main:main", "What is my name?");
    const other = await turn("agent:main:telegram:dm:7", "What is my name?");

    expect(second.reply).toBe("You are Ada.");
    expect(conversation(calls[1])).toEqual([
      "user: My name is Ada.",
      "assistant: Nice to meet you, Ada.",
      "user: What is my name?",
    ]);
    expect(other.sessionId).not.toBe(second.sessionId);
    expect(conversation(calls[2])).toEqual(["user: What is my name?"]);
  });

  it("writes a file with the write tool and reads it back with read, in the engine's workspace", async () => {
    const ports = await open();
    const { calls, turn } = assistant(ports, [
      {
        toolCalls: [
          { name: "write", id: "w1", input: { path: "notes/todo.md", content: "buy milk\nbread\n" } },
        ],
      },
      { toolCalls: [{ name: "read", id: "r1", input: { path: "notes/todo.md" } }] },
      { text: "Your list: buy milk, bread." },
    ]);

    const result = await turn("agent:main:main", "Note: buy milk and bread. Then read it back.");

    expect(result).toMatchObject({ reply: "Your list: buy milk, bread.", steps: 3, stopReason: "done" });
    expect(decode(await ports.workspace.read("notes/todo.md"))).toBe("buy milk\nbread\n");
    expect(conversation(calls[2])).toEqual([
      "user: Note: buy milk and bread. Then read it back.",
      "tool-call write#w1",
      "tool-result write#w1 text: Created notes/todo.md: wrote 15 bytes.",
      "tool-call read#r1",
      "tool-result read#r1 text: buy milk\nbread",
    ]);
    const transcript = (await ports.sessions.load(result.sessionId)).filter(isMessageEntry);
    expect(transcript.map((e) => e.message.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "assistant",
      "tool",
      "assistant",
    ]);
  });

  it("answers a dangling tool call from a crashed turn as interrupted, and the next turn succeeds", async () => {
    const ports = await open();
    const session = await ports.sessions.open("agent:main:main");
    // A turn that died after the model asked for a tool and before its result was written.
    await ports.sessions.append(session.sessionId, [
      { type: "message", id: "c1", at: START, message: { role: "user", content: "What is in my notes?" } },
      {
        type: "message",
        id: "c2",
        at: START,
        message: {
          role: "assistant",
          content: [
            { type: "tool-call", toolCallId: "crashed-1", toolName: "list", input: { path: "notes" } },
          ],
        },
      },
    ]);
    const { calls, turn } = assistant(ports, [{ text: "Sorry, I was cut off. Let me try again." }]);

    const result = await turn("agent:main:main", "Hello?");

    expect(result.reply).toBe("Sorry, I was cut off. Let me try again.");
    expect(conversation(calls[0])).toEqual([
      "user: What is in my notes?",
      "tool-call list#crashed-1",
      `tool-result list#crashed-1 error-text: ${INTERRUPTED_TOOL_RESULT}`,
      "user: Hello?",
    ]);
  });

  it("fails the turn on a model error and keeps the user's message for the next turn", async () => {
    const ports = await open();
    const { calls, turn } = assistant(ports, [
      { error: new Error("upstream overloaded") },
      { text: "Back now. You asked about the weather." },
    ]);

    const failed = turn("agent:main:main", "What is the weather?");
    await expect(failed).rejects.toBeInstanceOf(ModelCallError);
    await expect(failed).rejects.toThrow("upstream overloaded");

    const session = await ports.sessions.get("agent:main:main");
    const transcript = (await ports.sessions.load(session!.sessionId)).filter(isMessageEntry);
    expect(transcript.map((e) => e.message)).toEqual([{ role: "user", content: "What is the weather?" }]);
    await turn("agent:main:main", "Are you there?");
    expect(conversation(calls[1])).toEqual(["user: What is the weather?", "user: Are you there?"]);
  });

  it("records turns, tokens and the time of the last turn on the session", async () => {
    const ports = await open();
    const { turn } = assistant(ports, [
      { text: "One.", usage: { input: 120, output: 30 } },
      { toolCalls: [{ name: "list", id: "l1", input: { path: "" } }] }, // scripted usage: 10 in, 5 out
      { text: "Two.", usage: { input: 200, output: 40 } },
    ]);

    await turn("agent:main:main", "first");
    await instance!.clock.advance(60_000);
    const second = await turn("agent:main:main", "second");

    expect(second.usage).toEqual({ inputTokens: 210, outputTokens: 45 });
    expect(await ports.sessions.get("agent:main:main")).toMatchObject({
      turns: 2,
      usage: { inputTokens: 330, outputTokens: 75 },
      createdAt: START,
      updatedAt: START + 60_000,
    });
  });

  it("drains the durable intake queue: one reply per turn, in order per session, nothing left", async () => {
    const ports = await open();
    const ada = "agent:main:telegram:dm:42";
    const bob = "agent:main:telegram:dm:99";
    const sent: Array<[string, InboundMessage]> = [
      [ada, inbound("one")],
      [ada, inbound("two")],
      [bob, inbound("only", { chat: { id: "99", kind: "dm" }, sender: { id: "99" } })],
      [ada, inbound("three")],
    ];
    for (const [group, message] of sent) {
      const dedupeId = `${message.channel}:${message.account}:${message.id}`;
      expect(await ports.queue.enqueue({ group, dedupeId, body: message })).toBe(true);
    }
    const script = Array.from({ length: 4 }, (_, i) => ({ text: `reply ${i + 1}` }));
    const { calls, turnWith } = assistant(ports, script);

    // What the gateway's runner does: receive, run one turn per group with everything received for it, ack.
    const turns: Array<{ key: string; texts: string[]; reply: string }> = [];
    const received: QueueDelivery[] = [];
    for (let round = 0; round < 10; round++) {
      const batch = await ports.queue.receive({ max: 10, visibilityMs: 30_000 });
      if (batch.length === 0) break;
      received.push(...batch);
      const byGroup = new Map<string, QueueDelivery[]>();
      for (const d of batch) byGroup.set(d.group, [...(byGroup.get(d.group) ?? []), d]);
      for (const [key, deliveries] of byGroup) {
        const messages = deliveries.map((d) => d.body as InboundMessage);
        const result = await turnWith(key, messages);
        turns.push({ key, texts: messages.map((m) => m.text), reply: result.reply });
        for (const d of deliveries) await ports.queue.ack(d);
      }
    }

    // Nothing left, not even in flight: putting back every receipt revives only unacked messages.
    for (const d of received) await ports.queue.retry(d, 0);
    expect(await ports.queue.receive({ max: 10, visibilityMs: 30_000 })).toEqual([]);
    // Each turn made one model call and gave one reply, whatever the batch sizes were.
    expect(calls).toHaveLength(turns.length);
    expect(turns.map((t) => t.reply)).toEqual(turns.map((_, i) => `reply ${i + 1}`));
    expect(turns.filter((t) => t.key === ada).flatMap((t) => t.texts)).toEqual(["one", "two", "three"]);
    expect(turns.filter((t) => t.key === bob).flatMap((t) => t.texts)).toEqual(["only"]);
    // The transcripts agree: Ada's messages in order, and exactly the replies of her turns.
    const adaSession = await ports.sessions.get(ada);
    const adaTranscript = (await ports.sessions.load(adaSession!.sessionId)).filter(isMessageEntry);
    expect(
      adaTranscript
        .filter((e) => e.message.role === "user")
        .map((e) => e.message.content)
        .join("\n\n"),
    ).toBe("one\n\ntwo\n\nthree");
    expect(adaTranscript.filter((e) => e.message.role === "assistant").map((e) => e.message.content)).toEqual(
      turns.filter((t) => t.key === ada).map((t) => t.reply),
    );
    expect(adaSession?.turns).toBe(turns.filter((t) => t.key === ada).length);
  });

  it("shows the model an image saved from the message, for this turn only, when image input is on", async () => {
    const ports = await open();
    const png = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3]);
    await ports.workspace.write("inbox/telegram/2026-11-23/7-photo.png", png);
    const photo = inbound("What is this?", {
      attachments: [{ kind: "image", fileId: "f1", path: "inbox/telegram/2026-11-23/7-photo.png" }],
    });
    const seen = assistant(ports, [{ text: "A tiny PNG." }, { text: "Still a PNG." }], { imageInput: true });
    const result = await seen.turnWith("agent:main:main", [photo]);
    await seen.turn("agent:main:main", "And now?");

    const files = (call: LanguageModelV4CallOptions | undefined) =>
      (call?.prompt ?? []).flatMap((m) =>
        m.role === "user" ? m.content.filter((p) => p.type === "file") : [],
      );
    expect(files(seen.calls[0])).toEqual([
      { type: "file", data: { type: "data", data: png }, mediaType: "image/png" },
    ]);
    expect(files(seen.calls[1])).toEqual([]); // later turns only have the text
    const transcript = (await ports.sessions.load(result.sessionId)).filter(isMessageEntry);
    expect(transcript[0]?.message).toEqual({ role: "user", content: "What is this?" });

    const blind = assistant(ports, [{ text: "I only read text." }], { imageInput: false });
    await blind.turnWith("agent:main:other", [photo]);
    expect(files(blind.calls[0])).toEqual([]);
  });

  describe("retries of accepted messages (turn ids)", () => {
    const key = "agent:main:main";

    it("answers a retry of a finished turn from the transcript, without calling the model again", async () => {
      const ports = await open();
      const { calls, turnWith } = assistant(ports, [
        { text: "It is sunny.", usage: { input: 50, output: 7 } },
      ]);
      const message = inbound("Weather?");

      const first = await turnWith(key, [message], ["job-a"]);
      const retry = await turnWith(key, [message], ["job-a"]);

      expect(calls).toHaveLength(1);
      expect(retry).toMatchObject({
        reply: first.reply,
        usage: { inputTokens: 50, outputTokens: 7 },
        steps: 0,
      });
      const transcript = (await ports.sessions.load(first.sessionId)).filter(isMessageEntry);
      expect(transcript.filter((e) => e.message.role === "user")).toHaveLength(1);
    });

    it("continues a failed attempt and also answers a new message batched in with the retry", async () => {
      const ports = await open();
      const { calls, turnWith } = assistant(ports, [
        { error: new Error("upstream overloaded") },
        { text: "Sunny, and yes: bring a hat." },
      ]);
      const weather = inbound("Weather?");
      const hat = inbound("Do I need a hat?");

      await expect(turnWith(key, [weather], ["job-a"])).rejects.toThrow("upstream overloaded");
      const retry = await turnWith(key, [weather, hat], ["job-a", "job-b"]);

      expect(retry.reply).toBe("Sunny, and yes: bring a hat.");
      // Each message reaches the model once: the first from the failed attempt, the second added now.
      expect(conversation(calls[1])).toEqual(["user: Weather?", "user: Do I need a hat?"]);
    });

    it("delivers a finished attempt's undelivered answer together with the answer to a new message", async () => {
      const ports = await open();
      const { calls, turnWith } = assistant(ports, [
        { text: "It is sunny.", usage: { input: 50, output: 7 } },
        { text: "Yes, bring a hat.", usage: { input: 80, output: 5 } },
      ]);
      const weather = inbound("Weather?");

      await turnWith(key, [weather], ["job-a"]); // finished, then the process died before delivering it
      const retry = await turnWith(key, [weather, inbound("Do I need a hat?")], ["job-a", "job-b"]);

      expect(retry.reply).toBe("It is sunny.\n\nYes, bring a hat.");
      expect(retry.usage).toEqual({ inputTokens: 130, outputTokens: 12 });
      expect(conversation(calls[1])).toEqual([
        "user: Weather?",
        "assistant: It is sunny.",
        "user: Do I need a hat?",
      ]);
    });

    it("asks again when a failed attempt was overtaken by another turn, instead of taking that turn's answer", async () => {
      const ports = await open();
      const { calls, turnWith } = assistant(ports, [
        { error: new Error("upstream overloaded") },
        { text: "Hello Ada." },
        { text: "It is sunny." },
      ]);
      const weather = inbound("Weather?");

      await expect(turnWith(key, [weather], ["job-a"])).rejects.toThrow("upstream overloaded");
      await turnWith(key, [inbound("Hi!")], ["job-c"]);
      const retry = await turnWith(key, [weather], ["job-a"]);

      expect(retry.reply).toBe("It is sunny.");
      expect(conversation(calls[2])).toEqual([
        "user: Weather?",
        "user: Hi!",
        "assistant: Hello Ada.",
        "user: Weather?",
      ]);
    });

    it("refuses turn ids that do not match the messages one to one", async () => {
      const ports = await open();
      const { turnWith } = assistant(ports, [{ text: "unused" }]);
      await expect(turnWith(key, [inbound("a"), inbound("b")], ["job-a"])).rejects.toThrow(
        "1 turn ids for 2 messages",
      );
    });
  });
});
