// The channels a process runs, by id: the gateway and the Lambdas route `POST /<id>/webhook` and
// deliver outcomes through here, so adding a platform means registering one more runtime.
import type { ChannelRuntime } from "./channel.ts";
import { CHANNEL_IDS } from "./index.ts";

export interface ChannelRegistry {
  /** Contract: replaces a runtime registered before under the same id (a reconnect). */
  register(runtime: ChannelRuntime): void;
  /** Contract: removes `runtime` only if it is still the one registered (a late stop cannot drop its successor). */
  unregister(runtime: ChannelRuntime): void;
  get(id: string): ChannelRuntime | undefined;
  ids(): string[];
}

export function createChannelRegistry(): ChannelRegistry {
  const runtimes = new Map<string, ChannelRuntime>();
  return {
    register(runtime) {
      runtimes.set(runtime.id, runtime);
    },
    unregister(runtime) {
      if (runtimes.get(runtime.id) === runtime) runtimes.delete(runtime.id);
    },
    get: (id) => runtimes.get(id),
    ids: () => [...runtimes.keys()],
  };
}

/** The webhook answer for an id no runtime is registered under: says which ones there are. */
export function unknownChannel(id: string, registry: ChannelRegistry): { status: 404; text: string } {
  const running = registry.ids();
  const known = CHANNEL_IDS.includes(id);
  return {
    status: 404,
    text: known
      ? `the ${id} channel is not running here; check its settings under channels.${id}`
      : running.length === 0
        ? `no channel "${id}", and none runs here`
        : `no channel "${id}": webhooks are taken at ${running.map((r) => `/${r}/webhook`).join(", ")}`,
  };
}
