// The aws engine's composition root: DynamoDB (state table), S3 (workspace + large transcript entries)
// and SQS FIFO (intake queue), returning the same Ports as engines/local/wire.ts (memory-ports.ts adds
// AgentCore Memory where turns run).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SQSClient } from "@aws-sdk/client-sqs";
import { createDynamoClaims } from "../../adapters/dynamodb/claims.ts";
import { createDynamoCronStore } from "../../adapters/dynamodb/cron-store.ts";
import { createDynamoOutbox } from "../../adapters/dynamodb/outbox.ts";
import { createDynamoPairings } from "../../adapters/dynamodb/pairings.ts";
import { createDynamoSessionStore } from "../../adapters/dynamodb/session-store.ts";
import { createDynamoUsage } from "../../adapters/dynamodb/usage.ts";
import { createDynamoValues } from "../../adapters/dynamodb/values.ts";
import { createS3Workspace } from "../../adapters/s3/workspace.ts";
import { createSqsQueue } from "../../adapters/sqs/queue.ts";
import { createSchedulerAlarm, type ScheduleTarget } from "../../adapters/eventbridge/scheduler-alarm.ts";
import { DEFAULT_STUCK_MS } from "../../core/cron/run-state.ts";
import type { Alarm } from "../../ports/alarm.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Ports } from "../../ports/index.ts";
import type { Workspace } from "../../ports/workspace.ts";
import { createSystemClock } from "../../util/system-clock.ts";

/** Where the aws engine keeps its state, and how to reach it. */
export interface AwsEngineOptions {
  region: string;
  /** Endpoint overrides per service, for emulators or LocalStack; S3 then uses path-style URLs. */
  endpoint?: { dynamodb?: string; s3?: string; sqs?: string; scheduler?: string; memory?: string };
  /** Static credentials (emulators); absent: the SDK's default chain (Lambda role, profile, env). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The DynamoDB state table (adapters/dynamodb/tables.ts). */
  table: string;
  bucket: string;
  /** Key prefix of the agent's workspace in the bucket, e.g. "agents/main/workspace/". */
  workspacePrefix: string;
  /** Key prefix for transcript entries too large for a DynamoDB item. */
  transcriptsPrefix: string;
  /** URL of the SQS FIFO intake queue. */
  queueUrl: string;
  /** The AgentCore Memory resource turns are recorded in and searched (memory-ports.ts); absent: no memory. */
  memoryId?: string;
  /** The workspace instead of the S3 prefix's (AgentCore Runtime: the session's disk copy of it). */
  workspace?: Workspace;
  /** Where cron jobs' EventBridge schedules go; without it, adding a cron job fails with a message saying so. */
  schedule?: ScheduleTarget;
  /** A cron run going longer than this is recorded as stuck (default 2 h; the cron service's stuckMs). */
  cronStuckMs?: number;
  clock?: Clock;
}

/** Builds the AWS SDK clients and the adapters over them. Contract: close() destroys the clients. */
export function createAwsPorts(options: AwsEngineOptions): Ports {
  const clock = options.clock ?? createSystemClock();
  const { region, credentials, endpoint = {} } = options;
  const dynamodb = new DynamoDBClient({ region, credentials, endpoint: endpoint.dynamodb });
  const s3 = new S3Client({ region, credentials, endpoint: endpoint.s3, forcePathStyle: !!endpoint.s3 });
  const sqs = new SQSClient({ region, credentials, endpoint: endpoint.sqs });
  const claims = createDynamoClaims({ client: dynamodb, table: options.table, clock });
  const scheduler =
    options.schedule && new SchedulerClient({ region, credentials, endpoint: endpoint.scheduler });
  const alarm: Alarm = scheduler
    ? createSchedulerAlarm({
        client: scheduler,
        target: options.schedule!,
        clock,
        stuckMs: options.cronStuckMs ?? DEFAULT_STUCK_MS,
      })
    : UNSCHEDULED;
  const workspace =
    options.workspace ??
    createS3Workspace({ client: s3, bucket: options.bucket, prefix: options.workspacePrefix });
  let closed = false;
  return {
    clock,
    workspace,
    sessions: createDynamoSessionStore({
      client: dynamodb,
      table: options.table,
      clock,
      s3: { client: s3, bucket: options.bucket, prefix: options.transcriptsPrefix },
    }),
    claims,
    queue: createSqsQueue({ client: sqs, queueUrl: options.queueUrl, claims }),
    outbox: createDynamoOutbox({ client: dynamodb, table: options.table }),
    pairings: createDynamoPairings({ client: dynamodb, table: options.table, clock }),
    values: createDynamoValues({ client: dynamodb, table: options.table, clock }),
    usage: createDynamoUsage({ client: dynamodb, table: options.table }),
    cron: createDynamoCronStore({ client: dynamodb, table: options.table, clock }),
    alarm,
    async close() {
      if (closed) return;
      closed = true;
      for (const client of [dynamodb, s3, sqs, scheduler]) client?.destroy();
    },
  };
}

/** The alarm of aws ports given no schedule target: cron jobs cannot fire, so changing one says why. */
const UNSCHEDULED: Alarm = {
  async set() {
    throw new Error(
      "Cron jobs need EventBridge Scheduler, and this aws engine has no schedule target: set AGENT_CLAW_AWS_SCHEDULE_GROUP, AGENT_CLAW_AWS_SCHEDULE_TARGET_ARN and AGENT_CLAW_AWS_SCHEDULE_ROLE_ARN.",
    );
  },
  async clear() {},
};
