// Each Lambda handler's bundle size and cold init: fresh Node processes (bench/aws-cold-child.ts) import
// dist/lambda/<name>.mjs and answer a first event of the real shape against aws dev's emulators: ingest a
// Telegram webhook call (API Gateway v2, with the secret), runner an SQS FIFO batch of one message (a turn
// with the instant fake model, delivered to the fake Bot API), schedule a heartbeat firing (Scheduler's input).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEventV2, SQSEvent } from "aws-lambda";
import { FAKE_AWS, sqsClient } from "../src/engines/aws/dev/emulators.ts";
import { toSqsRecord } from "../src/engines/aws/dev/sqs-driver.ts";
import { type AwsBenchWorld, startAwsBenchWorld } from "./aws-dev-world.ts";
import { type Summary, summarize } from "./stats.ts";

type Handler = "ingest" | "runner" | "schedule";

/** The bundles `npm run build` writes, which aws dev runs too. */
const bundle = (name: Handler) => join(import.meta.dirname, "../dist/lambda", `${name}.mjs`);

export interface ColdInit {
  name: Handler;
  bytes: number;
  /** Import plus first answer: what the function's first caller waits for beyond Node's own boot. */
  total: Summary;
  import: Summary;
  first: Summary;
  /** Node's boot before the bundle is imported (the Lambda runtime's part, not counted in total). */
  boot: Summary;
  /** The CPU time of import plus first answer: steadier than wall time on a busy machine. */
  cpu: Summary;
  importCpu: Summary;
}

interface ChildTimes {
  bootMs: number;
  importMs: number;
  firstMs: number;
  importCpuMs: number;
  firstCpuMs: number;
  result: unknown;
}

/**
 * Runs one cold start of `name` with `env`; rejects with the child's output when it did not answer.
 * BENCH_CPU_PROF=<dir> writes each cold start's CPU profile there (map it through the bundle's .map).
 */
function coldStart(name: Handler, env: Record<string, string>, event: unknown): Promise<ChildTimes> {
  const dir = process.env.BENCH_CPU_PROF;
  const child = spawn(
    process.execPath,
    [
      ...(dir
        ? ["--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}-${randomUUID()}.cpuprofile`]
        : []),
      join(import.meta.dirname, "aws-cold-child.ts"),
      bundle(name),
      JSON.stringify(event),
    ],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("cold-init "));
      if (code === 0 && line) resolve(JSON.parse(line.slice("cold-init ".length)) as ChildTimes);
      else reject(new Error(`${name} cold start exited with ${code}:\n${out.slice(-2000)}`));
    });
  });
}

/** A Telegram webhook call as API Gateway's HTTP API hands it to the ingest function. */
function webhookEvent(secret: string, update: unknown): APIGatewayProxyEventV2 {
  const now = new Date();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/telegram/webhook",
    rawQueryString: "",
    headers: {
      "content-type": "application/json",
      host: "abc123.execute-api.us-east-1.amazonaws.com",
      "x-telegram-bot-api-secret-token": secret,
    },
    requestContext: {
      accountId: "000000000000",
      apiId: "abc123",
      domainName: "abc123.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "abc123",
      http: {
        method: "POST",
        path: "/telegram/webhook",
        protocol: "HTTP/1.1",
        sourceIp: "91.108.6.1",
        userAgent: "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      // "07/Dec/2026:04:00:00 +0000"
      time: now.toUTCString().replace(/^\w+, (\d+) (\w+) (\d+) ([\d:]+) GMT$/, "$1/$2/$3:$4 +0000"),
      timeEpoch: now.getTime(),
    },
    body: JSON.stringify(update),
    isBase64Encoded: false,
  };
}

/** A FIFO queue aws dev's event source does not poll: the ingest runs queue there, the runner runs take from it. */
async function sideQueue(world: AwsBenchWorld) {
  const sqs = sqsClient(world.dev.env["AGENT_CLAW_AWS_ENDPOINT_SQS"]!);
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: `bench-cold-${randomUUID().slice(0, 8)}.fifo`,
      Attributes: { FifoQueue: "true", ContentBasedDeduplication: "false", VisibilityTimeout: "300" },
    }),
  );
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
  );
  const arn = Attributes!.QueueArn!;
  return {
    url: QueueUrl!,
    /** The next message, as the SQS event source hands a batch of one to the runner. */
    async nextEvent(): Promise<SQSEvent> {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 1,
          MessageSystemAttributeNames: ["All"],
          MessageAttributeNames: ["All"],
        }),
      );
      if (Messages.length !== 1) throw new Error("the side queue holds no message for the runner");
      return { Records: Messages.map((m) => toSqsRecord(m, arn, FAKE_AWS.region)) };
    },
    close: () => sqs.destroy(),
  };
}

/**
 * `samples` cold starts of each handler (plus one first, not counted, that warms the file cache).
 * Needs dist/lambda (npm run build).
 */
export async function benchAwsColdInit(options: { samples?: number } = {}): Promise<ColdInit[]> {
  const samples = options.samples ?? 7;
  const runs = samples + 1;
  const world = await startAwsBenchWorld({ turns: runs });
  const queue = await sideQueue(world);
  try {
    const env = { ...world.dev.env, AGENT_CLAW_AWS_QUEUE_URL: queue.url };
    const measure = async (name: Handler, run: (i: number) => Promise<ChildTimes>): Promise<ColdInit> => {
      const times: ChildTimes[] = [];
      for (let i = 0; i < runs; i++) times.push(await run(i));
      const counted = times.slice(1);
      return {
        name,
        bytes: statSync(bundle(name)).size,
        total: summarize(counted.map((t) => t.importMs + t.firstMs)),
        import: summarize(counted.map((t) => t.importMs)),
        first: summarize(counted.map((t) => t.firstMs)),
        boot: summarize(counted.map((t) => t.bootMs)),
        cpu: summarize(counted.map((t) => t.importCpuMs + t.firstCpuMs)),
        importCpu: summarize(counted.map((t) => t.importCpuMs)),
      };
    };
    const chat = (i: number) => 7_000_000 + i;
    const ingest = await measure("ingest", async (i) => {
      const update = world.telegram.message({
        chatId: chat(i),
        from: { id: chat(i), first_name: `Cold ${i}` },
        text: `cold ${i}`,
      });
      const times = await coldStart("ingest", env, webhookEvent(world.dev.webhookSecret, update));
      const status = (times.result as { statusCode?: number }).statusCode;
      if (status !== 200) throw world.failure(`ingest answered ${JSON.stringify(times.result)}`);
      return times;
    });
    // Each ingest run queued one message in a group of its own: each runner run takes one of them.
    const runner = await measure("runner", async (i) => {
      const times = await coldStart("runner", env, await queue.nextEvent());
      const failures = (times.result as { batchItemFailures?: unknown[] }).batchItemFailures;
      if (failures?.length !== 0) throw world.failure(`runner answered ${JSON.stringify(times.result)}`);
      const replies = world.replies(chat(i));
      if (replies.length !== 1 || replies[0] !== `re: cold ${i}`) {
        throw world.failure(`runner run ${i} sent ${JSON.stringify(replies)}, not "re: cold ${i}"`);
      }
      return times;
    });
    // A heartbeat firing per 30-minute slot, as its rate() schedule fires.
    const slot0 = Math.floor(Date.now() / 1_800_000) * 1_800_000;
    const schedule = await measure("schedule", async (i) => {
      const scheduledTime = new Date(slot0 + i * 1_800_000).toISOString().replace(/\.\d{3}Z$/, "Z");
      const times = await coldStart("schedule", env, { jobId: "heartbeat", scheduledTime });
      if (typeof (times.result as { result?: unknown }).result !== "string") {
        throw world.failure(`schedule answered ${JSON.stringify(times.result)}`);
      }
      return times;
    });
    return [ingest, runner, schedule];
  } finally {
    queue.close();
    await world.close();
  }
}

const TARGETS: Partial<Record<Handler, { bytes: number; p50: number }>> = {
  ingest: { bytes: 1_000_000, p50: 150 },
};

/** One line per handler, with ✓/✗ where the issue sets a target. */
export function coldInitLines(figures: ColdInit[]): string[] {
  return figures.map((f) => {
    const target = TARGETS[f.name];
    const mb = f.bytes / 1e6;
    const size = `${mb.toFixed(2)} MB${target ? (f.bytes < target.bytes ? " ✓" : " ✗ (target < 1 MB)") : ""}`;
    const p50 = f.total.p50;
    const init = `${p50.toFixed(0)} ms${target ? (p50 < target.p50 ? " ✓" : ` ✗ (target < ${target.p50} ms)`) : ""}`;
    return (
      `${`${f.name} Lambda: bundle, cold init p50`.padEnd(47)}${size}   ${init}` +
      `   (import ${f.import.p50.toFixed(0)} + first event ${f.first.p50.toFixed(0)} ms; CPU ${f.cpu.p50.toFixed(0)} ms, ${f.importCpu.p50.toFixed(0)} of it importing; Node boot ${f.boot.p50.toFixed(0)} ms apart)   n=${f.total.n}`
    );
  });
}

if (import.meta.main) {
  // `node bench/aws-cold-init.ts [samples]`
  const samples = Number(process.argv[2] ?? 7);
  for (const line of coldInitLines(await benchAwsColdInit({ samples }))) process.stdout.write(`${line}\n`);
}
