// Streams one job's reply as OpenAI chat.completion.chunk server-sent events: live text deltas from
// the event hub while the turn runs, then whatever the stored outcome adds, then `data: [DONE]`.
// The stored outcome is the truth: the concatenated deltas always end as the reply in the outbox.
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { TurnJob } from "../core/intake/turn-job.ts";
import type { OutboxRecord } from "../ports/outbox.ts";
import type { GatewayContext } from "./gateway-context.ts";
import { chunkMaker, OUTCOME_HEADER } from "./openai-response.ts";

type Item =
  | { kind: "delta"; text: string }
  | { kind: "step" }
  | { kind: "outcome"; record: OutboxRecord }
  | { kind: "stopped" };

/** A tiny async queue: listeners push, the response loop pulls in order. */
function createFeed() {
  const items: Item[] = [];
  let wake: (() => void) | undefined;
  return {
    push(item: Item) {
      items.push(item);
      wake?.();
      wake = undefined;
    },
    clear() {
      items.length = 0;
    },
    async next(): Promise<Item> {
      while (items.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return items.shift()!;
    },
  };
}

export interface StreamOptions {
  /** The model name the client asked for, echoed in every chunk. */
  model: string;
  includeUsage: boolean;
  /** Answers a wait the gateway's shutdown cut short (nothing was streamed yet). */
  onShutdown: () => Response;
}

/**
 * Answers a `stream: true` request for `job`. A job the queue already knew (a client retry) is not
 * followed live: its reply comes as one chunk once stored. Response headers are sent with the first
 * streamed text, so a shutdown before the turn starts can still answer 503.
 */
export async function streamCompletion(
  c: Context,
  ctx: GatewayContext,
  job: TurnJob,
  options: StreamOptions,
): Promise<Response> {
  const feed = createFeed();
  let live = true;
  const unsubscribe = ctx.events.subscribe({ jobId: job.id }, ({ event }) => {
    if (!live) return;
    if (event.type === "text_delta" && event.text) feed.push({ kind: "delta", text: event.text });
    else if (event.type === "step_start") feed.push({ kind: "step" });
  });
  const stored = await ctx.assistant.ports.outbox.get(job.id);
  if (stored) {
    feed.push({ kind: "outcome", record: stored });
  } else {
    try {
      // Subscribed before submitting, so a fresh job's first delta cannot be missed. A job the queue
      // knew may be mid-turn: what it streamed before we listened is lost, so drop it all.
      live = await ctx.runner.submit(job);
      if (!live) feed.clear();
    } catch (error) {
      unsubscribe();
      throw error;
    }
    ctx.runner.outcome(job.id, AbortSignal.any([c.req.raw.signal, ctx.shutdown])).then(
      (record) => feed.push({ kind: "outcome", record }),
      () => feed.push({ kind: "stopped" }),
    );
  }
  let first = await feed.next();
  while (first.kind === "step") first = await feed.next();
  if (first.kind === "stopped") {
    unsubscribe();
    return ctx.shutdown.aborted ? options.onShutdown() : new Response(null, { status: 499 });
  }
  if (first.kind === "outcome") c.header(OUTCOME_HEADER, first.record.status);

  const chunks = chunkMaker(job.id, options.model, ctx.assistant.ports.clock.now(), options.includeUsage);
  return streamSSE(
    c,
    async (stream) => {
      const send = (data: unknown) => stream.writeSSE({ data: JSON.stringify(data) });
      try {
        await send(chunks.delta({ role: "assistant", content: "" }));
        let streamed = "";
        let newStep = false;
        for (let item: Item = first; ; item = await feed.next()) {
          if (item.kind === "step") {
            newStep = true;
          } else if (item.kind === "delta") {
            // The reply joins the text of successive steps with a blank line; the stream does too.
            const text = newStep && streamed.trim() ? `\n\n${item.text}` : item.text;
            newStep = false;
            streamed += text;
            await send(chunks.delta({ content: text }));
          } else if (item.kind === "outcome") {
            const { reply, usage } = item.record;
            const rest = reply.startsWith(streamed)
              ? reply.slice(streamed.length)
              : `${streamed ? "\n\n" : ""}${reply}`;
            if (rest) await send(chunks.delta({ content: rest }));
            await send(chunks.delta({}, "stop"));
            if (options.includeUsage) await send(chunks.usage(usage));
            await stream.writeSSE({ data: "[DONE]" });
            return;
          } else {
            if (ctx.shutdown.aborted) {
              await send({
                error: {
                  message:
                    "The gateway shut down while answering. The message stays queued and is answered after the restart: retry with the same Idempotency-Key to get the reply.",
                  type: "server_error",
                  param: null,
                  code: "shutting_down",
                },
              });
            }
            return;
          }
        }
      } finally {
        unsubscribe();
      }
    },
    async () => {
      // The client went away mid-stream; the turn goes on and its reply stays stored.
    },
  );
}
