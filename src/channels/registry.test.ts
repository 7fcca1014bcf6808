// The channel registry: lookup by id, a reconnect replacing a runtime, and the 404 that names what runs.
import { describe, expect, it } from "vitest";
import type { ChannelRuntime } from "./channel.ts";
import { createChannelRegistry, unknownChannel } from "./registry.ts";

const runtime = (id: string, text: string): ChannelRuntime => ({
  id,
  webhook: async () => ({ status: 200, text }),
  accept: async () => {},
  deliver: async () => {},
  onEvent: () => {},
  prepareTurn: async (request) => request,
  runCommand: async () => text,
});

describe("the channel registry", () => {
  it("routes by id, and a stale runtime's unregister does not drop the one that replaced it", async () => {
    const registry = createChannelRegistry();
    const first = runtime("telegram", "first");
    const second = runtime("telegram", "second");
    registry.register(first);
    registry.register(second); // a reconnect
    registry.unregister(first); // the old connection stopping late
    expect(await registry.get("telegram")?.webhook(new Headers(), async () => ({}))).toEqual({
      status: 200,
      text: "second",
    });
    registry.unregister(second);
    expect(registry.get("telegram")).toBeUndefined();
  });

  it("answers an unknown id with 404 naming the webhook paths that exist", () => {
    const registry = createChannelRegistry();
    expect(unknownChannel("slack", registry)).toEqual({
      status: 404,
      text: 'no channel "slack", and none runs here',
    });
    registry.register(runtime("telegram", "ok"));
    expect(unknownChannel("slack", registry).text).toBe(
      'no channel "slack": webhooks are taken at /telegram/webhook',
    );
    expect(unknownChannel("telegram", createChannelRegistry()).text).toBe(
      "the telegram channel is not running here; check its settings under channels.telegram",
    );
  });
});
