// CronStore on DynamoDB: jobs in one partition (a sweep reads them with one Query), each job's runs in
// a partition of its own keyed by run id (a run added twice is stored once), and system events as one
// item per id plus a waiting marker per session. Single conditional writes only (dynalite has no transactions).
import { randomUUID } from "node:crypto";
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { type CronJob, type CronRun, RUN_HISTORY_LIMIT } from "../../core/cron/cron-job.ts";
import type { Clock } from "../../ports/clock.ts";
import { type CronStore, EVENT_ID_KEPT_MS, type SystemEvent } from "../../ports/cron-store.ts";
import { isConditionFailed, type Item, n, queryAll, s, ttlSeconds } from "./items.ts";
import { KEYS, STATE_TABLE } from "./tables.ts";

export interface DynamoCronStoreOptions {
  client: DynamoDBClient;
  table: string;
  clock: Clock;
}

const key = (k: { pk: string; sk: string }) => ({ pk: s(k.pk), sk: s(k.sk) });
const pad = (ms: number) => String(ms).padStart(15, "0");

export function createDynamoCronStore({ client, table, clock }: DynamoCronStoreOptions): CronStore {
  const getItem = async (k: { pk: string; sk: string }) =>
    (await client.send(new GetItemCommand({ TableName: table, Key: key(k), ConsistentRead: true }))).Item;

  const partition = (pk: string) =>
    queryAll(client, {
      TableName: table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": s(pk) },
    });

  /** Every job in creation order. */
  const allJobs = async () =>
    (await partition(KEYS.cronJobsPk))
      .sort((a, b) => Number(a["seq"]!.N) - Number(b["seq"]!.N))
      .map((item) => JSON.parse(item["body"]!.S!) as CronJob);

  /** Runs of a job, newest first: by finish, then start. */
  const runItems = async (jobId: string) =>
    (await partition(KEYS.cronRunsPk(jobId))).sort((a, b) => (a["order"]!.S! < b["order"]!.S! ? 1 : -1));

  const deleteItem = (item: Item) =>
    client.send(new DeleteItemCommand({ TableName: table, Key: { pk: item["pk"]!, sk: item["sk"]! } }));

  const marker = (event: SystemEvent): Item => ({
    ...key(KEYS.waitingEvent(event.sessionKey, event.at, event.id)),
    event: s(JSON.stringify(event)),
  });

  return {
    async save(job) {
      const body = s(JSON.stringify(job));
      for (;;) {
        try {
          // A job that exists keeps its place in the creation order.
          await client.send(
            new UpdateItemCommand({
              TableName: table,
              Key: key(KEYS.cronJob(job.id)),
              UpdateExpression: "SET body = :body",
              ConditionExpression: "attribute_exists(pk)",
              ExpressionAttributeValues: { ":body": body },
            }),
          );
          return;
        } catch (err) {
          if (!isConditionFailed(err)) throw err;
        }
        const { Attributes } = await client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: key(KEYS.cronJobSeq),
            UpdateExpression: "ADD n :one",
            ExpressionAttributeValues: { ":one": n(1) },
            ReturnValues: "UPDATED_NEW",
          }),
        );
        try {
          await client.send(
            new PutItemCommand({
              TableName: table,
              Item: { ...key(KEYS.cronJob(job.id)), body, seq: Attributes!["n"]! },
              ConditionExpression: "attribute_not_exists(pk)",
            }),
          );
          return;
        } catch (err) {
          // Another process created it meanwhile: replace it, as an update.
          if (!isConditionFailed(err)) throw err;
        }
      }
    },

    async get(id) {
      const item = await getItem(KEYS.cronJob(id));
      return item ? (JSON.parse(item["body"]!.S!) as CronJob) : null;
    },

    list: allJobs,

    async dueOrRunning(now) {
      return (await allJobs()).filter(
        (job) =>
          job.state.running !== undefined ||
          (job.enabled && job.state.nextRunAt !== undefined && job.state.nextRunAt <= now),
      );
    },

    async remove(id) {
      for (const item of await partition(KEYS.cronRunsPk(id))) await deleteItem(item);
      const { Attributes } = await client.send(
        new DeleteItemCommand({ TableName: table, Key: key(KEYS.cronJob(id)), ReturnValues: "ALL_OLD" }),
      );
      return Attributes !== undefined;
    },

    async addRun(run) {
      const body = JSON.stringify(run);
      const runKey = KEYS.cronRun(run.jobId, run.runId);
      try {
        await client.send(
          new PutItemCommand({
            TableName: table,
            Item: { ...key(runKey), body: s(body), order: s(`${pad(run.finishedAt)}#${pad(run.startedAt)}`) },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        );
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
        // The SDK retried a put whose first attempt landed: that one is ours.
        return (await getItem(runKey))?.["body"]?.S === body;
      }
      for (const old of (await runItems(run.jobId)).slice(RUN_HISTORY_LIMIT)) await deleteItem(old);
      return true;
    },

    async runs(jobId, limit = RUN_HISTORY_LIMIT) {
      return (await runItems(jobId)).slice(0, limit).map((item) => JSON.parse(item["body"]!.S!) as CronRun);
    },

    async postEvent(event) {
      const token = randomUUID();
      try {
        // A taken id frees up a day after it was taken, as in the SQLite adapter.
        await client.send(
          new PutItemCommand({
            TableName: table,
            Item: { ...key(KEYS.event(event.id)), event: s(JSON.stringify(event)), token: s(token) },
            ConditionExpression: "attribute_not_exists(pk) OR consumedAt <= :cutoff",
            ExpressionAttributeValues: { ":cutoff": n(clock.now() - EVENT_ID_KEPT_MS) },
          }),
        );
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
        const stored = await getItem(KEYS.event(event.id));
        const ours = stored?.["token"]?.S === token;
        // Still waiting: a crash may have come between the two puts, so the marker is put again.
        if (stored && (ours || stored["consumedAt"] === undefined)) {
          await client.send(
            new PutItemCommand({ TableName: table, Item: marker(JSON.parse(stored["event"]!.S!)) }),
          );
        }
        return ours;
      }
      await client.send(new PutItemCommand({ TableName: table, Item: marker(event) }));
      return true;
    },

    async events(sessionKey) {
      return (await partition(KEYS.waitingEventsPk(sessionKey))).map(
        (item) => JSON.parse(item["event"]!.S!) as SystemEvent,
      );
    },

    async dropEvents(ids) {
      const now = clock.now();
      for (const id of ids) {
        const stored = await getItem(KEYS.event(id));
        if (!stored) continue;
        if (stored["consumedAt"] === undefined) {
          await client.send(
            new UpdateItemCommand({
              TableName: table,
              Key: key(KEYS.event(id)),
              UpdateExpression: "SET consumedAt = :now, #ttl = :ttl",
              ExpressionAttributeNames: { "#ttl": STATE_TABLE.ttlAttribute },
              ExpressionAttributeValues: { ":now": n(now), ":ttl": ttlSeconds(now + EVENT_ID_KEPT_MS) },
            }),
          );
        }
        // Also when it was taken already: a crash may have left its marker behind.
        await deleteItem(marker(JSON.parse(stored["event"]!.S!)));
      }
    },
  };
}
