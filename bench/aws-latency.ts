// aws dev, one message at a time: how long the ingest function takes to acknowledge a Telegram webhook
// call (API Gateway front → ingest → durable on the FIFO queue), and how long from that POST until the
// reply's sendMessage reaches the fake Bot API (queue → event source → runner → instant model → Telegram);
// and the CPU each part spends on a message, which a busy machine inflates far less than the times.
import { type AwsBenchWorld, startAwsBenchWorld } from "./aws-dev-world.ts";
import { report, type Summary, summarize } from "./stats.ts";

export interface AwsLatency {
  /** The webhook call's answer, at the caller. */
  ack: Summary;
  /** From the webhook POST until sendMessage arrived. */
  reply: Summary;
  /** CPU per message (p50) of the ingest and runner invocations and of aws dev's main thread. */
  cpu: { ingest: number; runner: number; main: number };
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
/** CPU so far of this process (every thread) and of its main thread alone. */
const cpuNow = () => ({ all: cpuMs(process.cpuUsage()), main: cpuMs(process.threadCpuUsage()) });

/**
 * Posts one update to `chatId`, waits for its reply (the chat's `nth` sendMessage) and for the runner to
 * finish. The CPU of threads other than the main one is the ingest invocation's until the webhook
 * answered, the runner's after (nothing else runs meanwhile).
 */
async function roundTrip(world: AwsBenchWorld, chatId: number, text: string, nth: number) {
  const cpu0 = cpuNow();
  const started = performance.now();
  const status = await world.postUpdate(
    world.telegram.message({ chatId, from: { id: chatId, first_name: `User ${chatId}` }, text }),
  );
  const ackMs = performance.now() - started;
  const cpuAck = cpuNow();
  if (status !== 200) throw world.failure(`the webhook answered ${status}`);
  await world.telegram.waitFor(
    (call) => call.method === "sendMessage" && call.params["chat_id"] === chatId,
    60_000,
    nth,
  );
  const replyMs = performance.now() - started;
  const cpuReply = cpuNow();
  const replies = world.replies(chatId);
  if (replies.length !== nth || replies.at(-1) !== `re: ${text}`) {
    throw world.failure(`chat ${chatId} got ${JSON.stringify(replies)} after "${text}"`);
  }
  await world.dev.sqs.idle();
  const cpuDone = cpuNow();
  const cpu = {
    ingest: cpuAck.all - cpuAck.main - (cpu0.all - cpu0.main),
    runner: cpuDone.all - cpuDone.main - (cpuAck.all - cpuAck.main),
    // Until the reply: the wait for the runner to end polls the queue from the main thread.
    main: cpuReply.main - cpu0.main,
  };
  return { ackMs, replyMs, cpu };
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
    const cpu = { ingest: [] as number[], runner: [] as number[], main: [] as number[] };
    for (let i = 0; i < messages; i++) {
      const c = i % chats;
      const trip = await roundTrip(world, chatId(c), `m${i}`, 2 + Math.floor(i / chats));
      acks.push(trip.ackMs);
      replies.push(trip.replyMs);
      for (const part of ["ingest", "runner", "main"] as const) cpu[part].push(trip.cpu[part]);
    }
    const p50 = (samples: number[]) => summarize(samples).p50;
    return {
      ack: summarize(acks),
      reply: summarize(replies),
      cpu: { ingest: p50(cpu.ingest), runner: p50(cpu.runner), main: p50(cpu.main) },
    };
  } finally {
    await world.close();
  }
}

export function latencyLines(figures: AwsLatency): string[] {
  return [
    report("aws dev: webhook acknowledged (ingest)", figures.ack),
    report("aws dev: update → sendMessage (instant model)", figures.reply),
    `${"aws dev: CPU per message, p50".padEnd(47)}ingest ${figures.cpu.ingest.toFixed(1)} ms   runner ${figures.cpu.runner.toFixed(1)} ms   main thread (emulators, front, event source, fakes) ${figures.cpu.main.toFixed(1)} ms`,
  ];
}

if (import.meta.main) {
  // `node bench/aws-latency.ts [messages]`
  const messages = Number(process.argv[2] ?? 100);
  for (const line of latencyLines(await benchAwsLatency({ messages }))) process.stdout.write(`${line}\n`);
}
