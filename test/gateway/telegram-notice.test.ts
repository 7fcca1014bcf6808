// A notice event (the runner waking an AgentCore session) on Telegram: sent as the preview, then
// replaced by the streamed reply and the final one, never left behind as a message of its own.
import { describe, expect, it, vi } from "vitest";
import { engines } from "../behaviour/engines.ts";
import { ADA } from "./telegram-world.ts";
import {
  queuedJobs,
  settleOnClock,
  storeOutcome,
  useTelegramChannelWorld,
} from "./telegram-channel-world.ts";

const WAKING = "Waking up… (starting a fresh session, this takes a few seconds)";

describe("a notice on Telegram", () => {
  const world = useTelegramChannelWorld(
    engines.find((e) => e.name === "local")!,
    {
      channels: { telegram: { allowFrom: [String(ADA)], streaming: true } },
    },
  );
  const calls = (method: string) =>
    world.fake.sent.filter((c) => c.method === method).map((c) => String(c.params["text"]));

  it("shows the notice as the preview, then edits it into the streamed reply and the final one", async () => {
    await world.channel.accept([world.fake.message({ text: "hello" })]);
    const [job] = await queuedJobs(world);
    world.channel.onEvent([job!], { type: "notice", text: WAKING });
    await vi.waitFor(() => expect(calls("sendMessage")).toEqual([`${WAKING} …`]));

    // The first word still being typed does not replace the notice with an empty preview (a
    // preview stops before the word being typed).
    world.channel.onEvent([job!], { type: "step_start", step: 1 });
    world.channel.onEvent([job!], { type: "text_delta", text: "Here" });
    world.channel.onEvent([job!], { type: "notice", text: "a later notice is not shown over the reply" });
    world.channel.onEvent([job!], { type: "text_delta", text: " is the answer you asked for" });
    await world.instance.clock.advance(1_500);
    await vi.waitFor(() => expect(calls("editMessageText")).toEqual(["Here is the answer you asked …"]));

    const record = await storeOutcome(world, job!, "Here is the answer you asked for.");
    const delivered = await settleOnClock(world, world.channel.deliver(record, job!, [job!]));
    expect(delivered.status).toBe("fulfilled");
    // One message in the chat: the notice, edited into the reply.
    expect(calls("sendMessage")).toHaveLength(1);
    expect(calls("editMessageText").at(-1)).toBe("Here is the answer you asked for.");
  });

  it("replaces the notice with the reply when nothing streamed", async () => {
    world.config = { ...world.config, channels: { ...world.config.channels } };
    world.config.channels.telegram = { ...world.config.channels.telegram, streaming: false };
    await world.channel.accept([world.fake.message({ text: "hello" })]);
    const [job] = await queuedJobs(world);
    world.channel.onEvent([job!], { type: "notice", text: WAKING });
    await vi.waitFor(() => expect(calls("sendMessage")).toEqual([`${WAKING} …`]));
    const record = await storeOutcome(world, job!, "Done.");
    expect((await settleOnClock(world, world.channel.deliver(record, job!, [job!]))).status).toBe(
      "fulfilled",
    );
    expect(calls("sendMessage")).toHaveLength(1);
    expect(calls("editMessageText")).toEqual(["Done."]);
  });
});
