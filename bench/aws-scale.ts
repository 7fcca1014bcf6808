// aws dev at scale: many chats at once, each person sending a few messages, each once the last one was
// answered, posted from a process of its own over 40 connections as Telegram does.
// Checks that every message got exactly one reply, in order per chat, and measures the throughput and
// what bounds it: the CPU per message of this process's main thread (the emulators, the API Gateway
// front, the event source and the fake Bot API all live there) and of the functions' threads.
import { fork } from "node:child_process";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import type { RecordedCall } from "../test/fakes/telegram-bot-api.ts";
import { type AwsBenchWorld, startAwsBenchWorld } from "./aws-dev-world.ts";
import { report, type Summary, summarize } from "./stats.ts";

/** Telegram's default for a webhook's parallel connections. */
const MAX_CONNECTIONS = 40;

export interface AwsScale {
  chats: number;
  perChat: number;
  seconds: number;
  /** Replies missing, doubled or out of order (0 when correct). */
  wrong: number;
  /** Webhook acknowledgements under this load. */
  ack: Summary;
  /** This process's CPU over the run, in cores (2 = both cores of this machine busy). */
  cores: number;
  /** CPU per message of the main thread (emulators, front, event source, fakes): one core at most. */
  mainCpuMs: number;
  /** CPU per message of the other threads (the functions' environments, mostly). */
  otherCpuMs: number;
  /** CPU the machine's other processes took over the run, in cores (the poster and the fake model among them). */
  otherProcesses: number;
  /** Execution environments started (cold starts) over the run. */
  environments: { ingest: number; runner: number };
}

/** CPU time of every core since boot, idle excluded. */
function machineBusyMs(): number {
  return cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0);
}

/** The webhook poster (bench/webhook-poster.ts): `send` resolves once the webhook answered 200. */
function startPoster(world: AwsBenchWorld, acks: number[]) {
  const poster = fork(join(import.meta.dirname, "webhook-poster.ts"), [], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const { webhookUrl: url, webhookSecret: secret } = world.dev;
  poster.send({ setup: { url, secret, connections: MAX_CONNECTIONS } });
  const pending = new Map<number, { resolve(): void; reject(error: Error): void }>();
  poster.on("message", ({ id, ackMs, status }: { id: number; ackMs: number; status: number }) => {
    acks.push(ackMs);
    const call = pending.get(id);
    pending.delete(id);
    if (status === 200) call?.resolve();
    else call?.reject(world.failure(`the webhook answered ${status}`));
  });
  // A poster that died fails the calls it left unanswered (and so the bench) instead of hanging it.
  poster.once("exit", (code) => {
    for (const call of pending.values()) call.reject(world.failure(`the webhook poster exited with ${code}`));
    pending.clear();
  });
  let ids = 0;
  return {
    send: (update: unknown) =>
      new Promise<void>((resolve, reject) => {
        if (!poster.connected) return reject(world.failure("the webhook poster is gone"));
        const id = ++ids;
        pending.set(id, { resolve, reject });
        poster.send({ id, update });
      }),
    async close() {
      if (!poster.connected) return;
      const exited = new Promise((resolve) => poster.once("exit", resolve));
      poster.send({ done: true });
      await exited;
    },
  };
}

export async function benchAwsScale(options: { chats?: number; perChat?: number } = {}): Promise<AwsScale> {
  const chats = options.chats ?? 1000;
  const perChat = options.perChat ?? 5;
  const warmChats = 20;
  const world = await startAwsBenchWorld({ turns: chats * perChat + warmChats });
  const acks: number[] = [];
  const poster = startPoster(world, acks);
  const { telegram } = world;
  const message = (chatId: number, text: string) =>
    telegram.message({ chatId, from: { id: chatId, first_name: `User ${chatId}` }, text });
  try {
    // Warm-up, not counted: enough chats at once to start the ingest and runner environments.
    const warm = Array.from({ length: warmChats }, (_, w) => 9_000_000 + w);
    await Promise.all(warm.map((chatId) => poster.send(message(chatId, "hi"))));
    await telegram.waitFor(
      (c) => c.method === "sendMessage" && warm.includes(Number(c.params["chat_id"])),
      120_000,
      warmChats,
    );
    await world.dev.sqs.idle();
    acks.length = 0;
    const coldStarts = () => ({
      ingest: world.dev.lambdas.ingest.coldStarts,
      runner: world.dev.lambdas.runner.coldStarts,
    });
    const before = coldStarts();

    const chatId = (c: number) => 10_000_000 + c;
    const ours = new Set(Array.from({ length: chats }, (_, c) => chatId(c)));
    const busy0 = machineBusyMs();
    const cpu0 = process.cpuUsage();
    const main0 = process.threadCpuUsage();
    const t0 = performance.now();
    // Each person waits for the reply before writing again: messages sent back to back would be
    // answered together (collect mode, as SQS hands the runner a group's messages in one batch).
    await Promise.all(
      [...ours].map(async (id) => {
        for (let i = 0; i < perChat; i++) {
          await poster.send(message(id, `m${i}`));
          const reply = (c: RecordedCall) => c.method === "sendMessage" && c.params["chat_id"] === id;
          await telegram.waitFor(reply, 120_000, i + 1).catch(() => {
            throw world.failure(`chat ${id} got no reply to m${i} within 120 s`);
          });
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const ms = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
    const cpuMs = ms(process.cpuUsage(cpu0));
    const mainMs = ms(process.threadCpuUsage(main0));
    // Late doubles would come after the last reply: counted once the queue is empty.
    await world.dev.sqs.idle();
    const after = coldStarts();

    let wrong = 0;
    for (const id of ours) {
      const replies = world.replies(id);
      const expected = Array.from({ length: perChat }, (_, i) => `re: m${i}`);
      wrong +=
        expected.filter((text, i) => replies[i] !== text).length + Math.max(0, replies.length - perChat);
    }
    return {
      chats,
      perChat,
      seconds,
      wrong,
      ack: summarize(acks),
      cores: cpuMs / 1000 / seconds,
      otherProcesses: (machineBusyMs() - busy0) / 1000 / seconds - cpuMs / 1000 / seconds,
      mainCpuMs: mainMs / (chats * perChat),
      otherCpuMs: (cpuMs - mainMs) / (chats * perChat),
      environments: { ingest: after.ingest - before.ingest, runner: after.runner - before.runner },
    };
  } finally {
    await poster.close();
    await world.close();
  }
}

export interface AwsScaleRun {
  run: AwsScale;
  /** The run asked for, left out because the pilot's rate projected it over the budget. */
  skipped?: { chats: number; perChat: number; why: string };
}

/**
 * The issue's 1,000 chats × 5 messages when this machine can do it within `budgetSeconds`, judged from a
 * pilot run of `pilotChats`; otherwise the pilot's figures, with the projection and what bounds them.
 */
export async function benchAwsScaleWithin(
  options: { chats?: number; perChat?: number; pilotChats?: number; budgetSeconds?: number } = {},
): Promise<AwsScaleRun> {
  const chats = options.chats ?? 1000;
  const perChat = options.perChat ?? 5;
  const budgetSeconds = options.budgetSeconds ?? 180;
  const pilot = await benchAwsScale({ chats: options.pilotChats ?? 100, perChat });
  const rate = (pilot.chats * pilot.perChat) / pilot.seconds;
  const projectedSeconds = (chats * perChat) / rate;
  if (pilot.wrong > 0)
    return { run: pilot, skipped: { chats, perChat, why: "the pilot's replies are wrong" } };
  if (projectedSeconds > budgetSeconds) {
    const why = `~${projectedSeconds.toFixed(0)} s at this rate (over ${budgetSeconds} s)`;
    return { run: pilot, skipped: { chats, perChat, why } };
  }
  return { run: await benchAwsScale({ chats, perChat }) };
}

/** What the CPU figures say bounds the rate. */
function boundBy(s: AwsScale, rate: number): string {
  const cores = availableParallelism();
  if (s.otherProcesses >= 0.5) {
    return `other processes on this machine (${s.otherProcesses.toFixed(2)} cores): not this engine's figure`;
  }
  if ((s.mainCpuMs * rate) / 1000 >= 0.85) return "the main thread (the emulators, one core)";
  if (s.cores >= 0.85 * cores) return `the machine's ${cores} cores`;
  return "waiting, not CPU (the event source's 5 pollers, the runner's 5 environments)";
}

export function scaleLines({ run: s, skipped }: AwsScaleRun): string[] {
  const messages = s.chats * s.perChat;
  const rate = messages / s.seconds;
  const label = (text: string) => text.padEnd(47);
  const verdict =
    s.wrong === 0
      ? "one reply per message, in order ✓"
      : `${s.wrong} replies missing, doubled or out of order ✗`;
  const lines = [
    `${label(`aws dev: ${s.chats.toLocaleString("en")} chats × ${s.perChat} messages`)}${s.seconds.toFixed(1)} s, ${rate.toFixed(1)} messages/s, ${verdict}`,
  ];
  if (skipped) {
    lines.push(
      `${label(`  ${skipped.chats.toLocaleString("en")} chats × ${skipped.perChat}: not run`)}${skipped.why}`,
    );
  }
  lines.push(
    `${label("  CPU per message")}main thread ${s.mainCpuMs.toFixed(1)} ms (≤ ${(1000 / s.mainCpuMs).toFixed(0)} messages/s on its core), other threads ${s.otherCpuMs.toFixed(1)} ms; ${s.cores.toFixed(2)} cores busy → bound by ${boundBy(s, rate)}`,
    report("  webhook acknowledged under this load", s.ack),
  );
  return lines;
}

if (import.meta.main) {
  // `node bench/aws-scale.ts [chats] [perChat]`: that run alone, without the pilot and the budget.
  const chats = Number(process.argv[2] ?? 1000);
  const perChat = Number(process.argv[3] ?? 5);
  const run = await benchAwsScale({ chats, perChat });
  for (const line of scaleLines({ run })) process.stdout.write(`${line}\n`);
}
