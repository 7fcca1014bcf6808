// logs.tail: the gateway's recent log lines and, with `follow`, every new line as a `log` event.
import { z } from "zod";
import type { LogLine } from "../log-buffer.ts";
import { type ControlClient, type MethodContext, type MethodTable, method } from "./methods.ts";

const tailParams = z
  .object({
    afterSeq: z.number({ error: "expected a number" }).int("expected a whole number").min(0).optional(),
    limit: z
      .number({ error: "expected a number" })
      .int("expected a whole number")
      .min(1, "at least 1")
      .max(1000, "at most 1000")
      .default(200),
    follow: z.boolean({ error: "expected true or false" }).optional(),
  })
  .strict();

/** The unfollow of each connection that follows the log. */
const following = new WeakMap<ControlClient, () => void>();

/**
 * Starts sending new lines to the client: first those logged since `afterSeq` (between the answer's
 * snapshot and now), then each new one. Following twice is one follow.
 */
function follow({ gateway, client }: MethodContext, afterSeq: number): void {
  if (client.closed || following.has(client)) return;
  const send = (line: LogLine) => client.emit("log", line);
  for (const line of gateway.logs.tail({ afterSeq, limit: 1000 })) send(line);
  const stop = gateway.logs.follow(send);
  following.set(client, stop);
  client.onClose(() => unfollow(client));
}

function unfollow(client: ControlClient): void {
  following.get(client)?.();
  following.delete(client);
}

export const logsMethods: MethodTable = {
  "logs.tail": method(tailParams, (params, context) => {
    const lines = context.gateway.logs.tail({ afterSeq: params.afterSeq, limit: params.limit });
    if (params.follow === true) {
      const last = lines.at(-1)?.seq ?? params.afterSeq ?? 0;
      context.afterResponse(() => follow(context, last));
    } else if (params.follow === false) {
      unfollow(context.client);
    }
    return { lines };
  }),
};
