// The DynamoDB tables of the aws engine, as data (for the CDK app and tests) plus createTables().
// One "state" table, single-table design: every item is addressed by pk (S) + sk (S).
//
//   item                 pk                      sk                  notes
//   claim                claim#<key>             claim               until (ms), token; TTL
//   lease                lease#<key>             lease               owner, until (ms), token; TTL
//   session index row    sessions                <session key>       sessionId, counters, previous ids
//   transcript counter   transcript#<id>         head                seq: last reserved sequence number
//   transcript entry     transcript#<id>         entry#<12 digits>   json, or s3Key for large entries
//   outbox record        outbox#<key>            outbox              the outcome of one accepted message
//   undelivered marker   outbox-pending          <createdAt>#<key>   listed by undelivered(); removed on delivery
//   value                value#<key>             value               body (JSON), until (ms) when it expires,
//                                                                     token (putIfAbsent); TTL
//   cron job             cron-jobs               <job id>            body (JSON), seq (creation order)
//   cron job counter     cron-jobs-seq           seq                 n: last creation number handed out
//   cron run             cron-runs#<job id>      <run id>            body (JSON), order: <finishedAt>#<startedAt>
//   system event         event#<id>              event               sessionKey, at, token, consumedAt; TTL once taken
//   waiting event        events#<session key>    <at>#<id>           event (JSON); removed when taken
//   usage record         usage#<UTC day>         <at>#<id>           one model call's tokens and cost
//
// Claims and leases each get their own partition, so conditional writes never contend across keys.
// The session index lives in one partition so that list() is a single paginated Query.
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";

/** Physical table names, per deployment (a test uses unique ones). */
export interface TableNames {
  state: string;
}

/** One table's shape, independent of its physical name. */
export interface TableDefinition {
  partitionKey: string;
  sortKey: string;
  /** Attribute holding an expiry in epoch seconds, for DynamoDB's own TTL cleanup. */
  ttlAttribute: string;
}

/** The state table: claims, leases, the session index and transcripts. */
export const STATE_TABLE: TableDefinition = { partitionKey: "pk", sortKey: "sk", ttlAttribute: "expiresAt" };

/** Key prefixes and fixed sort keys of the state table (see the table in the header). */
export const KEYS = {
  claim: (key: string) => ({ pk: `claim#${key}`, sk: "claim" }),
  lease: (key: string) => ({ pk: `lease#${key}`, sk: "lease" }),
  session: (key: string) => ({ pk: "sessions", sk: key }),
  sessionIndexPk: "sessions",
  transcriptPk: (sessionId: string) => `transcript#${sessionId}`,
  transcriptHeadSk: "head",
  entrySkPrefix: "entry#",
  entrySk: (seq: number) => `entry#${String(seq).padStart(12, "0")}`,
  outbox: (key: string) => ({ pk: `outbox#${key}`, sk: "outbox" }),
  value: (key: string) => ({ pk: `value#${key}`, sk: "value" }),
  cronJob: (id: string) => ({ pk: "cron-jobs", sk: id }),
  cronJobsPk: "cron-jobs",
  cronJobSeq: { pk: "cron-jobs-seq", sk: "seq" },
  cronRun: (jobId: string, runId: string) => ({ pk: `cron-runs#${jobId}`, sk: runId }),
  cronRunsPk: (jobId: string) => `cron-runs#${jobId}`,
  event: (id: string) => ({ pk: `event#${id}`, sk: "event" }),
  waitingEvent: (sessionKey: string, at: number, id: string) => ({
    pk: `events#${sessionKey}`,
    sk: `${String(at).padStart(15, "0")}#${id}`,
  }),
  waitingEventsPk: (sessionKey: string) => `events#${sessionKey}`,
  /** One partition per UTC day (YYYY-MM-DD), so a day's records are one Query. */
  usagePk: (day: string) => `usage#${day}`,
  usageSk: (at: number, id: string) => `${String(at).padStart(15, "0")}#${id}`,
  outboxPendingPk: "outbox-pending",
  outboxPendingSk: (createdAt: number, key: string) => `${String(createdAt).padStart(15, "0")}#${key}`,
} as const;

/** CreateTable input for a definition: on-demand billing, string keys. */
export function createTableInput(name: string, def: TableDefinition): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: def.partitionKey, AttributeType: "S" },
      { AttributeName: def.sortKey, AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: def.partitionKey, KeyType: "HASH" },
      { AttributeName: def.sortKey, KeyType: "RANGE" },
    ],
  };
}

/**
 * Creates the tables and waits until they are ACTIVE; with `ttl` (default true) turns on TTL.
 * Contract: fails if a table exists already (each deployment or test owns its names).
 */
export async function createTables(
  client: DynamoDBClient,
  names: TableNames,
  options: { ttl?: boolean; timeoutMs?: number } = {},
): Promise<void> {
  await client.send(new CreateTableCommand(createTableInput(names.state, STATE_TABLE)));
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: names.state }));
    if (Table?.TableStatus === "ACTIVE") break;
    if (Date.now() > deadline) throw new Error(`Table ${names.state} did not become ACTIVE in time.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (options.ttl ?? true) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: names.state,
        TimeToLiveSpecification: { AttributeName: STATE_TABLE.ttlAttribute, Enabled: true },
      }),
    );
  }
}
