// aws dev, one message at a time: how long the ingest function takes to acknowledge a Telegram webhook
// call (API Gateway front → ingest → durable on the FIFO queue), and how long from that POST until the
// reply's sendMessage reaches the fake Bot API (queue → event source → runner → instant model → Telegram).
import { type AwsBenchWorld, startAwsBenchWorld } from "./aws-dev-world.ts";
import { report, type Summary, summarize } from "./stats.ts";

export interface AwsLatency {
  /** The webhook call's answer, at the caller. */
  ack: Summary;
  /** From the webhook POST until sendMessage arrived. */
  reply: Summary;
}

/** Posts one update to `chatId` and waits for its reply (the chat's `nth` sendMessage). */
async function roundTrip(world: AwsBenchWorld, chatId: number, text: string, nth: number) {
  const started = performance.now();
  const status = await world.postUpdate(
    world.telegram.message({ chatId, from: { id: chatId, first_name: `User ${chatId}` }, text }),
  );
  const ackMs = performance.now() - started;
  if (status !== 200) throw world.failure(`the webhook answered ${status}`);
  await world.telegram.waitFor(
    (call) => call.method === "sendMessage" && call.params["chat_id"] === chatId,
    60_000,
    nth,
  );
  const replyMs = performance.now() - started;
  const replies = world.replies(chatId);
  if (replies.length !== nth || replies.at(-1) !== `re: ${text}`) {
    throw world.failure(`chat ${chatId} got ${JSON.stringify(replies)} after "${text}"`);
  }
  return { ackMs, replyMs };
}

/** `messages` round trips, one after another, over `chats` chats in turn (after a warm-up per chat). */
export async function benchAwsLatency(
  options: { messages?: number; chats?: number } = {},
): Promise<AwsLatency> {
  const messages = options.messages ?? 100;
  const chats = options.chats ?? 10;
  const world = await startAwsBenchWorld({ turns: messages + chats });
  try {
    const chatId = (c: number) => 8_000_000 + c;
    // Warm-up, not counted: the first calls start the functions' environments (cold starts) and
    // compile the hot paths; every chat's first turn creates its session.
    for (let c = 0; c < chats; c++) await roundTrip(world, chatId(c), "hello", 1);
    const acks: number[] = [];
    const replies: number[] = [];
    for (let i = 0; i < messages; i++) {
      const c = i % chats;
      const { ackMs, replyMs } = await roundTrip(world, chatId(c), `m${i}`, 2 + Math.floor(i / chats));
      acks.push(ackMs);
      replies.push(replyMs);
    }
    await world.dev.sqs.idle();
    return { ack: summarize(acks), reply: summarize(replies) };
  } finally {
    await world.close();
  }
}

export function latencyLines(figures: AwsLatency): string[] {
  return [
    report("aws dev: webhook acknowledged (ingest)", figures.ack),
    report("aws dev: update → sendMessage (instant model)", figures.reply),
  ];
}

if (import.meta.main) {
  // `node bench/aws-latency.ts [messages]`
  const messages = Number(process.argv[2] ?? 100);
  for (const line of latencyLines(await benchAwsLatency({ messages }))) process.stdout.write(`${line}\n`);
}
