// `agent-claw aws dev`: the whole serverless engine on this machine. Emulators with the table, bucket and
// queues; the bundled handlers (dist/lambda/*.mjs) in Lambda-like environments; an API Gateway front for
// ingest, the SQS event source for runner, a local EventBridge Scheduler firing into schedule, and an
// AgentCore Memory stand-in the turns are recorded in.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { createSchedulerAlarm } from "../../../adapters/eventbridge/scheduler-alarm.ts";
import { telegramWebhookSecret } from "../../../channels/telegram/webhook-secret.ts";
import { loadConfig, readRawConfig } from "../../../config/load.ts";
import { resolvePaths } from "../../../config/paths.ts";
import type { Config } from "../../../config/schema.ts";
import { ensureWorkspace } from "../../../core/workspace/ensure-workspace.ts";
import type { Clock } from "../../../ports/clock.ts";
import type { Ports } from "../../../ports/index.ts";
import { createSystemClock } from "../../../util/system-clock.ts";
import { redriveCount, DEFAULT_MAX_ATTEMPTS, awsSettingsFromEnv } from "../settings.ts";
import { WEBHOOK_SECRET_VARIABLE } from "../aws-environment.ts";
import {
  DEV_ACCOUNT,
  DEV_MEMORY_ID,
  DEV_RUNTIME_ARN,
  DEV_SCHEDULE_GROUP,
  handlerEnvironment,
  lambdaDir,
  runtimeEnvironment,
} from "./handler-env.ts";
import { createAwsPorts } from "../wire.ts";
import {
  type AgentCoreEmulator,
  type AgentCoreEmulatorOptions,
  startAgentCoreEmulator,
} from "./agentcore-emulator.ts";
import { type AgentCoreMemoryEmulator, startAgentCoreMemoryEmulator } from "./agentcore-memory-emulator.ts";
import { startApiGatewayFront } from "./api-gateway-front.ts";
import {
  dynamoClient,
  type Emulator,
  FAKE_AWS,
  s3Client,
  sqsClient,
  startDynalite,
  startFauxqs,
} from "./emulators.ts";
import { createLambdaHost, type LambdaHost } from "./lambda-host.ts";
import { createDevResources, type DevResources } from "./resources.ts";
import { type Firing, type SchedulerEmulator, startSchedulerEmulator } from "./scheduler-emulator.ts";
import { type SqsDriver, startSqsDriver } from "./sqs-driver.ts";

export { lambdaDir };

export interface AwsDevOptions {
  /** The user's environment: AGENT_CLAW_HOME (config.json), AGENT_CLAW_MODEL, TELEGRAM_*, provider keys. */
  env?: NodeJS.ProcessEnv;
  /** The API Gateway front's port (0: any free one). */
  port?: number;
  /** A public URL that reaches the front's port (a tunnel): Telegram's webhook is set to it, with the secret. */
  publicUrl?: string;
  /** How long a failed or killed runner keeps a chat waiting; also the runner's timeout (default 300 s). */
  visibilitySeconds?: number;
  maxAttempts?: number;
  /** The wait before a failed turn or delivery is tried again (default: the core's). */
  retrySeconds?: number;
  /** Scheduler fires due schedules by the clock (default true); false: only fireSchedules() fires. */
  autoSchedule?: boolean;
  /** Scheduler delivers each firing twice (tests of "fires twice, runs once"). */
  duplicateFirings?: boolean;
  clock?: Clock;
  /**
   * Where the runner runs turns: in its Lambda (default), or in AgentCore Runtime sessions served by a
   * local stand-in (one `agent-claw runtime` process per session, with the handlers' environment).
   */
  turns?: "lambda" | "agentcore";
  /** The stand-in's session lifecycle (idle timeout, /ping interval, maximum lifetime). */
  agentcore?: Pick<AgentCoreEmulatorOptions, "idleTimeoutMs" | "pingIntervalMs" | "maxLifetimeMs">;
  /**
   * When the AgentCore Memory stand-in turns events into long-term records: "auto" a few seconds after a
   * turn (default; AgentCore takes minutes), "manual" only on memory.extract() (tests).
   */
  memoryExtraction?: "auto" | "manual";
  /** The functions' log lines, prefixed with their name (default: stderr). */
  log?(line: string): void;
  /** Steps while starting, for the CLI's progress line. */
  onProgress?(step: string): void;
}

export interface AwsDev {
  /** The API Gateway front: http://127.0.0.1:<port> */
  url: string;
  /** Where Telegram posts: <url>/telegram/webhook */
  webhookUrl: string;
  /** The X-Telegram-Bot-Api-Secret-Token to set with setWebhook. */
  webhookSecret: string;
  /** Whether a bot token is set (TELEGRAM_BOT_TOKEN or channels.telegram.botToken): without one, only schedules run. */
  telegram: boolean;
  /** The exact environment the handlers get (settings, config, endpoints, fake credentials). */
  env: Record<string, string>;
  /** The effective config the handlers started with (config.json and the environment's overrides). */
  config: Config;
  resources: DevResources;
  /** Ports over the same emulators, as a handler builds them: for tests and set-up. */
  ports: Ports;
  sqs: SqsDriver;
  scheduler: SchedulerEmulator;
  /** Fires every schedule due by `now`, resolving once the schedule handler answered each firing. */
  fireSchedules(now?: number): Promise<Firing[]>;
  lambdas: { ingest: LambdaHost; runner: LambdaHost; schedule: LambdaHost };
  /** The AgentCore stand-in, when turns run in AgentCore. */
  agentcore?: AgentCoreEmulator;
  /** The AgentCore Memory stand-in every function and runtime records turns in and searches. */
  memory: AgentCoreMemoryEmulator;
  close(): Promise<void>;
}

export async function startAwsDev(options: AwsDevOptions = {}): Promise<AwsDev> {
  const env = options.env ?? process.env;
  const progress = options.onProgress ?? (() => {});
  const clock = options.clock ?? createSystemClock();
  const bundles = lambdaDir();
  for (const name of ["ingest", "runner", "schedule"]) {
    if (!existsSync(join(bundles, `${name}.mjs`))) {
      throw new Error(
        `${join(bundles, `${name}.mjs`)} is missing: run \`npm run build\` in the agent-claw checkout first.`,
      );
    }
  }
  const paths = resolvePaths(env);
  // Read as the gateway reads them, so a broken config.json is reported here, not by every handler.
  const config = await loadConfig(paths, env);
  const rawConfig = await readRawConfig(paths.configFile);
  const webhookSecret =
    env[WEBHOOK_SECRET_VARIABLE]?.trim() ||
    (await telegramWebhookSecret(paths.home, config.channels.telegram.webhookSecret));
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const visibilitySeconds = options.visibilitySeconds ?? 300;

  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => {});
  };
  try {
    progress("starting DynamoDB, SQS and S3 emulators");
    const [dynamo, fauxqs] = await Promise.all([startDynalite(), startFauxqs()]);
    closers.push(() => Promise.all(([dynamo, fauxqs] as Emulator[]).map((e) => e.stop())));
    const admin = {
      dynamodb: dynamoClient(dynamo.endpoint),
      s3: s3Client(fauxqs.endpoint),
      sqs: sqsClient(fauxqs.endpoint),
    };
    closers.push(async () => Object.values(admin).forEach((client) => client.destroy()));
    progress("creating the table, the bucket and the FIFO queues");
    const resources = await createDevResources(admin, {
      maxReceiveCount: redriveCount(maxAttempts),
      visibilitySeconds,
    });

    const lambdas = {} as AwsDev["lambdas"];
    progress("starting EventBridge Scheduler");
    const scheduler = await startSchedulerEmulator({
      clock,
      groups: [DEV_SCHEDULE_GROUP],
      accountId: DEV_ACCOUNT,
      auto: options.autoSchedule ?? true,
      ...(options.duplicateFirings && { duplicate: true }),
      invoke: async (firing) => {
        await lambdas.schedule.invoke(JSON.parse(firing.input));
      },
      onError: (error) => (options.log ?? console.error)(`[scheduler] ${(error as Error).message}`),
    });
    closers.push(() => scheduler.stop());

    progress("starting the AgentCore Memory stand-in");
    const memory = await startAgentCoreMemoryEmulator({
      memoryId: DEV_MEMORY_ID,
      ...(options.memoryExtraction !== "manual" && { extractAfterMs: 3_000 }),
      ...(options.log && { log: (line: string) => options.log!(`[memory] ${line}`) }),
    });
    closers.push(() => memory.close());

    const envOptions = {
      memory: { endpoint: memory.endpoint },
      resources,
      endpoints: {
        dynamodb: dynamo.endpoint,
        s3: fauxqs.endpoint,
        sqs: fauxqs.endpoint,
        scheduler: scheduler.endpoint,
      },
      maxAttempts,
      ...(options.retrySeconds !== undefined && { retrySeconds: options.retrySeconds }),
      config: rawConfig,
      webhookSecret,
    };
    let agentcore: AgentCoreEmulator | undefined;
    if (options.turns === "agentcore") {
      progress("starting the AgentCore Runtime stand-in");
      agentcore = await startAgentCoreEmulator({
        runtimeArn: DEV_RUNTIME_ARN,
        env: runtimeEnvironment(handlerEnvironment(env, envOptions)),
        ...options.agentcore,
        ...(options.log && { log: (line: string) => options.log!(`[agentcore] ${line}`) }),
      });
      closers.push(() => agentcore!.close());
    }
    const handlerEnv = handlerEnvironment(env, {
      ...envOptions,
      ...(agentcore && { agentcore: { endpoint: agentcore.endpoint } }),
    });
    const settings = awsSettingsFromEnv(handlerEnv);
    if (!settings.ok) throw new Error(settings.error);
    const ports = createAwsPorts({ ...settings.settings, credentials: FAKE_AWS.credentials, clock });
    closers.push(() => ports.close());
    await ensureWorkspace(ports.workspace);
    // The heartbeat's own rate() schedule, as a deployment would create it.
    const schedulerClient = new SchedulerClient({ ...FAKE_AWS, endpoint: scheduler.endpoint });
    closers.push(async () => schedulerClient.destroy());
    await createSchedulerAlarm({
      client: schedulerClient,
      target: settings.settings.schedule,
      clock,
      stuckMs: config.cron.stuckMinutes * 60_000,
    }).setHeartbeat(config.heartbeat.enabled ? config.heartbeat.everyMinutes * 60_000 : undefined);

    progress("loading the ingest, runner and schedule functions");
    const host = (name: "ingest" | "runner" | "schedule", maxConcurrency: number, timeoutSeconds: number) => {
      const lambda = createLambdaHost({
        name,
        bundle: join(bundles, `${name}.mjs`),
        env: handlerEnv,
        maxConcurrency,
        timeoutMs: timeoutSeconds * 1000,
        ...(options.log && { log: (line: string) => options.log!(`[${name}] ${line}`) }),
      });
      closers.push(() => lambda.close());
      return lambda;
    };
    lambdas.ingest = host("ingest", 10, 30);
    lambdas.runner = host("runner", 5, visibilitySeconds);
    lambdas.schedule = host("schedule", 2, 60);

    const sqs = startSqsDriver({
      sqs: admin.sqs,
      queueUrl: resources.queueUrl,
      queueArn: resources.deadLetterQueueArn.replace(/-dead-letter\.fifo$/, "-intake.fifo"),
      region: FAKE_AWS.region,
      batchSize: 10,
      maxConcurrency: 5,
      invoke: (event, signal) => lambdas.runner.invoke(event, signal),
      onError: (error) => (options.log ?? console.error)(`[sqs] ${(error as Error).message}`),
    });
    closers.push(() => sqs.close());

    progress("starting the API Gateway front");
    const front = await startApiGatewayFront({
      invoke: (event) => lambdas.ingest.invoke(event),
      ...(options.port !== undefined && { port: options.port }),
    });
    closers.push(() => front.close());
    const token = config.channels.telegram.botToken;
    if (options.publicUrl && token) {
      progress("setting the Telegram webhook");
      const { createBotApi } = await import("../../../channels/telegram/bot-api.ts");
      await createBotApi(token, config.channels.telegram.apiRoot).setWebhook(
        `${options.publicUrl.replace(/\/+$/, "")}/telegram/webhook`,
        { secret_token: webhookSecret },
      );
    }

    return {
      url: front.url,
      webhookUrl: `${front.url}/telegram/webhook`,
      webhookSecret,
      telegram: Boolean(token && config.channels.telegram.enabled),
      env: handlerEnv,
      config,
      resources,
      ports,
      sqs,
      scheduler,
      fireSchedules: (now) => scheduler.fire(now),
      lambdas,
      ...(agentcore && { agentcore }),
      memory,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
