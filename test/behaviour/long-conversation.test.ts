// Long conversations against the fake OpenAI server, on both engines: a fact stated early survives
// compaction (in the summary and in the memory the silent flush wrote), a provider's context-length
// error leads to one compaction and an answer, a tool call is never split from its result, and
// /compact compacts on demand. The fake model has a real limit: a request over it gets OpenAI's error.
import { createOpenAI } from "@ai-sdk/openai";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createSqliteMemory } from "../../src/adapters/sqlite/memory-index.ts";
import { SUMMARY_INSTRUCTIONS } from "../../src/core/context/summarise.ts";
import type { InboundMessage } from "../../src/core/messages.ts";
import { type CompactionEntry, isMessageEntry, type TranscriptEntry } from "../../src/core/transcript.ts";
import {
  INTERRUPTED_TOOL_RESULT,
  SUMMARY_HEADING,
  visibleEntries,
} from "../../src/core/transcript-repair.ts";
import { NOTHING_TO_COMPACT } from "../../src/core/turn/compact-on-request.ts";
import { flushSessionMemory } from "../../src/core/turn/flush-session.ts";
import { runTurn, type TurnDeps } from "../../src/core/turn/run-turn.ts";
import type { Ports } from "../../src/ports/index.ts";
import { createDefaultTools } from "../../src/tools/index.ts";
import type { FakeMessage, RecordedRequest, ScriptedReply } from "../fakes/model-script.ts";
import { type FakeModelServer, startOpenAIChatFake } from "../fakes/openai-chat-server.ts";
import { type EngineInstance, engines } from "./engines.ts";
import { ADA_DM, fromAda } from "./ada.ts";

const START = Date.UTC(2026, 11, 7, 9, 0, 0);
const TOOLS = createDefaultTools({ memory: true });
const DM = ADA_DM;
const FACT = "My favourite colour is teal and my sister Inga was born on 3 March.";
const DAY_NOTE = "memory/2026-12-07.md";

const inbound = (text: string): InboundMessage => fromAda(text, START);

/** Filler that makes a conversation long without saying anything worth remembering. */
const filler = (i: number) => `Message ${i}: ${"the weather report again, nothing new to note; ".repeat(24)}`;

/** Characters of a request as the fake counts them (everything the model would read). */
function requestChars(request: RecordedRequest): number {
  const parts = (m: FakeMessage) =>
    m.text.length +
    m.toolCalls.reduce((n, c) => n + JSON.stringify(c.input).length, 0) +
    m.toolResults.reduce((n, r) => n + r.output.length, 0);
  return (request.system?.length ?? 0) + request.messages.reduce((n, m) => n + parts(m), 0);
}

/**
 * A fake model with a context limit of `limitTokens` (4 characters a token): over it, OpenAI's
 * context_length_exceeded error. It summarises by keeping the sentences that state facts, flushes
 * memory by writing those sentences to today's note, and otherwise answers briefly, reporting the
 * prompt's real size as its usage.
 */
function limitedModel(limitTokens: number) {
  const facts = (text: string) => text.match(/[^.\n]*(favourite|born on)[^.\n]*\./g) ?? [];
  const log = { overflows: 0, summaries: 0, flushes: 0, answers: 0 };
  const reply = (request: RecordedRequest): ScriptedReply => {
    const tokens = Math.ceil(requestChars(request) / 4);
    if (tokens > limitTokens) {
      log.overflows++;
      return {
        error: {
          status: 400,
          message: `This model's maximum context length is ${limitTokens} tokens. However, your messages resulted in ${tokens} tokens. Please reduce the length of the messages.`,
          type: "invalid_request_error",
          code: "context_length_exceeded",
        },
      };
    }
    const usage = { inputTokens: tokens, outputTokens: 20 };
    if (request.system?.includes(SUMMARY_INSTRUCTIONS.slice(0, 60))) {
      log.summaries++;
      const found = [...new Set(facts(request.lastUserText ?? ""))];
      return { text: `The person chatted about the weather. ${found.join(" ")}`, usage };
    }
    const last = request.messages.at(-1);
    if (request.lastUserText?.startsWith("[Memory flush")) {
      if (last?.role === "tool") return { text: "NO_REPLY", usage };
      log.flushes++;
      const all = request.messages.map((m) => m.text).join("\n");
      const found = [...new Set(facts(all))];
      return {
        toolCalls: [{ name: "write", input: { path: DAY_NOTE, content: `# Notes\n${found.join("\n")}\n` } }],
        usage,
      };
    }
    if (last?.role === "user" && last.text.includes("What is my favourite colour?")) {
      return { toolCalls: [{ name: "memory_search", input: { query: "favourite colour" } }], usage };
    }
    if (last?.role === "tool" && request.messages.at(-2)?.toolCalls[0]?.name === "memory_search") {
      return { text: `From memory: ${last.toolResults[0]!.output}`, usage };
    }
    if (last?.role === "user" && last.text.includes("list your files")) {
      return { toolCalls: [{ name: "list", input: {} }], usage };
    }
    log.answers++;
    return { text: `Noted (${request.messages.length} messages).`, usage };
  };
  return { log, script: Array.from({ length: 2_000 }, () => reply) };
}

describe.each(engines)("a long conversation on the $name engine", (engine) => {
  let instance: EngineInstance | undefined;
  let fake: FakeModelServer | undefined;
  beforeAll(() => engine.setup());
  afterAll(() => engine.teardown());
  afterEach(async () => {
    await instance?.cleanup();
    await fake?.close();
    instance = undefined;
    fake = undefined;
  });

  async function world(limitTokens: number, contextWindow: number) {
    instance = await engine.open(START);
    const ports: Ports = instance.ports;
    // The local memory index over this workspace (the aws engine's AgentCore memory has its own tests).
    const memory =
      engine.name === "local"
        ? createSqliteMemory({ path: ":memory:", root: ports.workspace.location, clock: ports.clock })
        : undefined;
    if (memory) onTestFinished(() => memory.close());
    const model = limitedModel(limitTokens);
    fake = await startOpenAIChatFake({ script: model.script });
    let ids = 0;
    const deps: TurnDeps = {
      sessions: ports.sessions,
      workspace: ports.workspace,
      clock: ports.clock,
      model: {
        ref: "openai/gpt-fake",
        model: createOpenAI({ baseURL: fake.url, apiKey: "k" }).chat("gpt-fake"),
      },
      tools: TOOLS,
      settings: {
        maxSteps: 8,
        bootstrapMaxChars: 20_000,
        timeZone: "Europe/Berlin",
        compaction: {
          contextWindow,
          atPercent: 80,
          keepRecentPercent: 25,
          toolResultMaxPercent: 30,
          memoryFlush: true,
        },
      },
      newId: () => `e${++ids}`,
      ...(memory && { memory }),
    };
    const key = "agent:main:main";
    const turn = (text: string, options?: { compact: true }) =>
      runTurn(deps, { sessionKey: key, messages: [inbound(text)], channel: DM, ...(options && { options }) });
    const transcript = async (): Promise<TranscriptEntry[]> =>
      ports.sessions.load((await ports.sessions.get(key))!.sessionId);
    const note = async () => {
      const bytes = await ports.workspace.read(DAY_NOTE);
      return bytes ? new TextDecoder().decode(bytes) : null;
    };
    return { ports, deps, model, fake: fake, turn, transcript, note };
  }

  // The DynamoDB store is held to the same entries by the overflow and flush tests; the rest would
  // only repeat them, at ten times the time, so on aws they are not defined at all.
  const localOnly = (name: string, test: () => Promise<void>) => {
    if (engine.name !== "aws") it(name, test);
  };

  const compactions = (entries: TranscriptEntry[]) =>
    entries.filter((e): e is CompactionEntry => e.type === "compaction");

  localOnly(
    "keeps a fact stated early through compaction: in the summary, in today's note, found by memory_search",
    async () => {
      const w = await world(8_000, 6_000);
      const results = [await w.turn(FACT)];
      for (let i = 1; i <= 14; i++) results.push(await w.turn(filler(i)));
      const last = await w.turn("What is my favourite colour?");

      // memory_search finds it in the note the flush wrote, though the message itself is long gone.
      expect(last.reply).toMatch(
        /^From memory: 1\. memory\/2026-12-07\.md:\d+-\d+\n.*favourite colour is teal/,
      );
      const entries = await w.transcript();
      const made = compactions(entries);
      expect(made.length).toBeGreaterThan(0);
      expect(made.every((c) => c.reason === "threshold")).toBe(true);
      expect(made.at(-1)!.summary).toContain("favourite colour is teal");
      expect(await w.note()).toContain("favourite colour is teal");
      expect(w.model.log.overflows).toBe(0);
      // The last request carries the summary, not the first message itself.
      const request = w.fake.requests.at(-1)!;
      expect(request.messages[0]!.text).toContain(SUMMARY_HEADING);
      expect(request.messages.some((m) => m.text === FACT)).toBe(false);
      // The flush is in the transcript for the record, marked silent, and never reached a reply.
      const flushes = entries.filter((e) => isMessageEntry(e) && e.silent);
      expect(flushes.length).toBeGreaterThan(0);
      // The turns that compacted report what the flush and the summary cost, apart from their own usage.
      const silent = results.flatMap((r) => (r.silentUsage ? [r.silentUsage] : []));
      expect(silent).toHaveLength(made.length);
      expect(silent.every((s) => s.flush!.inputTokens > 0 && s.compaction!.inputTokens > 0)).toBe(true);
    },
  );

  it("answers after one compaction when the provider says the prompt is too long", async () => {
    // The configured window is twice what the model takes: only the provider's error can tell.
    const w = await world(5_000, 10_000);
    await w.turn(FACT);
    for (let i = 1; i <= 4; i++) await w.turn(filler(i));
    expect(w.model.log.overflows).toBe(0);
    for (let i = 5; w.model.log.overflows === 0 && i < 30; i++) await w.turn(filler(i));
    const entries = await w.transcript();
    const made = compactions(entries);
    expect(made).toHaveLength(1);
    expect(made[0]!.reason).toBe("overflow");
    expect(made[0]!.summary).toContain("favourite colour is teal");
    // The overflowed request was answered after the compaction: the last entry is the model's answer.
    const lastEntry = entries.at(-1)!;
    expect(lastEntry.type === "message" && lastEntry.message.role).toBe("assistant");
    const next = await w.turn("And now?");
    expect(next.reply).toMatch(/^Noted/);
    expect(await w.note()).toContain("favourite colour is teal");
  });

  localOnly("never splits a tool call from its result when it compacts", async () => {
    const w = await world(8_000, 6_000);
    for (let i = 1; i <= 16; i++) {
      await w.turn(i % 2 ? "Please list your files." : filler(i));
    }
    const entries = await w.transcript();
    expect(compactions(entries).length).toBeGreaterThan(0);
    // What the model sees now: every tool result has its call before it, every call its result.
    const { messages } = visibleEntries(entries);
    const calls = new Set<string>();
    const results = new Set<string>();
    for (const { message } of messages) {
      if (message.role === "assistant" && Array.isArray(message.content)) {
        for (const part of message.content) if (part.type === "tool-call") calls.add(part.toolCallId);
      }
      if (message.role === "tool") {
        for (const part of message.content) {
          if (part.type !== "tool-result") continue;
          expect(calls.has(part.toolCallId)).toBe(true);
          results.add(part.toolCallId);
        }
      }
    }
    expect([...calls].every((id) => results.has(id))).toBe(true);
    const first = messages[0]!;
    expect(first.message.role).not.toBe("tool");
    // No request ever needed a stand-in result for a call whose result was cut away.
    for (const request of w.fake.requests) {
      for (const m of request.messages)
        expect(m.toolResults.some((r) => r.output === INTERRUPTED_TOOL_RESULT)).toBe(false);
    }
  });

  localOnly(
    "/compact compacts on demand, after the flush, and the next turn starts from the summary",
    async () => {
      const w = await world(50_000, 50_000);
      expect((await w.turn("/compact", { compact: true })).reply).toBe(NOTHING_TO_COMPACT);
      await w.turn(FACT);
      for (let i = 1; i <= 3; i++) await w.turn(`Short message ${i}.`);
      const result = await w.turn("/compact", { compact: true });

      expect(result.reply).toMatch(/^Compacted this conversation/);
      expect(result.reply).toContain(`Saved to memory first: ${DAY_NOTE}`);
      const entries = await w.transcript();
      const [made] = compactions(entries);
      expect(made?.reason).toBe("command");
      expect(made?.summary).toContain("favourite colour is teal");
      // The command's own text is not part of the conversation.
      expect(entries.some((e) => isMessageEntry(e) && e.message.content === "/compact")).toBe(false);
      await w.turn("Hello again.");
      expect(w.fake.requests.at(-1)!.messages[0]!.text).toContain(SUMMARY_HEADING);
    },
  );

  it("flushes the old conversation's facts to memory before a reset, silently", async () => {
    const w = await world(50_000, 50_000);
    await w.turn(FACT);
    const old = (await w.ports.sessions.get("agent:main:main"))!;
    const before = w.fake.requests.length;

    const usage = await flushSessionMemory(w.deps, old);

    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(await w.note()).toContain("favourite colour is teal");
    expect(w.fake.requests.length).toBe(before + 2);
    const entries = await w.transcript();
    const flush = entries.filter((e) => isMessageEntry(e) && e.silent);
    expect(flush.map((e) => isMessageEntry(e) && e.message.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "assistant",
    ]);
    // A session where nothing was said costs no call.
    await w.ports.sessions.reset("agent:main:main");
    const fresh = (await w.ports.sessions.get("agent:main:main"))!;
    expect(await flushSessionMemory(w.deps, fresh)).toEqual({ inputTokens: 0, outputTokens: 0 });
    expect(w.fake.requests.length).toBe(before + 2);
  });
});
