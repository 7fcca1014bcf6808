// Memory on every engine: what a person told the assistant in one message is found by memory_search
// in a later one, and so is a note in the workspace; another person's search does not find the fact. On AWS the fact comes back as a record AgentCore extracted (settleMemory runs
// the extraction the service would run minutes later); on the daemon from its index of past turns.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedRequest } from "../../fakes/model-script.ts";
import { freshChats, type ScheduleWorld, waitForReplies } from "./chat-world.ts";
import { worlds } from "./worlds.ts";

/** What the memory_search tool answered in the request that followed its call. */
const toolOutputs = (request: RecordedRequest | undefined) =>
  (request?.messages ?? []).flatMap((m) => m.toolResults.map((r) => r.output));

describe.each(worlds)("memory on the $name engine", { timeout: 60_000 }, (kind) => {
  let world: ScheduleWorld;
  beforeAll(async () => {
    world = await kind.start();
  }, 60_000);
  afterAll(() => world?.close());

  const say = (chat: number, text: string) => world.post(world.telegram.message({ chatId: chat, text }));

  it("finds a fact told in an earlier message, for that person only", async () => {
    const [ada, bob] = freshChats(2) as [number, number];
    world.model.script([{ text: "Noted." }]);
    expect(await say(ada, "My sister Ines lives in Porto and plays the cello.")).toBe(200);
    expect(await waitForReplies(world, ada, 1)).toEqual(["Noted."]);
    await world.quiet();
    await world.settleMemory();
    await world.writeWorkspace("notes/music.md", "# Music\n\nThe cello teacher comes on Tuesdays.\n");

    const search = (query: string) => [
      { toolCalls: [{ name: "memory_search", input: { query } }] },
      (request: RecordedRequest) => ({ text: `found ${toolOutputs(request).length}` }),
    ];
    world.model.script(search("sister cello"));
    expect(await say(ada, "Who plays the cello?")).toBe(200);
    await waitForReplies(world, ada, 2);
    await world.quiet();
    const own = toolOutputs(world.model.requests.at(-1));
    expect(own).toHaveLength(1);
    expect(own[0]).toContain("Ines lives in Porto and plays the cello");
    expect(own[0]).toContain("notes/music.md");

    world.model.script(search("sister cello"));
    expect(await say(bob, "Who plays the cello?")).toBe(200);
    await waitForReplies(world, bob, 1);
    await world.quiet();
    expect(toolOutputs(world.model.requests.at(-1)).join("\n")).not.toContain("Ines");
  });
});
