// The serverless engine as a ChatWorld: `aws dev` started programmatically (the bundled handlers in
// Lambda-like environments, the emulators, the SQS event source, the local Scheduler), against the
// fake Bot API and a fake model. The handlers run on real time; the Scheduler fires when told to.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { expect } from "vitest";
import { FIRE_EARLY_MS } from "../../../src/core/cron/cron-service.ts";
import { systemTimeZone } from "../../../src/engines/assistant-settings.ts";
import { configFromEnv } from "../../../src/engines/aws/config-from-env.ts";
import { type AwsDev, startAwsDev } from "../../../src/engines/aws/dev/aws-dev.ts";
import { sqsClient } from "../../../src/engines/aws/dev/emulators.ts";
import { createEngineCron } from "../../../src/engines/engine-cron.ts";
import { startOpenAIChatFake } from "../../fakes/openai-chat-server.ts";
import { startTelegramFake } from "../../fakes/telegram-bot-api.ts";
import { type CrashWorld, type ScheduleWorld, SECRET, telegramSettings } from "./chat-world.ts";
import { fakeServicesEnv } from "../../fakes/fake-services-env.ts";

const OWNER_SCOPE = { kind: "owner" } as const;

export interface AwsWorld extends ScheduleWorld, CrashWorld {
  readonly dev: AwsDev;
  /** The functions' log lines, oldest first. */
  readonly logs: string[];
}

export interface AwsWorldOptions {
  config?: Record<string, unknown>;
  /**
   * How long a killed runner's message stays hidden, which is also the runner's timeout (default 60 s:
   * turns of many chats in one batch are not cut short under load).
   */
  visibilitySeconds?: number;
  /** Where the runner runs turns: its Lambda (default) or AgentCore Runtime sessions (the local stand-in). */
  turns?: "lambda" | "agentcore";
}

/** Starts aws dev on a temporary home; close() stops everything and removes the home. */
export async function startAwsWorld(options: AwsWorldOptions = {}): Promise<AwsWorld> {
  const config = options.config ?? {};
  const home = await mkdtemp(join(tmpdir(), "ac-behaviour-aws-"));
  const [model, telegram] = await Promise.all([startOpenAIChatFake(), startTelegramFake()]);
  await writeFile(
    join(home, "config.json"),
    JSON.stringify({ channels: { telegram: telegramSettings() }, ...config }),
  );
  const logs: string[] = [];
  const dev = await startAwsDev({
    env: {
      AGENT_CLAW_HOME: home,
      ...fakeServicesEnv(model.url, telegram),
      PATH: process.env.PATH ?? "",
      TZ: "UTC",
    },
    port: 0,
    visibilitySeconds: options.visibilitySeconds ?? 60,
    // A failed turn is tried again at once.
    retrySeconds: 0,
    autoSchedule: false,
    // Extraction runs when a test says so (settleMemory), not 3 s after a turn.
    memoryExtraction: "manual",
    ...(options.turns && { turns: options.turns }),
    log: (line) => {
      logs.push(line);
      // BEHAVIOUR_LOG=1 shows the functions' and runtimes' lines while a scenario runs.
      if (process.env["BEHAVIOUR_LOG"]) process.stderr.write(`${line}\n`);
    },
  }).catch(async (error: unknown) => {
    await Promise.all([model.close(), telegram.close()]);
    await rm(home, { recursive: true, force: true });
    throw error;
  });
  const sqs = sqsClient(dev.env["AGENT_CLAW_AWS_ENDPOINT_SQS"]!);
  const engineConfig = configFromEnv(dev.env);
  const cron = createEngineCron(dev.ports, {
    config: engineConfig,
    timeZone: () => systemTimeZone(engineConfig),
  });

  /** What keeps the engine busy, in words; "" when idle. */
  const busy = async () => {
    const undelivered = (await dev.ports.outbox.undelivered(500)).filter((r) => r.deliverTo !== undefined);
    return undelivered.length > 0 ? `undelivered: ${undelivered.map((r) => r.key).join(", ")}` : "";
  };

  return {
    engine: "aws",
    logs,
    dev,
    telegram,
    model,
    async post(update) {
      const response = await fetch(dev.webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify(update),
      });
      return response.status;
    },
    async approvePairing(code) {
      const approved = await dev.ports.pairings.approve("telegram", code);
      if (!approved) throw new Error(`no pending pairing request with code ${code}`);
    },
    async quiet(timeoutMs = 20_000) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `aws world: the queue is still busy after ${timeoutMs} ms; log: ${logs.slice(-5).join(" | ")}`,
              ),
            ),
          timeoutMs,
        );
      });
      try {
        await Promise.race([dev.sqs.idle(), timeout]);
      } finally {
        clearTimeout(timer);
      }
      await expect.poll(busy, { timeout: timeoutMs, interval: 20 }).toBe("");
    },
    async deadLetters() {
      // A receive gives at most 10: look until nothing is left, then make what was looked at visible
      // again for the next look.
      const seen = new Map<string, { body: unknown; receipt: string }>();
      for (;;) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: dev.resources.deadLetterQueueUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 30,
          }),
        );
        const fresh = Messages.filter((m) => !seen.has(m.MessageId!));
        if (fresh.length === 0) break;
        for (const m of fresh) {
          seen.set(m.MessageId!, { body: JSON.parse(m.Body ?? "null"), receipt: m.ReceiptHandle! });
        }
      }
      for (const { receipt } of seen.values()) {
        await sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: dev.resources.deadLetterQueueUrl,
            ReceiptHandle: receipt,
            VisibilityTimeout: 0,
          }),
        );
      }
      return [...seen.values()].map(({ body }) => body);
    },
    async killRunner() {
      const running = await dev.sqs.invocation();
      running.kill();
    },
    now: () => Date.now(),
    addJob: (input) => cron.add(input, OWNER_SCOPE),
    runs: (jobId) => cron.runs(jobId, OWNER_SCOPE),
    async removeJob(jobId) {
      await cron.remove(jobId, OWNER_SCOPE);
    },
    writeWorkspace: (path, text) => dev.ports.workspace.write(path, text),
    settleMemory: async () => void (await dev.memory.extract()),
    async fire(at, options = {}) {
      // The handlers run on real time and take a firing at most FIRE_EARLY_MS before its slot (the
      // schedules tests stay within a minute of now): a slot further ahead waits for the clock.
      const ahead = at - Date.now() - (FIRE_EARLY_MS - 5_000);
      if (ahead > 0 && ahead < 10_000) await new Promise((resolve) => setTimeout(resolve, ahead));
      // EventBridge works in whole seconds: a slot at 09:00:49.575 is scheduled at(…T09:00:50).
      const fired = await dev.fireSchedules(Math.ceil(at / 1000) * 1000);
      if (options.twice) {
        // EventBridge delivers at least once: the same firing, with the same scheduled time, again.
        for (const firing of fired) await dev.lambdas.schedule.invoke(JSON.parse(firing.input));
      }
    },
    async close() {
      sqs.destroy();
      await dev.close();
      await Promise.all([telegram.close(), model.close()]);
      await rm(home, { recursive: true, force: true });
    },
  };
}
