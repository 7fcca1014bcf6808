// What every handler builds once per cold start: the checked environment, the ports (the caller picks the
// builder: the ingest bundle leaves S3 and Scheduler out), the channels set up, and a durable submit.
// Light on purpose: no model, tools or agent loop here (runner-engine.ts adds those).
import { configSecretValues, secretsToHide } from "../../config/secrets.ts";
import type { Config } from "../../config/schema.ts";
import { type ChannelRegistry, createChannelRegistry } from "../../channels/registry.ts";
import type { ChannelDeps, ChannelLogLevel } from "../../channels/channel-deps.ts";
import type { TurnJob } from "../../core/intake/turn-job.ts";
import { createLastRoute, type LastRoute } from "../../core/last-route.ts";
import type { Ports } from "../../ports/index.ts";
import type { AgentTool } from "../../tools/tool.ts";
import { redact } from "../../util/redact.ts";
import { type AwsEnvironment, AwsSetupError, readAwsEnvironment } from "./aws-environment.ts";
import { SecretsEnvError, withSecretsEnv } from "./secrets-env.ts";
import type { AwsEngineOptions } from "./wire.ts";

export interface AwsEngine {
  /** The function's environment with the deployment's secret merged under it (secrets-env.ts): read provider keys here. */
  env: NodeJS.ProcessEnv;
  environment: AwsEnvironment;
  config: Config;
  ports: Ports;
  channels: ChannelRegistry;
  lastRoute: LastRoute;
  /** Queues a job on the intake queue (group: its session; dedupe id: its id); false when queued before. */
  submit(job: TurnJob): Promise<boolean>;
  log(level: ChannelLogLevel, message: string): void;
  redact(text: string): string;
}

export interface AwsEngineExtras {
  /** Builds the ports: createAwsPorts, or createAwsIntakePorts for the ingest function (no S3, no Scheduler). */
  ports(options: AwsEngineOptions): Ports;
  /** The tools a turn may get (/status); the ingest handler answers no commands and has none. */
  tools?: () => AgentTool[];
}

/** One JSON line per entry: CloudWatch Logs keeps lines, and the level is a field to filter on. */
function writeLog(level: ChannelLogLevel, message: string): void {
  const line = JSON.stringify({ level, message });
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

/** Builds the engine from `env`. Contract: throws AwsSetupError (one message) for an unusable environment. */
export async function openAwsEngine(given: NodeJS.ProcessEnv, extras: AwsEngineExtras): Promise<AwsEngine> {
  // Before anything reads a setting: the secret may hold the bot token, the provider keys and the config.
  const env = await withSecretsEnv(given).catch((error: unknown) => {
    throw error instanceof SecretsEnvError ? new AwsSetupError(error.message) : error;
  });
  const environment = readAwsEnvironment(env);
  const { config, settings } = environment;
  const secrets = [...secretsToHide(config, env), ...configSecretValues(config)];
  const hide = (text: string) => redact(text, secrets);
  const log = (level: ChannelLogLevel, message: string) => writeLog(level, hide(message));
  const ports = extras.ports({ ...settings, cronStuckMs: config.cron.stuckMinutes * 60_000 });
  const lastRoute = createLastRoute(ports.values, { log: (message) => log("warn", message) });
  const channels = createChannelRegistry();
  // A channel's runtime adds what it shows once a job is safe (Telegram's "typing…").
  const submit = (job: TurnJob): Promise<boolean> =>
    ports.queue.enqueue({ group: job.sessionKey, dedupeId: job.id, body: job });

  const deps: ChannelDeps = {
    ports,
    config: () => config,
    log,
    redact: hide,
    submit,
    tools: extras.tools ?? (() => []),
    noteLastRoute: (to) => lastRoute.note(to),
  };
  try {
    for (const { module, settings } of environment.channels) {
      channels.register(await module.openServerless(deps, settings));
    }
  } catch (error) {
    // coldStart builds again on the next invocation: this try's clients must not stay open beside it.
    await ports.close();
    throw error;
  }

  return {
    env,
    environment,
    config,
    ports,
    channels,
    lastRoute,
    submit,
    log,
    redact: hide,
  };
}

/**
 * A value built on first use and kept for the life of the execution environment (module scope). A
 * failed build is not kept: the next invocation tries again (the environment may have been fixed).
 */
export function coldStart<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => {
    built ??= build();
    built.catch(() => {
      built = undefined;
    });
    return built;
  };
}
