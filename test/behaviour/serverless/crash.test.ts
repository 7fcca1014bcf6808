// A runner killed in the middle of a turn, on every engine (the daemon's process, an aws runner
// invocation): the message is taken again and still gets exactly one reply.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGate } from "../../fakes/model-script.ts";
import { type CrashWorld, freshChats, modelCallsAbout, repliesTo, waitForReplies } from "./chat-world.ts";
import { crashWorlds } from "./worlds.ts";

describe.each(crashWorlds)("a killed runner on the $name engine", (kind) => {
  let world: CrashWorld;
  beforeAll(async () => {
    world = await kind.start();
  }, 60_000);
  afterAll(() => world?.close());

  it(
    "gives exactly one reply when the runner is killed in the middle of a turn",
    { timeout: 30_000 },
    async () => {
      const [chat] = freshChats(1) as [number];
      const gate = createGate();
      world.model.script([
        { text: "Half an answer.", hold: { after: 0, gate } },
        { text: "The whole answer." },
      ]);
      try {
        expect(await world.post(world.telegram.message({ chatId: chat, text: "a long question" }))).toBe(200);
        await gate.reached;
        await world.killRunner();
        expect(await waitForReplies(world, chat, 1, 20_000)).toEqual(["The whole answer."]);
        await world.quiet(20_000);
        expect(repliesTo(world, chat)).toEqual(["The whole answer."]);
        expect(modelCallsAbout(world, "a long question")).toBe(2);
        expect(world.model.requests.find((r) => r.lastUserText === "a long question")?.aborted).toBe(true);
      } finally {
        gate.release();
      }
    },
  );
});
