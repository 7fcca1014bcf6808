// A person's messages on Telegram, on every engine: one reply each, in order per chat under load,
// a retried update answered once, pairing, bot commands in session order, collect mode, and a turn
// that keeps failing ending in one apology (and, where the engine has one, the dead-letter queue).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGate, type RecordedRequest } from "../../fakes/model-script.ts";
import {
  type ChatWorld,
  freshChats,
  modelCallsAbout,
  repliesTo,
  waitForChat,
  waitForReplies,
} from "./chat-world.ts";
import { echo } from "./echo.ts";
import { worlds } from "./worlds.ts";

// aws dev under load: cold starts of several execution environments take seconds each.
describe.each(worlds)("Telegram messages on the $name engine", { timeout: 60_000 }, (kind) => {
  let world: ChatWorld;
  beforeAll(async () => {
    world = await kind.start();
  }, 60_000);
  afterAll(() => world?.close());

  const say = (chat: number, text: string) => world.post(world.telegram.message({ chatId: chat, text }));

  it("answers a message with one reply", async () => {
    const [chat] = freshChats(1) as [number];
    world.model.script([{ text: "Hello, nice to hear from you." }]);
    expect(await say(chat, `c${chat}-m0 hello`)).toBe(200);
    expect(await waitForReplies(world, chat, 1)).toEqual(["Hello, nice to hear from you."]);
    await world.quiet();
    expect(repliesTo(world, chat)).toEqual(["Hello, nice to hear from you."]);
    expect(modelCallsAbout(world, `c${chat}-m0`)).toBe(1);
  });

  it(
    "answers 20 chats writing at once, every message once and in order per chat",
    { timeout: 90_000 },
    async () => {
      const chats = freshChats(20);
      world.model.script(Array.from({ length: 60 }, () => echo));
      const statuses = await Promise.all(
        chats.map(async (chat) => {
          const codes: number[] = [];
          // Telegram sends one chat's updates one after another; chats go at once.
          for (let m = 0; m < 3; m++) codes.push(await say(chat, `c${chat}-m${m}`));
          return codes;
        }),
      );
      expect(statuses.flat().every((status) => status === 200)).toBe(true);
      // A chat's messages that arrived while its turn ran may be answered together: the last reply
      // covers the third message, and every message is covered by exactly one reply, in order.
      await Promise.all(
        chats.map((chat) =>
          waitForChat(world, chat, (replies) => replies.join(" ").includes(`c${chat}-m2`), 60_000),
        ),
      );
      await world.quiet(30_000);
      for (const chat of chats) {
        const covered = repliesTo(world, chat).flatMap((text) => text.match(/c\d+-m\d+/g) ?? []);
        expect(covered, `replies to chat ${chat}`).toEqual([`c${chat}-m0`, `c${chat}-m1`, `c${chat}-m2`]);
      }
    },
  );

  it("answers an update Telegram retries only once", async () => {
    const [chat] = freshChats(1) as [number];
    world.model.script([{ text: "Once." }, { text: "Next." }]);
    const update = world.telegram.message({ chatId: chat, text: "ping" });
    expect(await world.post(update)).toBe(200);
    await waitForReplies(world, chat, 1);
    expect(await world.post(update)).toBe(200); // Telegram did not see the 200 and sends it again
    // A later message of the chat is answered after anything queued before it: a second answer to
    // the retry would come first.
    expect(await say(chat, "and now?")).toBe(200);
    await waitForReplies(world, chat, 2);
    await world.quiet();
    expect(repliesTo(world, chat)).toEqual(["Once.", "Next."]);
    expect(modelCallsAbout(world, "ping")).toBe(1);
  });

  it("answers an update posted twice at once only once", async () => {
    const [chat] = freshChats(1) as [number];
    world.model.script([{ text: "Just once." }, { text: "Later." }]);
    const update = world.telegram.message({ chatId: chat, text: "twin" });
    expect(await Promise.all([world.post(update), world.post(update)])).toEqual([200, 200]);
    expect(await say(chat, "later")).toBe(200);
    await waitForReplies(world, chat, 2);
    await world.quiet();
    expect(repliesTo(world, chat)).toEqual(["Just once.", "Later."]);
    expect(modelCallsAbout(world, "twin")).toBe(1);
  });

  it("pairs an unknown sender: a code and no model call, then answers once the owner approves", async () => {
    const stranger = 9_101; // not in allowFrom
    const calls = world.model.requests.length;
    world.model.script([{ text: "Nice to meet you." }]);
    expect(await say(stranger, "hello?")).toBe(200);
    const [pairing] = await waitForReplies(world, stranger, 1);
    const code = /\b([A-Z0-9]{8})\b/.exec(pairing ?? "")?.[1];
    expect(code, `pairing reply: ${pairing}`).toBeDefined();
    await world.quiet();
    expect(world.model.requests).toHaveLength(calls);

    await world.approvePairing(code!);
    expect(await say(stranger, "hello again")).toBe(200);
    expect((await waitForReplies(world, stranger, 2)).at(-1)).toBe("Nice to meet you.");
    await world.quiet();
    expect(repliesTo(world, stranger)).toHaveLength(2);
    expect(world.model.requests).toHaveLength(calls + 1);
  });

  it("runs /new after the messages queued before it, and answers /status without the model", async () => {
    const [chat] = freshChats(1) as [number];
    const gate = createGate();
    world.model.script([
      { text: "About the garden.", hold: { after: 0, gate } },
      { text: "About the shed." },
      (request: RecordedRequest) => ({ text: `Seen before: ${request.messages.length - 1} messages.` }),
    ]);
    expect(await say(chat, "tell me about the garden")).toBe(200);
    await gate.reached;
    expect(await say(chat, "and the shed")).toBe(200);
    expect(await say(chat, "/new")).toBe(200);
    gate.release();
    const replies = await waitForReplies(world, chat, 3);
    expect(replies.slice(0, 2)).toEqual(["About the garden.", "About the shed."]);
    expect(replies[2]).toMatch(/new conversation/i);
    // The shed turn still saw the garden: /new did not overtake it.
    const shed = world.model.requests.find((r) => r.lastUserText === "and the shed")!;
    expect(JSON.stringify(shed.messages)).toContain("tell me about the garden");

    expect(await say(chat, "fresh start?")).toBe(200);
    expect((await waitForReplies(world, chat, 4)).at(-1)).toBe("Seen before: 0 messages.");

    const calls = world.model.requests.length;
    expect(await say(chat, "/status")).toBe(200);
    const status = (await waitForReplies(world, chat, 5)).at(-1)!;
    expect(status).toContain("Model: openai-compatible/fake");
    // The default rule: this conversation starts over at the next 04:00 in the assistant's zone.
    expect(status).toMatch(/Fresh start: \w{3} \d{1,2} \w{3}, 04:00 \(daily at 04:00, [\w/+-]+\)/);
    await world.quiet();
    expect(world.model.requests).toHaveLength(calls);
  });

  it("collects the messages that arrive while a turn runs into one turn", async () => {
    const [chat] = freshChats(1) as [number];
    const gate = createGate();
    world.model.script([{ text: "Reading.", hold: { after: 0, gate } }, echo]);
    expect(await say(chat, `c${chat}-m0`)).toBe(200);
    await gate.reached;
    expect(await say(chat, `c${chat}-m1`)).toBe(200);
    expect(await say(chat, `c${chat}-m2`)).toBe(200);
    gate.release();
    await waitForReplies(world, chat, 2);
    await world.quiet();
    expect(repliesTo(world, chat)).toEqual(["Reading.", `re c${chat}-m1 c${chat}-m2`]);
    const about = world.model.requests.filter((r) => JSON.stringify(r.messages).includes(`c${chat}-`));
    expect(about).toHaveLength(2);
  });

  it("ends a turn that keeps failing in one apology", async () => {
    const [chat] = freshChats(1) as [number];
    // Retry-After 0: the model call is retried at once, so the test waits for no backoff.
    const boom = { error: { status: 500, message: "upstream exploded", retryAfter: 0 } };
    world.model.script(Array.from({ length: 30 }, () => boom));
    expect(await say(chat, "will this work?")).toBe(200);
    const [apology] = await waitForReplies(world, chat, 1, 20_000);
    expect(apology).toMatch(/^Sorry, I could not answer this message/);
    expect(apology).not.toContain("upstream exploded");
    await world.quiet(20_000);
    expect(modelCallsAbout(world, "will this work?")).toBeGreaterThanOrEqual(2); // it was retried
    const dead = await world.deadLetters();
    if (kind.name !== "daemon") expect(JSON.stringify(dead)).toContain("will this work?");
    else expect(dead).toEqual([]);

    // The chat goes on: the next message is answered, and the failed one is not answered again.
    world.model.script([{ text: "This one works." }]);
    expect(await say(chat, "and now?")).toBe(200);
    await waitForReplies(world, chat, 2);
    await world.quiet();
    expect(repliesTo(world, chat)).toEqual([apology, "This one works."]);
  });
});
