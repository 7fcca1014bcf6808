// logs.tail: the gateway's recent log lines and, with `follow`, every new line as a `log` event.
import { z } from "zod";
import type { LogLine } from "../log-buffer.ts";
import { createFollowers, type MethodContext, type MethodTable, method } from "./methods.ts";

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

const followers = createFollowers();

/**
 * Starts sending new lines to the client: first those logged since `afterSeq` (between the answer's
 * snapshot and now), then each new one. Following twice is one follow.
 */
function follow({ gateway, client }: MethodContext, afterSeq: number): void {
  followers.follow(client, () => {
    const send = (line: LogLine) => client.emit("log", line);
    for (const line of gateway.logs.tail({ afterSeq, limit: 1000 })) send(line);
    return gateway.logs.follow(send);
  });
}

export const logsMethods: MethodTable = {
  "logs.tail": method(tailParams, (params, context) => {
    const lines = context.gateway.logs.tail({ afterSeq: params.afterSeq, limit: params.limit });
    if (params.follow === true) {
      const last = lines.at(-1)?.seq ?? params.afterSeq ?? 0;
      context.afterResponse(() => follow(context, last));
    } else if (params.follow === false) {
      followers.unfollow(context.client);
    }
    return { lines };
  }),
};
