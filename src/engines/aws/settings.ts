// The aws engine's settings, read from the environment once per cold start: where its state lives
// (table, bucket, queues), how EventBridge Scheduler reaches the schedule Lambda, and emulator endpoints.
import { z } from "zod";
import { DELIVERY_RETRY_DELAYS_MS } from "../../core/intake/process-deliveries.ts";
import type { AwsEngineOptions } from "./wire.ts";

/** How the EventBridge Scheduler alarm creates its schedules (one per cron job, plus the heartbeat). */
export interface ScheduleSettings {
  /** The schedule group every schedule of this deployment lives in. */
  group: string;
  /** ARN of the schedule Lambda, the target of every schedule. */
  targetArn: string;
  /** ARN of the IAM role Scheduler assumes to invoke the target. */
  roleArn: string;
  /** ARN of an SQS queue for firings Scheduler could not deliver after its retries. */
  deadLetterArn?: string;
}

/**
 * Where the runner runs a turn: in the runner Lambda itself, or in an AgentCore Runtime session (one
 * microVM per chat session, with a disk and a shell) that the runner invokes and streams from.
 */
export type TurnSettings =
  | { where: "lambda" }
  | {
      where: "agentcore";
      /** arn:aws:bedrock-agentcore:<region>:<account>:runtime/<id> */
      runtimeArn: string;
      /** The runtime endpoint's name. */
      qualifier: string;
      /** The deployed release: part of every runtime session id, so a new release gets fresh sessions. */
      release: string;
      /** The runner stops a turn streamed from AgentCore after this long (the Lambda lives 900 s at most). */
      turnCapMs: number;
      /** The AgentCore data plane's address (a loopback stand-in); absent: AWS's. */
      endpoint?: string;
    };

/** Everything the three handlers need from their environment. */
export interface AwsSettings extends AwsEngineOptions {
  endpoint?: AwsEngineOptions["endpoint"] & { scheduler?: string };
  schedule: ScheduleSettings;
  turns: TurnSettings;
  /** Attempts at a turn before its apology is delivered and the message is left to the dead-letter queue. */
  maxAttempts: number;
  /** The wait before a failed turn or delivery is tried again; absent: the core's (2 s per attempt; 5, 30, 120 s). */
  retryDelayMs?: number;
}

const setting = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? "is not set" : `is not ${what}`) });
const url = (what = "a URL") => setting(what).pipe(z.url({ error: `is not ${what}` }));
const fifoUrl = () =>
  url().refine((u) => u.endsWith(".fifo"), "is not a FIFO queue URL (it must end in .fifo)");
const arn = (service: string, example: string) =>
  setting("an ARN").regex(
    new RegExp(`^arn:aws[a-z-]*:${service}:`),
    `is not ${/^[aeiou]/.test(service) ? "an" : "a"} ${service} ARN (like ${example})`,
  );

/**
 * The runner must outlive the turn it streams: it still stores and delivers the reply after the cap,
 * and the runner Lambda's timeout is 900 s.
 */
export const MAX_TURN_CAP_SECONDS = 840;
/** The default cap on a turn in AgentCore: 10 minutes. */
export const DEFAULT_TURN_CAP_SECONDS = 600;

const envSchema = z.object({
  AWS_REGION: setting("a region").regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "is not a region (like eu-west-1)"),
  AGENT_CLAW_AWS_TABLE: setting("a table name").regex(
    /^[A-Za-z0-9_.-]{3,255}$/,
    "is not a table name (3 to 255 of A-Z, a-z, 0-9, _ . -)",
  ),
  AGENT_CLAW_AWS_BUCKET: setting("a bucket name").regex(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    "is not a bucket name (3 to 63 of a-z, 0-9, . -)",
  ),
  AGENT_CLAW_AWS_QUEUE_URL: fifoUrl(),
  AGENT_CLAW_AWS_SCHEDULE_GROUP: setting("a schedule group name").regex(
    /^[0-9a-zA-Z_.-]{1,64}$/,
    "is not a schedule group name (1 to 64 of A-Z, a-z, 0-9, _ . -)",
  ),
  AGENT_CLAW_AWS_SCHEDULE_TARGET_ARN: arn(
    "lambda",
    "arn:aws:lambda:eu-west-1:123456789012:function:schedule",
  ),
  AGENT_CLAW_AWS_SCHEDULE_ROLE_ARN: arn("iam", "arn:aws:iam::123456789012:role/scheduler"),
  AGENT_CLAW_AWS_SCHEDULE_DLQ_ARN: arn("sqs", "arn:aws:sqs:eu-west-1:123456789012:schedule-dlq").optional(),
  AGENT_CLAW_AWS_MAX_ATTEMPTS: setting("a number")
    .regex(/^\d+$/, "is not a whole number")
    .transform(Number)
    .pipe(z.number().min(1, "must be at least 1").max(20, "must be at most 20"))
    .optional(),
  AGENT_CLAW_AWS_RETRY_SECONDS: setting("a number")
    .regex(/^\d+$/, "is not a whole number")
    .transform(Number)
    .pipe(z.number().max(900, "must be at most 900 (15 minutes)"))
    .optional(),
  AGENT_CLAW_AWS_ENDPOINT: url().optional(),
  AGENT_CLAW_AWS_ENDPOINT_DYNAMODB: url().optional(),
  AGENT_CLAW_AWS_ENDPOINT_S3: url().optional(),
  AGENT_CLAW_AWS_ENDPOINT_SQS: url().optional(),
  AGENT_CLAW_AWS_ENDPOINT_SCHEDULER: url().optional(),
  AGENT_CLAW_TURNS: z.enum(["lambda", "agentcore"], { error: 'is not "lambda" or "agentcore"' }).optional(),
  AGENT_CLAW_AGENTCORE_RUNTIME_ARN: setting("an ARN")
    .regex(
      /^arn:aws[a-z-]*:bedrock-agentcore:[a-z0-9-]+:\d{12}:runtime\/[A-Za-z0-9_-]+$/,
      "is not an AgentCore runtime ARN (like arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/agent_claw-AbCdEf1234)",
    )
    .optional(),
  AGENT_CLAW_AGENTCORE_QUALIFIER: setting("an endpoint name")
    .regex(/^[a-zA-Z][a-zA-Z0-9_]{0,47}$/, "is not an endpoint name (like DEFAULT)")
    .optional(),
  AGENT_CLAW_RELEASE: setting("a release")
    .regex(/^[A-Za-z0-9._-]{1,128}$/, "is not a release name (1 to 128 of A-Z, a-z, 0-9, _ . -)")
    .optional(),
  AGENT_CLAW_AGENTCORE_TURN_CAP_SECONDS: setting("a number")
    .regex(/^\d+$/, "is not a whole number")
    .transform(Number)
    .pipe(
      z
        .number()
        .min(10, "must be at least 10")
        .max(MAX_TURN_CAP_SECONDS, `must be at most ${MAX_TURN_CAP_SECONDS} (the runner Lambda lives 900 s)`),
    )
    .optional(),
  // Only its own variable: AGENT_CLAW_AWS_ENDPOINT (LocalStack) has no AgentCore to point at.
  AGENT_CLAW_AWS_ENDPOINT_AGENTCORE: url().optional(),
  AGENT_CLAW_AWS_MEMORY_ID: setting("a memory id")
    .regex(
      /^[a-zA-Z][a-zA-Z0-9_-]{0,99}-[a-zA-Z0-9]{10}$/,
      "is not an AgentCore Memory id (like agent_claw_memory-AbCdEf1234)",
    )
    .optional(),
  // Its own variable too: the runtimes get the handlers' environment without the runner's AgentCore ones.
  AGENT_CLAW_AWS_ENDPOINT_AGENTCORE_MEMORY: url().optional(),
});

/** The environment variables the aws engine reads (only these reach the schema: empty ones count as unset). */
const AWS_SETTING_NAMES = Object.keys(envSchema.shape) as Array<keyof typeof envSchema.shape>;

/** Two attempts, then the apology, as on the local engine; the queue's redrive count must be above it (redriveCount). */
export const DEFAULT_MAX_ATTEMPTS = 2;

export type SettingsResult =
  { ok: true; settings: AwsSettings } | { ok: false; error: string; problems: string[] };

/**
 * Reads the aws engine's settings from the environment (empty values count as unset). The prefixes
 * are those of the default agent, "agents/main/...". AGENT_CLAW_AWS_ENDPOINT points every service
 * at one endpoint (LocalStack); the per-service ones win over it (aws dev's emulators).
 * Contract: never throws; an incomplete environment gives one message naming every missing or invalid variable.
 */
export function awsSettingsFromEnv(env: Record<string, string | undefined>): SettingsResult {
  const input = Object.fromEntries(
    AWS_SETTING_NAMES.flatMap((name) => {
      const value = env[name]?.trim();
      return value ? [[name, value]] : [];
    }),
  );
  const parsed = envSchema.safeParse(input);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`);
  // Required only with turns in AgentCore, so not in the schema.
  if (input["AGENT_CLAW_TURNS"] === "agentcore" && input["AGENT_CLAW_AGENTCORE_RUNTIME_ARN"] === undefined) {
    problems.push(
      'AGENT_CLAW_AGENTCORE_RUNTIME_ARN is not set (AGENT_CLAW_TURNS is "agentcore": name the runtime that runs the turns)',
    );
  }
  if (!parsed.success || problems.length > 0) return { ok: false, error: notConfigured(problems), problems };
  const vars = parsed.data;
  const all = vars.AGENT_CLAW_AWS_ENDPOINT;
  const endpoint = {
    dynamodb: vars.AGENT_CLAW_AWS_ENDPOINT_DYNAMODB ?? all,
    s3: vars.AGENT_CLAW_AWS_ENDPOINT_S3 ?? all,
    sqs: vars.AGENT_CLAW_AWS_ENDPOINT_SQS ?? all,
    scheduler: vars.AGENT_CLAW_AWS_ENDPOINT_SCHEDULER ?? all,
    memory: vars.AGENT_CLAW_AWS_ENDPOINT_AGENTCORE_MEMORY,
  };
  const given = Object.fromEntries(Object.entries(endpoint).filter(([, value]) => value !== undefined));
  return {
    ok: true,
    settings: {
      region: vars.AWS_REGION,
      ...(Object.keys(given).length > 0 && { endpoint: given }),
      table: vars.AGENT_CLAW_AWS_TABLE,
      bucket: vars.AGENT_CLAW_AWS_BUCKET,
      workspacePrefix: "agents/main/workspace/",
      transcriptsPrefix: "agents/main/transcripts/",
      queueUrl: vars.AGENT_CLAW_AWS_QUEUE_URL,
      ...(vars.AGENT_CLAW_AWS_MEMORY_ID && { memoryId: vars.AGENT_CLAW_AWS_MEMORY_ID }),
      schedule: {
        group: vars.AGENT_CLAW_AWS_SCHEDULE_GROUP,
        targetArn: vars.AGENT_CLAW_AWS_SCHEDULE_TARGET_ARN,
        roleArn: vars.AGENT_CLAW_AWS_SCHEDULE_ROLE_ARN,
        ...(vars.AGENT_CLAW_AWS_SCHEDULE_DLQ_ARN && { deadLetterArn: vars.AGENT_CLAW_AWS_SCHEDULE_DLQ_ARN }),
      },
      turns: turnSettings(vars),
      maxAttempts: vars.AGENT_CLAW_AWS_MAX_ATTEMPTS ?? DEFAULT_MAX_ATTEMPTS,
      ...(vars.AGENT_CLAW_AWS_RETRY_SECONDS !== undefined && {
        retryDelayMs: vars.AGENT_CLAW_AWS_RETRY_SECONDS * 1000,
      }),
    },
  };
}

function turnSettings(vars: z.infer<typeof envSchema>): TurnSettings {
  const runtimeArn = vars.AGENT_CLAW_AGENTCORE_RUNTIME_ARN;
  if (vars.AGENT_CLAW_TURNS !== "agentcore" || runtimeArn === undefined) return { where: "lambda" };
  return {
    where: "agentcore",
    runtimeArn,
    qualifier: vars.AGENT_CLAW_AGENTCORE_QUALIFIER ?? "DEFAULT",
    release: vars.AGENT_CLAW_RELEASE ?? "dev",
    turnCapMs: (vars.AGENT_CLAW_AGENTCORE_TURN_CAP_SECONDS ?? DEFAULT_TURN_CAP_SECONDS) * 1000,
    ...(vars.AGENT_CLAW_AWS_ENDPOINT_AGENTCORE && { endpoint: vars.AGENT_CLAW_AWS_ENDPOINT_AGENTCORE }),
  };
}

/**
 * The intake queue's RedrivePolicy maxReceiveCount for `maxAttempts`: a message is received at most once
 * per turn attempt and once per delivery retry, then once more to hand it to the dead-letter queue.
 */
export function redriveCount(maxAttempts: number): number {
  return maxAttempts + DELIVERY_RETRY_DELAYS_MS.length + 1;
}

/** The one message a handler fails its cold start with; `problems` may come from several checks. */
export function notConfigured(problems: string[]): string {
  return `The aws engine is not configured: ${problems.join("; ")}. Set them in the function's environment.`;
}
