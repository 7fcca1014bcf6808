// The ingest function's ports: what accepting an update touches (claims, the queue, outcomes, pairings,
// values and cron records in DynamoDB; SQS), without S3 and Scheduler, whose clients are a fifth of a
// bundle and so of its cold start. The workspace, transcripts and alarm belong to the runner and schedule
// functions: here they refuse, naming where that work runs.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { createDynamoClaims } from "../../adapters/dynamodb/claims.ts";
import { createDynamoCronStore } from "../../adapters/dynamodb/cron-store.ts";
import { createDynamoOutbox } from "../../adapters/dynamodb/outbox.ts";
import { createDynamoPairings } from "../../adapters/dynamodb/pairings.ts";
import { createDynamoUsage } from "../../adapters/dynamodb/usage.ts";
import { createDynamoValues } from "../../adapters/dynamodb/values.ts";
import { createSqsQueue } from "../../adapters/sqs/queue.ts";
import type { Alarm } from "../../ports/alarm.ts";
import type { Ports } from "../../ports/index.ts";
import type { SessionStore } from "../../ports/session-store.ts";
import type { Workspace } from "../../ports/workspace.ts";
import { createSystemClock } from "../../util/system-clock.ts";
import type { AwsEngineOptions } from "./wire.ts";

const elsewhere = (what: string, where: string) => async (): Promise<never> => {
  throw new Error(`The ingest function does not ${what}: that runs in the ${where} function.`);
};

const NO_WORKSPACE: Workspace = {
  location: "(not in the ingest function)",
  read: elsewhere("read the workspace", "runner"),
  write: elsewhere("write the workspace", "runner"),
  stat: elsewhere("read the workspace", "runner"),
  list: elsewhere("read the workspace", "runner"),
  remove: elsewhere("write the workspace", "runner"),
};

// Transcripts keep large entries in S3; intake never opens a session (commands run in the runner).
const NO_SESSIONS: SessionStore = {
  open: elsewhere("open sessions", "runner"),
  get: elsewhere("read sessions", "runner"),
  list: elsewhere("read sessions", "runner"),
  recordTurn: elsewhere("write sessions", "runner"),
  reset: elsewhere("write sessions", "runner"),
  history: elsewhere("read sessions", "runner"),
  append: elsewhere("write transcripts", "runner"),
  sync: elsewhere("write transcripts", "runner"),
  load: elsewhere("read transcripts", "runner"),
};

const NO_ALARM: Alarm = {
  set: elsewhere("schedule cron jobs", "runner or schedule"),
  clear: elsewhere("schedule cron jobs", "runner or schedule"),
};

/** Ports for intake over DynamoDB and SQS. Contract: close() destroys the clients. */
export function createAwsIntakePorts(options: AwsEngineOptions): Ports {
  const clock = options.clock ?? createSystemClock();
  const { region, credentials, endpoint = {}, table } = options;
  const dynamodb = new DynamoDBClient({ region, credentials, endpoint: endpoint.dynamodb });
  const sqs = new SQSClient({ region, credentials, endpoint: endpoint.sqs });
  const claims = createDynamoClaims({ client: dynamodb, table, clock });
  let closed = false;
  return {
    clock,
    workspace: NO_WORKSPACE,
    sessions: NO_SESSIONS,
    claims,
    queue: createSqsQueue({ client: sqs, queueUrl: options.queueUrl, claims }),
    outbox: createDynamoOutbox({ client: dynamodb, table }),
    pairings: createDynamoPairings({ client: dynamodb, table, clock }),
    values: createDynamoValues({ client: dynamodb, table, clock }),
    usage: createDynamoUsage({ client: dynamodb, table }),
    cron: createDynamoCronStore({ client: dynamodb, table, clock }),
    alarm: NO_ALARM,
    async close() {
      if (closed) return;
      closed = true;
      dynamodb.destroy();
      sqs.destroy();
    },
  };
}
