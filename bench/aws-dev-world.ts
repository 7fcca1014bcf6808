// Shared by the serverless benches: `aws dev` (startAwsDev, the bundled handlers in dist/lambda) on a
// fresh home, with the fake model in a process of its own and the fake Bot API, all on loopback.
// Every chat is a conversation of its own (its own FIFO group), open to anyone, replies not streamed.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AwsDev, startAwsDev } from "../src/engines/aws/dev/aws-dev.ts";
import { startTelegramFake, type TelegramFake } from "../test/fakes/telegram-bot-api.ts";
import { agent, post } from "./http-client.ts";
import { startModelProcess } from "./telegram.ts";
import { fakeServicesEnv } from "../test/fakes/fake-services-env.ts";

export interface AwsBenchWorld {
  dev: AwsDev;
  telegram: TelegramFake;
  /** POSTs one update to aws dev's webhook with the secret; resolves the HTTP status. */
  postUpdate(update: unknown): Promise<number>;
  /** sendMessage calls to `chatId` so far, in arrival order. */
  replies(chatId: number): string[];
  /** An error with `message` and the handlers' last log lines, for a bench that cannot go on. */
  failure(message: string): Error;
  close(): Promise<void>;
}

/**
 * Starts aws dev for `turns` model turns (the fake model answers "re: <text>" at once); `where`: the
 * runner runs them itself (default) or in AgentCore Runtime sessions (the local stand-in).
 */
export async function startAwsBenchWorld(options: {
  turns: number;
  where?: "lambda" | "agentcore";
}): Promise<AwsBenchWorld> {
  const home = await mkdtemp(join(tmpdir(), "ac-bench-aws-"));
  const closers: Array<() => Promise<unknown>> = [() => rm(home, { recursive: true, force: true })];
  const close = async () => {
    agent.destroy();
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => {});
  };
  try {
    await writeFile(
      join(home, "config.json"),
      JSON.stringify({
        session: { dmScope: "per-channel-peer" },
        channels: { telegram: { mode: "webhook", dmPolicy: "open", streaming: false } },
      }),
    );
    const model = await startModelProcess(options.turns + 20);
    closers.push(() => model.close());
    const telegram = await startTelegramFake();
    closers.push(() => telegram.close());
    const logs: string[] = [];
    const dev = await startAwsDev({
      env: {
        AGENT_CLAW_HOME: home,
        ...fakeServicesEnv(model.url, telegram),
      },
      port: 0,
      autoSchedule: false,
      ...(options.where && { turns: options.where }),
      // The handlers' log lines are kept (the last ones are shown if a bench fails), not printed.
      log: (line) => {
        logs.push(line);
        if (logs.length > 200) logs.shift();
        if (process.env.BENCH_DEBUG) process.stderr.write(`${line}\n`);
      },
    });
    closers.push(() => dev.close());
    const sendMessages = () => telegram.sent.filter((call) => call.method === "sendMessage");
    return {
      dev,
      telegram,
      postUpdate: async (update) =>
        (
          await post(dev.webhookUrl, update, {
            "x-telegram-bot-api-secret-token": dev.webhookSecret,
          })
        ).status,
      replies: (chatId) =>
        sendMessages()
          .filter((call) => call.params["chat_id"] === chatId)
          .map((call) => String(call.params["text"])),
      failure: (message) => new Error(`${message}\nlast log lines:\n${logs.slice(-20).join("\n")}`),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
