// Telegram through the webhook: 1,000 updates across 100 chats (each chat waits for its reply
// before writing again, as a person does), checking one reply per update, in order per chat; and
// the time the gateway takes to acknowledge each webhook call.
import { fork, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTelegramFake } from "../test/fakes/telegram-bot-api.ts";
import { agent, post as postJson } from "./http-client.ts";
import { type Summary, summarize } from "./stats.ts";
import { type GatewayProcess, startGatewayProcess, stopProcess } from "./gateway-process.ts";

const SECRET = "bench-webhook-secret-0123456789";
/** Telegram's default for a webhook's parallel connections. */
const MAX_CONNECTIONS = 40;

/** The fake model in its own process (bench/fake-model-process.ts): its URL, and how to stop it. */
export async function startModelProcess(turns: number): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, "fake-model-process.ts"), String(turns)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(out.trim());
    });
    child.once("exit", (code) => reject(new Error(`the fake model exited with ${code}`)));
  });
  return {
    url,
    close: () => stopProcess(child),
  };
}

export interface TelegramFigures {
  ack: Summary;
  updates: number;
  chats: number;
  seconds: number;
  /** Replies that were missing, doubled or out of order (0 when correct). */
  wrong: number;
}

export async function benchTelegram(
  options: { chats?: number; perChat?: number } = {},
): Promise<TelegramFigures> {
  const chats = options.chats ?? 100;
  const perChat = options.perChat ?? 10;
  const model = await startModelProcess(chats * perChat + 10);
  const telegram = await startTelegramFake();
  const home = await mkdtemp(join(tmpdir(), "ac-bench-tg-"));
  const agentHome = join(home, ".agent-claw");
  await mkdir(agentHome, { recursive: true });
  await writeFile(
    join(agentHome, "config.json"),
    JSON.stringify({
      // The shipped lane cap (4) unless BENCH_LANES says otherwise: Telegram's rate limits, not
      // the lanes, bound this run's throughput.
      ...(process.env.BENCH_LANES && { lanes: { maxConcurrent: Number(process.env.BENCH_LANES) } }),
      // 100 people, each in a conversation of their own.
      session: { dmScope: "per-channel-peer" },
      channels: { telegram: { mode: "webhook", webhookSecret: SECRET, dmPolicy: "open", streaming: false } },
    }),
  );
  let gateway: GatewayProcess | undefined;
  try {
    gateway = await startGatewayProcess({
      home,
      agentHome,
      modelUrl: model.url,
      env: { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.url },
    });
    const { url } = gateway;
    const post = (update: unknown) =>
      postJson(`${url}/telegram/webhook`, update, { "x-telegram-bot-api-secret-token": SECRET });
    // Warm-up, as in the gateway bench: the first turns load the model provider and compile the hot
    // paths; ten chats of their own, not counted.
    await Promise.all(
      Array.from({ length: 10 }, async (_, w) => {
        const chatId = 4_000_000 + w;
        await post(telegram.message({ chatId, from: { id: chatId, first_name: "Warm-up" }, text: "hi" }));
        await telegram.waitFor(
          (call) => call.method === "sendMessage" && call.params["chat_id"] === chatId,
          60_000,
        );
      }),
    );
    const acks: number[] = [];
    const t0 = performance.now();
    // The webhook calls come from a process of its own (bench/webhook-poster.ts), over at most 40
    // connections as Telegram makes them (setWebhook's max_connections default).
    const poster = fork(join(import.meta.dirname, "webhook-poster.ts"), [], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    poster.send({ setup: { url: `${url}/telegram/webhook`, secret: SECRET, connections: MAX_CONNECTIONS } });
    // A failed call fails its chat's send (and so the bench), through the finally below: a throw in
    // this listener would end the process and leave the gateway and the fakes running.
    const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
    poster.on("message", ({ id, ackMs, status }: { id: number; ackMs: number; status: number }) => {
      acks.push(ackMs);
      const call = pending.get(id);
      pending.delete(id);
      if (status === 200) call?.resolve();
      else call?.reject(new Error(`webhook answered ${status}`));
    });
    let ids = 0;
    const send = (update: unknown) =>
      new Promise<void>((resolve, reject) => {
        const id = ++ids;
        pending.set(id, { resolve, reject });
        poster.send({ id, update });
      });
    await Promise.all(
      Array.from({ length: chats }, async (_, c) => {
        const chatId = 5_000_000 + c;
        for (let i = 0; i < perChat; i++) {
          await send(
            telegram.message({ chatId, from: { id: chatId, first_name: `User ${c}` }, text: `m${i}` }),
          );
          await telegram.waitFor(
            (call) => call.method === "sendMessage" && call.params["chat_id"] === chatId,
            60_000,
            i + 1,
          );
        }
      }),
    );
    poster.send({ done: true });
    await new Promise((resolve) => poster.once("exit", resolve));
    const seconds = (performance.now() - t0) / 1000;
    let wrong = 0;
    for (let c = 0; c < chats; c++) {
      const chatId = 5_000_000 + c;
      const replies = telegram.sent
        .filter((call) => call.method === "sendMessage" && call.params["chat_id"] === chatId)
        .map((call) => String(call.params["text"]));
      const expected = Array.from({ length: perChat }, (_, i) => `re: m${i}`);
      wrong +=
        expected.filter((text, i) => replies[i] !== text).length + Math.max(0, replies.length - perChat);
    }
    return { ack: summarize(acks), updates: chats * perChat, chats, seconds, wrong };
  } finally {
    await gateway?.stop();
    agent.destroy();
    await telegram.close();
    await model.close();
    await rm(home, { recursive: true, force: true });
  }
}
