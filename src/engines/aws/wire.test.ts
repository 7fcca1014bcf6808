// The aws composition root: the wired ports against dynalite + fauxqs.
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dynamoClient,
  type Emulator,
  FAKE_AWS,
  freshTables,
  startDynalite,
} from "../../../test/emulators/dynalite.ts";
import {
  freshBucket,
  freshFifoQueue,
  s3Client,
  sqsClient,
  startFauxqs,
} from "../../../test/emulators/fauxqs.ts";
import { createCronService } from "../../core/cron/cron-service.ts";
import { isMessageEntry } from "../../core/transcript.ts";
import { cronJob } from "../../ports/cron-store.contract.ts";
import type { Ports } from "../../ports/index.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { createAwsPorts } from "./wire.ts";

describe("createAwsPorts against the emulators", () => {
  let dynamo: Emulator;
  let fauxqs: Emulator;
  let admin: { dynamodb: DynamoDBClient; s3: S3Client; sqs: SQSClient };

  beforeAll(async () => {
    [dynamo, fauxqs] = await Promise.all([startDynalite(), startFauxqs()]);
    admin = {
      dynamodb: dynamoClient(dynamo.endpoint),
      s3: s3Client(fauxqs.endpoint),
      sqs: sqsClient(fauxqs.endpoint),
    };
  });
  afterAll(async () => {
    for (const client of Object.values(admin ?? {})) client.destroy();
    await Promise.all([dynamo?.stop(), fauxqs?.stop()]);
  });

  async function wired(): Promise<{ ports: Ports; bucket: string }> {
    const [{ state }, bucket, queueUrl] = await Promise.all([
      freshTables(admin.dynamodb),
      freshBucket(admin.s3),
      freshFifoQueue(admin.sqs),
    ]);
    const ports = createAwsPorts({
      ...FAKE_AWS,
      endpoint: { dynamodb: dynamo.endpoint, s3: fauxqs.endpoint, sqs: fauxqs.endpoint },
      table: state,
      bucket,
      workspacePrefix: "agents/main/workspace/",
      transcriptsPrefix: "agents/main/transcripts/",
      queueUrl,
      clock: createFakeClock(),
    });
    return { ports, bucket };
  }

  it("wires a workspace, sessions, claims and a queue that work, and closes twice", async () => {
    const { ports } = await wired();
    try {
      await ports.workspace.write("notes/hello.md", "hi ✓");
      expect(new TextDecoder().decode((await ports.workspace.read("notes/hello.md")) ?? undefined)).toBe(
        "hi ✓",
      );
      expect(ports.workspace.location).toMatch(/^s3:\/\/test-[^/]+\/agents\/main\/workspace\/?$/);

      const session = await ports.sessions.open("agent:main:main");
      expect(session.createdAt).toBe(ports.clock.now());
      await ports.sessions.append(session.sessionId, [
        { type: "message", id: "1", at: 0, message: { role: "user", content: "hello" } },
      ]);
      expect(
        (await ports.sessions.load(session.sessionId)).filter(isMessageEntry).map((e) => e.message),
      ).toEqual([{ role: "user", content: "hello" }]);

      expect(await ports.claims.claimOnce("telegram:bot:1", 60_000)).toBe(true);
      expect(await ports.claims.claimOnce("telegram:bot:1", 60_000)).toBe(false);

      expect(await ports.queue.enqueue({ group: "g", dedupeId: "m1", body: { text: "hi" } })).toBe(true);
      expect(await ports.queue.enqueue({ group: "g", dedupeId: "m1", body: { text: "hi" } })).toBe(false);
      const [delivery, ...more] = await ports.queue.receive({ max: 10, visibilityMs: 30_000 });
      expect(more).toEqual([]);
      expect(delivery).toMatchObject({ group: "g", dedupeId: "m1", body: { text: "hi" }, attempts: 1 });
      await ports.queue.ack(delivery!);
      expect(await ports.queue.receive({ max: 10, visibilityMs: 30_000 })).toEqual([]);
    } finally {
      await ports.close();
      await ports.close();
    }
  });

  it("keeps transcripts too large for DynamoDB under the transcripts prefix of the bucket", async () => {
    const { ports, bucket } = await wired();
    try {
      const session = await ports.sessions.open("big");
      const huge = "z".repeat(400_000);
      await ports.sessions.append(session.sessionId, [
        { type: "message", id: "1", at: 0, message: { role: "user", content: huge } },
      ]);
      expect((await ports.sessions.load(session.sessionId)).filter(isMessageEntry)[0]?.message.content).toBe(
        huge,
      );
      const listed = await admin.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      expect(listed.Contents?.map((o) => o.Key)).toEqual([
        expect.stringMatching(new RegExp(`^agents/main/transcripts/${session.sessionId}/`)),
      ]);
      // Same bucket, another prefix: the workspace does not see the transcript objects.
      expect(await ports.workspace.list("", { recursive: true })).toEqual([]);
    } finally {
      await ports.close();
    }
  });

  it("keeps cron jobs in the table, and without a schedule target says which settings their alarm needs", async () => {
    const { ports } = await wired();
    try {
      const job = cronJob("daily", ports.clock.now() + 60_000);
      await ports.cron.save(job);
      expect(await ports.cron.list()).toEqual([job]);
      await expect(ports.alarm.set(job)).rejects.toThrow(
        /AGENT_CLAW_AWS_SCHEDULE_GROUP, AGENT_CLAW_AWS_SCHEDULE_TARGET_ARN and AGENT_CLAW_AWS_SCHEDULE_ROLE_ARN/,
      );
      await ports.alarm.clear(job.id);
      // Through the cron service, the job is not stored without its schedule (it would never run).
      const cron = createCronService({
        store: ports.cron,
        alarm: ports.alarm,
        claims: ports.claims,
        clock: ports.clock,
        timeZone: () => "UTC",
        newId: () => "weekly",
      });
      await expect(cron.add({ every: "7d", systemEvent: "review" }, { kind: "owner" })).rejects.toThrow(
        /AGENT_CLAW_AWS_SCHEDULE_TARGET_ARN/,
      );
      expect((await ports.cron.list()).map((j) => j.id)).toEqual(["daily"]);
    } finally {
      await ports.close();
    }
  });
});
