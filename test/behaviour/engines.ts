// The engines the behaviour suite runs against: each opens fresh, real Ports (local: a temp folder with
// SQLite; aws: dynalite + fauxqs on loopback, a fresh table, bucket and FIFO queue per test, and a
// local EventBridge Scheduler for the cron alarm).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { startSchedulerEmulator } from "../../src/engines/aws/dev/scheduler-emulator.ts";
import { createAwsPorts } from "../../src/engines/aws/wire.ts";
import { createLocalPorts } from "../../src/engines/local/wire.ts";
import type { Ports } from "../../src/ports/index.ts";
import { createFakeClock, type FakeClock } from "../../src/util/fake-clock.ts";
import { dynamoClient, type Emulator, FAKE_AWS, freshTables, startDynalite } from "../emulators/dynalite.ts";
import { freshBucket, freshFifoQueue, s3Client, sqsClient, startFauxqs } from "../emulators/fauxqs.ts";

/** Ports opened for one test; `clock` is the fake clock they were wired with. */
export interface EngineInstance {
  ports: Ports;
  clock: FakeClock;
  cleanup(): Promise<void>;
  /**
   * aws only (locally the timer alarm fires inside a started cron service): delivers the schedules
   * due by the clock on the local EventBridge Scheduler to `onFiring`, as the schedule Lambda gets them.
   */
  fireSchedules?(onFiring: (jobId: string, scheduledAt: number) => Promise<unknown>): Promise<void>;
}

/** One engine under test. */
export interface EngineHarness {
  name: "local" | "aws";
  /** Starts what every test of a file shares (the emulators); call in beforeAll. */
  setup(): Promise<void>;
  /** Stops it again; call in afterAll. Safe when setup failed or never ran. */
  teardown(): Promise<void>;
  /** Fresh, empty ports for one test. */
  open(start?: number): Promise<EngineInstance>;
}

const local: EngineHarness = {
  name: "local",
  setup: async () => {},
  teardown: async () => {},
  async open(start) {
    const dir = await mkdtemp(join(tmpdir(), "agent-claw-behaviour-"));
    const clock = createFakeClock(start);
    const ports = createLocalPorts({
      workspaceDir: join(dir, "workspace"),
      stateDb: join(dir, "state.db"),
      sessionsDir: join(dir, "sessions"),
      memoryDb: join(dir, "memory.db"),
      clock,
    });
    return {
      ports,
      clock,
      async cleanup() {
        await ports.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

function awsHarness(): EngineHarness {
  let emulators: { dynamo: Emulator; fauxqs: Emulator } | undefined;
  let admin: { dynamodb: DynamoDBClient; s3: S3Client; sqs: SQSClient } | undefined;
  return {
    name: "aws",
    async setup() {
      const [dynamo, fauxqs] = await Promise.all([startDynalite(), startFauxqs()]);
      emulators = { dynamo, fauxqs };
      admin = {
        dynamodb: dynamoClient(dynamo.endpoint),
        s3: s3Client(fauxqs.endpoint),
        sqs: sqsClient(fauxqs.endpoint),
      };
    },
    async teardown() {
      for (const client of Object.values(admin ?? {})) client.destroy();
      await Promise.all([emulators?.dynamo.stop(), emulators?.fauxqs.stop()]);
      admin = undefined;
      emulators = undefined;
    },
    async open(start) {
      if (!emulators || !admin) throw new Error("aws harness: call setup() in beforeAll first");
      const [{ state }, bucket, queueUrl] = await Promise.all([
        freshTables(admin.dynamodb),
        freshBucket(admin.s3),
        freshFifoQueue(admin.sqs),
      ]);
      const clock = createFakeClock(start);
      let onFiring: ((jobId: string, scheduledAt: number) => Promise<unknown>) | undefined;
      const scheduler = await startSchedulerEmulator({
        clock,
        groups: ["agent-claw"],
        async invoke(firing) {
          const { jobId, scheduledTime } = JSON.parse(firing.input) as {
            jobId: string;
            scheduledTime: string;
          };
          await onFiring?.(jobId, Date.parse(scheduledTime));
        },
      });
      const ports = createAwsPorts({
        ...FAKE_AWS,
        endpoint: {
          dynamodb: emulators.dynamo.endpoint,
          s3: emulators.fauxqs.endpoint,
          sqs: emulators.fauxqs.endpoint,
          scheduler: scheduler.endpoint,
        },
        schedule: {
          group: "agent-claw",
          targetArn: "arn:aws:lambda:us-east-1:000000000000:function:agent-claw-schedule",
          roleArn: "arn:aws:iam::000000000000:role/agent-claw-scheduler",
        },
        table: state,
        bucket,
        workspacePrefix: "agents/main/workspace/",
        transcriptsPrefix: "agents/main/transcripts/",
        queueUrl,
        clock,
      });
      return {
        ports,
        clock,
        async cleanup() {
          await ports.close();
          await scheduler.stop();
        },
        async fireSchedules(deliver) {
          onFiring = deliver;
          await scheduler.fire();
        },
      };
    },
  };
}

/** Every engine, for `describe.each(engines)`. */
export const engines: EngineHarness[] = [local, awsHarness()];
