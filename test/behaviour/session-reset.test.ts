// Daily and idle resets as a person notices them, on both engines: yesterday's conversation is gone
// from the model's view after 04:00, the old transcript is kept, and racing messages reset once.
import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.ts";
import { type ScriptedReply, scriptedModel } from "../../src/core/agent/testing/scripted-model.ts";
import type { ChannelContext, InboundMessage } from "../../src/core/messages.ts";
import type { SessionLifecycle } from "../../src/core/session-reset/renew-session.ts";
import { resetPolicyFor } from "../../src/core/session-reset/reset-policy.ts";
import { isMessageEntry } from "../../src/core/transcript.ts";
import { runTurn, type TurnDeps } from "../../src/core/turn/run-turn.ts";
import type { Ports } from "../../src/ports/index.ts";
import type { SessionMeta } from "../../src/ports/session-store.ts";
import { createDefaultTools } from "../../src/tools/index.ts";
import { type EngineInstance, engines } from "./engines.ts";
import { ADA_DM, fromAda } from "./ada.ts";

const TZ = "Europe/Berlin";
/** A Berlin wall-clock time in December 2026 (UTC+1). */
const berlin = (day: number, hour: number, minute = 0) => Date.UTC(2026, 11, day, hour - 1, minute);
const MINUTE = 60_000;
// One list for the whole file: the agent loop caches the tools' JSON Schemas per list.
const TOOLS = createDefaultTools({});
const MAIN = "agent:main:main";
const GROUP = "agent:main:telegram:group:-100";
const DM: ChannelContext = { ...ADA_DM, interactive: true };
const GROUP_CHAT: ChannelContext = { ...DM, chatKind: "group" };

const inbound = (text: string, over: Partial<InboundMessage> = {}): InboundMessage => fromAda(text, 0, over);

/** What the model was shown of the conversation, as "role: text" lines. */
const shown = (call: LanguageModelV4CallOptions | undefined) =>
  (call?.prompt ?? []).flatMap((m) =>
    m.role === "system" ? [] : m.content.flatMap((p) => (p.type === "text" ? [`${m.role}: ${p.text}`] : [])),
  );

describe.each(engines)("session resets on the $name engine", (engine) => {
  let instance: EngineInstance | undefined;
  beforeAll(() => engine.setup());
  afterAll(() => engine.teardown());
  afterEach(async () => {
    await instance?.cleanup();
    instance = undefined;
  });

  /**
   * Ports at `start`, a scripted model (default: "reply N"), resets by `session` config. The flush
   * before a reset is `flush` when given, the real memory flush with "memory", else skipped.
   */
  async function world(
    start: number,
    options: {
      session?: unknown;
      flush?: SessionLifecycle["flush"] | "memory";
      script?: ScriptedReply[];
    } = {},
  ) {
    const { session = {}, flush = async () => {} } = options;
    instance = await engine.open(start);
    const { ports, clock } = instance;
    const { model, calls } = scriptedModel(
      options.script ?? Array.from({ length: 20 }, (_, i) => ({ text: `reply ${i + 1}` })),
    );
    const config = configSchema.parse({ session }).session;
    const resets: string[] = [];
    // Counts the resets the engine's store really does (racing messages must cause one).
    const sessions = {
      ...ports.sessions,
      reset: (key: string, options?: { forget?: boolean }) => {
        resets.push(key);
        return ports.sessions.reset(key, options);
      },
    };
    let ids = 0;
    const deps: TurnDeps = {
      sessions,
      workspace: ports.workspace,
      clock,
      model: { ref: "test/scripted", model },
      tools: TOOLS,
      settings: { maxSteps: 4, bootstrapMaxChars: 20_000, timeZone: TZ },
      newId: () => `e${++ids}`,
      lifecycle: {
        policy: (kind) => resetPolicyFor(config, kind),
        timeZone: () => TZ,
        claims: ports.claims,
        values: ports.values,
        ...(flush !== "memory" && { flush }),
      },
    };
    const say = (
      key: string,
      text: string,
      over: { channel?: ChannelContext; turnIds?: string[]; compact?: true } = {},
    ) =>
      runTurn(deps, {
        sessionKey: key,
        messages: [inbound(text)],
        channel: over.channel ?? DM,
        ...(over.turnIds && { turnIds: over.turnIds }),
        ...(over.compact && { options: { compact: true } }),
      });
    const beat = (key: string) =>
      runTurn(deps, {
        sessionKey: key,
        messages: [inbound("heartbeat", { internal: "heartbeat" })],
        channel: DM,
      });
    return { ports, clock, calls, resets, say, beat };
  }

  const texts = async (ports: Ports, sessionId: string) =>
    (await ports.sessions.load(sessionId)).filter(isMessageEntry).map((e) => e.message.content);

  it("starts a session used yesterday evening fresh after 04:00 today, the old transcript kept", async () => {
    const { ports, clock, calls, say } = await world(berlin(6, 21));
    const evening = await say(MAIN, "My name is Ada.");
    await clock.advance(berlin(7, 3, 59) - clock.now());
    const night = await say(MAIN, "Still up.");
    expect(night.sessionId).toBe(evening.sessionId);

    await clock.advance(2 * MINUTE);
    const morning = await say(MAIN, "Good morning!");

    expect(morning.sessionId).not.toBe(evening.sessionId);
    expect(shown(calls[2])).toEqual(["user: Good morning!"]);
    expect(await texts(ports, morning.sessionId)).toEqual(["Good morning!", "reply 3"]);
    const meta = await ports.sessions.get(MAIN);
    expect(meta).toMatchObject({ sessionId: morning.sessionId, turns: 1, createdAt: clock.now() });
    // Yesterday's conversation is kept whole, listed among the session's earlier transcripts.
    expect(await ports.sessions.history(MAIN)).toEqual([
      { sessionId: evening.sessionId, endedAt: clock.now() },
    ]);
    expect(await texts(ports, evening.sessionId)).toEqual([
      "My name is Ada.",
      "reply 1",
      "Still up.",
      "reply 2",
    ]);
  });

  it("resets after idleMinutes without a person's message; heartbeats neither reset nor keep it alive", async () => {
    const { clock, calls, say, beat } = await world(berlin(7, 9), {
      session: { reset: { mode: "idle", idleMinutes: 60 } },
    });
    const first = await say(MAIN, "Remind me later.");
    await clock.advance(45 * MINUTE);
    expect((await beat(MAIN)).sessionId).toBe(first.sessionId);
    await clock.advance(30 * MINUTE);
    // 75 minutes after the person last wrote, though only 30 after the heartbeat.
    const later = await say(MAIN, "Back again.");
    expect(later.sessionId).not.toBe(first.sessionId);
    expect(shown(calls[2])).toEqual(["user: Back again."]);

    // Each message of the person opens the window again.
    await clock.advance(30 * MINUTE);
    expect((await say(MAIN, "Still here.")).sessionId).toBe(later.sessionId);
    await clock.advance(59 * MINUTE);
    expect((await say(MAIN, "And here.")).sessionId).toBe(later.sessionId);
    await clock.advance(61 * MINUTE);
    expect((await beat(MAIN)).sessionId).toBe(later.sessionId);
    await clock.advance(30 * MINUTE);
    // 91 minutes after the person's last message, 30 after the heartbeat.
    const again = await say(MAIN, "One more.");
    expect(again.sessionId).not.toBe(later.sessionId);
  });

  it("applies a per-kind override: a group idles out while the direct chat keeps its day", async () => {
    const { clock, say } = await world(berlin(7, 10), {
      session: {
        reset: { mode: "daily", atHour: 4 },
        resetByType: { group: { mode: "idle", idleMinutes: 30 } },
      },
    });
    const dm = await say(MAIN, "hello");
    const group = await say(GROUP, "hello all", { channel: GROUP_CHAT });
    await clock.advance(31 * MINUTE);
    expect((await say(MAIN, "still me")).sessionId).toBe(dm.sessionId);
    expect((await say(GROUP, "anyone?", { channel: GROUP_CHAT })).sessionId).not.toBe(group.sessionId);
  });

  it("never resets with mode off", async () => {
    const { clock, say } = await world(berlin(6, 21), { session: { reset: { mode: "off" } } });
    const first = await say(MAIN, "hi");
    await clock.advance(3 * 24 * 60 * MINUTE);
    expect((await say(MAIN, "hi again")).sessionId).toBe(first.sessionId);
  });

  it("answers a retried turn from the old transcript when its first attempt ran before 04:00", async () => {
    const { calls, clock, resets, say } = await world(berlin(7, 3, 58));
    const first = await say(MAIN, "What's the weather?", { turnIds: ["job-1"] });
    await clock.advance(3 * MINUTE);
    const retry = await say(MAIN, "What's the weather?", { turnIds: ["job-1"] });
    expect(retry).toMatchObject({ sessionId: first.sessionId, reply: "reply 1", steps: 0 });
    expect(calls).toHaveLength(1);
    expect(resets).toEqual([]);
    // The next new message starts the day.
    expect((await say(MAIN, "Thanks", { turnIds: ["job-2"] })).sessionId).not.toBe(first.sessionId);
  });

  it("has the model write the old conversation's lasting facts to memory, silently, before the fresh start", async () => {
    const { ports, clock, calls, say } = await world(berlin(6, 21), {
      flush: "memory",
      script: [
        { text: "Noted, Ada." },
        // The flush: a silent turn on yesterday's conversation.
        {
          toolCalls: [
            { name: "write", id: "w1", input: { path: "MEMORY.md", content: "- Ada likes tea\n" } },
          ],
        },
        { text: "NO_REPLY" },
        { text: "Good morning, Ada!" },
      ],
    });
    const evening = await say(MAIN, "I'm Ada and I like tea.");
    await clock.advance(berlin(7, 8) - clock.now());

    const morning = await say(MAIN, "Good morning!");

    expect(morning.reply).toBe("Good morning, Ada!");
    expect(new TextDecoder().decode((await ports.workspace.read("MEMORY.md"))!)).toBe("- Ada likes tea\n");
    // The flush saw yesterday; the new conversation sees only today, and MEMORY.md in its prompt.
    expect(shown(calls[1])).toContain("user: I'm Ada and I like tea.");
    expect(shown(calls[3])).toEqual(["user: Good morning!"]);
    const system = calls[3]?.prompt[0];
    expect(system?.role === "system" ? system.content : "").toContain("Ada likes tea");
    // The flush's messages stay in the old transcript, marked silent; the new one holds only today.
    const old = (await ports.sessions.load(evening.sessionId)).filter(isMessageEntry);
    expect(old.filter((e) => e.silent).length).toBeGreaterThan(0);
    expect(await texts(ports, morning.sessionId)).toEqual(["Good morning!", "Good morning, Ada!"]);
  });

  it("makes no memory flush when a group's conversation resets: only the owner's direct chat writes memory", async () => {
    const { calls, clock, resets, say } = await world(berlin(6, 21), { flush: "memory" });
    const evening = await say(GROUP, "Our plan: the offsite is in Lisbon.", { channel: GROUP_CHAT });
    await clock.advance(berlin(7, 8) - clock.now());

    const morning = await say(GROUP, "Good morning all", { channel: GROUP_CHAT });

    expect(resets).toEqual([GROUP]);
    expect(morning.sessionId).not.toBe(evening.sessionId);
    // Two calls, the two answers: no silent flush turn ran in between.
    expect(calls).toHaveLength(2);
    expect(shown(calls[1])).toEqual(["user: Good morning all"]);
  });

  it("compacts on /compact after the reset hour instead of starting the conversation over", async () => {
    const { clock, resets, say } = await world(berlin(6, 21));
    const evening = await say(MAIN, "I'm Ada.");
    await clock.advance(berlin(7, 8) - clock.now());

    const compacted = await say(MAIN, "/compact", { compact: true });

    expect(resets).toEqual([]);
    expect(compacted.sessionId).toBe(evening.sessionId);
  });

  it("flushes the old session to memory first, and resets once for two racing messages", async () => {
    const flushed: SessionMeta[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { ports, clock, resets, say } = await world(berlin(6, 20), {
      flush: async (old) => {
        flushed.push(old);
        await gate;
      },
    });
    const evening = await say(MAIN, "I like tea.");
    await clock.advance(berlin(7, 8) - clock.now());

    const a = say(MAIN, "morning one");
    const b = say(MAIN, "morning two");
    // The loser of the claim carries on in the conversation as it finds it; the winner waits for its flush.
    const first = await Promise.race([a, b]);
    expect(first.sessionId).toBe(evening.sessionId);
    release();
    const [ra, rb] = await Promise.all([a, b]);

    expect(resets).toEqual([MAIN]);
    expect(flushed.map((s) => s.sessionId)).toEqual([evening.sessionId]);
    const fresh = [ra, rb].find((r) => r.sessionId !== evening.sessionId);
    expect(fresh?.sessionId).toBe((await ports.sessions.get(MAIN))?.sessionId);
  });
});
