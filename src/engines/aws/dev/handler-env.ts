// What aws dev hands the bundled handlers: the environment a deployment would set on the functions
// (settings, config, webhook secret) pointed at the emulators, and where the bundles are.
import { join } from "node:path";
import { packageRoot } from "../../../util/package-root.ts";
import { WEBHOOK_SECRET_VARIABLE } from "../aws-environment.ts";
import { CONFIG_VARIABLE } from "../config-from-env.ts";
import { FAKE_AWS } from "./emulators.ts";
import type { DevResources } from "./resources.ts";

export const DEV_ACCOUNT = "000000000000";
export const DEV_SCHEDULE_GROUP = "agent-claw";
/** The runtime `aws dev --turns agentcore` serves, in the dev account and region. */
export const DEV_RUNTIME_ARN = `arn:aws:bedrock-agentcore:${FAKE_AWS.region}:${DEV_ACCOUNT}:runtime/agent_claw-dev0000000`;

/** The AgentCore Memory `aws dev` records turns in (its stand-in serves only this id). */
export const DEV_MEMORY_ID = "agent_claw_memory-dev0000000";

/** dist/lambda of this checkout or install: beside package.json, from src/ (tests) as from dist/ (the CLI). */
export function lambdaDir(): string {
  return join(packageRoot(), "dist", "lambda");
}

export interface HandlerEnvironmentOptions {
  resources: DevResources;
  endpoints: { dynamodb: string; s3: string; sqs: string; scheduler: string };
  maxAttempts: number;
  retrySeconds?: number;
  /** config.json's content, as AGENT_CLAW_CONFIG carries it. */
  config: Record<string, unknown>;
  webhookSecret: string;
  /** Turns in AgentCore: the stand-in's address (the runner then invokes DEV_RUNTIME_ARN there). */
  agentcore?: { endpoint: string };
  /** The AgentCore Memory stand-in's address (turns are recorded in DEV_MEMORY_ID there). */
  memory?: { endpoint: string };
}

/**
 * The user's environment (model, provider keys, TELEGRAM_*) without AWS_* (a profile or endpoint there
 * must not reach the emulators), plus the engine's settings for the emulators and fake credentials.
 */
export function handlerEnvironment(
  env: NodeJS.ProcessEnv,
  options: HandlerEnvironmentOptions,
): Record<string, string> {
  const user = Object.entries(env).filter(
    (entry): entry is [string, string] => typeof entry[1] === "string" && !entry[0].startsWith("AWS_"),
  );
  const { resources, endpoints } = options;
  return {
    ...Object.fromEntries(user),
    AWS_REGION: FAKE_AWS.region,
    AWS_ACCESS_KEY_ID: FAKE_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE_AWS.credentials.secretAccessKey,
    AGENT_CLAW_AWS_TABLE: resources.table,
    AGENT_CLAW_AWS_BUCKET: resources.bucket,
    AGENT_CLAW_AWS_QUEUE_URL: resources.queueUrl,
    AGENT_CLAW_AWS_SCHEDULE_GROUP: DEV_SCHEDULE_GROUP,
    AGENT_CLAW_AWS_SCHEDULE_TARGET_ARN: `arn:aws:lambda:${FAKE_AWS.region}:${DEV_ACCOUNT}:function:agent-claw-schedule`,
    AGENT_CLAW_AWS_SCHEDULE_ROLE_ARN: `arn:aws:iam::${DEV_ACCOUNT}:role/agent-claw-scheduler`,
    AGENT_CLAW_AWS_MAX_ATTEMPTS: String(options.maxAttempts),
    ...(options.retrySeconds !== undefined && { AGENT_CLAW_AWS_RETRY_SECONDS: String(options.retrySeconds) }),
    AGENT_CLAW_AWS_ENDPOINT_DYNAMODB: endpoints.dynamodb,
    AGENT_CLAW_AWS_ENDPOINT_S3: endpoints.s3,
    AGENT_CLAW_AWS_ENDPOINT_SQS: endpoints.sqs,
    AGENT_CLAW_AWS_ENDPOINT_SCHEDULER: endpoints.scheduler,
    ...(options.memory && {
      AGENT_CLAW_AWS_MEMORY_ID: DEV_MEMORY_ID,
      AGENT_CLAW_AWS_ENDPOINT_AGENTCORE_MEMORY: options.memory.endpoint,
    }),
    [CONFIG_VARIABLE]: JSON.stringify(options.config),
    [WEBHOOK_SECRET_VARIABLE]: options.webhookSecret,
    ...(options.agentcore && {
      AGENT_CLAW_TURNS: "agentcore",
      AGENT_CLAW_AGENTCORE_RUNTIME_ARN: DEV_RUNTIME_ARN,
      AGENT_CLAW_AWS_ENDPOINT_AGENTCORE: options.agentcore.endpoint,
    }),
  };
}

/**
 * What a runtime session's process gets: the handlers' environment (the emulators, config, keys) without
 * the runner's own turn settings, as a deployment sets the runtime's environment.
 */
export function runtimeEnvironment(handlerEnv: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(handlerEnv).filter(
      ([name]) =>
        name !== "AGENT_CLAW_TURNS" &&
        name !== "AGENT_CLAW_AWS_ENDPOINT_AGENTCORE" &&
        !name.startsWith("AGENT_CLAW_AGENTCORE_"),
    ),
  );
}
