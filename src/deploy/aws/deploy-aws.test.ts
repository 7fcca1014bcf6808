// `deploy aws` around the one step that needs an account: the CDK toolkit is injected (it answers with the
// outputs CloudFormation would), everything else is real and talks to loopback fakes through the real SDK
// clients: Secrets Manager (awsJson1.1), EventBridge Scheduler (aws dev's emulator) and the Telegram Bot API.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSecretsManagerFake, type SecretsManagerFake } from "../../../test/fakes/secrets-manager.ts";
import { startTelegramFake, type TelegramFake } from "../../../test/fakes/telegram-bot-api.ts";
import type { DeployOptions } from "../../../infra/options.ts";
import { startSchedulerEmulator, type SchedulerEmulator } from "../../engines/aws/dev/scheduler-emulator.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import type { AwsIdentity } from "./aws-access.ts";
import { type DeployDeps, deployAws, destroyAws } from "./deploy-aws.ts";
import { deployRecordFile, readDeployRecord } from "./deploy-record.ts";
import type { DeployToolkit } from "./toolkit.ts";

const TOKEN = "123456789:AAsecretTokenThatMustNotLeak_0123456789";
const ACCOUNT = "123456789012";
const REGION = "eu-west-1";

let home: string;
let artifacts: string;
let secrets: SecretsManagerFake;
let telegram: TelegramFake;
let scheduler: SchedulerEmulator;
let secretArn: string;
const toolkitCalls: Array<{ action: string; options: DeployOptions }> = [];

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "agent-claw-deploy-"));
  artifacts = await mkdtemp(join(tmpdir(), "agent-claw-artifacts-"));
  for (const name of ["ingest", "runner", "schedule"]) await writeFile(join(artifacts, `${name}.mjs`), "");
  await writeFile(
    join(home, "config.json"),
    JSON.stringify({
      model: "anthropic/claude-sonnet-4-5",
      heartbeat: { everyMinutes: 30 },
      gateway: { token: "gateway-token-never-deployed" },
      channels: { telegram: { botToken: TOKEN, allowFrom: ["42"] } },
      providers: { anthropic: { apiKey: "sk-ant-from-config-0123456789" } },
    }),
  );
  secrets = await startSecretsManagerFake();
  secretArn = secrets.put("agent-claw/secrets", "{}");
  telegram = await startTelegramFake({ token: TOKEN });
  scheduler = await startSchedulerEmulator({
    clock: createFakeClock(),
    groups: ["agent-claw"],
    accountId: ACCOUNT,
    invoke: async () => {},
  });
  toolkitCalls.length = 0;
});

afterEach(async () => {
  await Promise.all([secrets.close(), telegram.close(), scheduler.stop()]);
  await Promise.all([
    rm(home, { recursive: true, force: true }),
    rm(artifacts, { recursive: true, force: true }),
  ]);
});

const outputs = () => ({
  WebhookUrl: "https://abc123.execute-api.eu-west-1.amazonaws.com/telegram/webhook",
  TableName: "agent-claw-serverless-Table",
  BucketName: "agent-claw-serverless-bucket",
  QueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/agent-claw-intake.fifo`,
  DeadLetterQueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/agent-claw-dead-letter.fifo`,
  SecretArn: secretArn,
  ScheduleGroup: "agent-claw",
  ScheduleTargetArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:agent-claw-schedule`,
  ScheduleRoleArn: `arn:aws:iam::${ACCOUNT}:role/agent-claw-scheduler`,
  ScheduleDeadLetterArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:agent-claw-schedule-dlq`,
  RunnerLogGroup: "/aws/lambda/agent-claw-runner",
});

function deps(overrides: Partial<DeployDeps> = {}): DeployDeps {
  const toolkit: DeployToolkit = {
    async deploy(options, progress) {
      toolkitCalls.push({ action: "deploy", options });
      progress("agent-claw-serverless: creating CloudFormation changeset...");
      return { stackName: `${options.name}-${options.stack}`, outputs: outputs() };
    },
    async destroy(options) {
      toolkitCalls.push({ action: "destroy", options });
    },
  };
  const identity = async (): Promise<AwsIdentity> => ({
    account: ACCOUNT,
    region: REGION,
    arn: `arn:aws:iam::${ACCOUNT}:user/me`,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  return {
    env: {
      AGENT_CLAW_HOME: home,
      TELEGRAM_API_ROOT: telegram.url,
      AGENT_CLAW_AWS_ENDPOINT_SECRETSMANAGER: secrets.url,
      AGENT_CLAW_AWS_ENDPOINT_SCHEDULER: scheduler.endpoint,
    },
    toolkit,
    identity,
    progress: () => {},
    clock: createFakeClock(),
    artifacts: { lambdaDir: artifacts, runtimeDir: artifacts, gatewayDir: artifacts },
    ...overrides,
  };
}

const request = { stack: "serverless", turns: "lambda", name: "agent-claw" } as const;

describe("deployAws", () => {
  it("stores the secrets with the config's secrets moved out, sets the webhook and the heartbeat, and records it", async () => {
    const done = await deployAws(request, deps());

    expect(toolkitCalls.map((c) => [c.action, c.options.account, c.options.region, c.options.stack])).toEqual(
      [["deploy", ACCOUNT, REGION, "serverless"]],
    );
    const stored = JSON.parse(secrets.value(secretArn)!) as Record<string, string>;
    expect(stored["TELEGRAM_BOT_TOKEN"]).toBe(TOKEN);
    expect(stored["ANTHROPIC_API_KEY"]).toBe("sk-ant-from-config-0123456789");
    expect(stored["TELEGRAM_API_ROOT"]).toBe(telegram.url);
    const config = JSON.parse(stored["AGENT_CLAW_CONFIG"]!) as Record<string, unknown>;
    expect(config).toEqual({
      model: "anthropic/claude-sonnet-4-5",
      heartbeat: { everyMinutes: 30 },
      channels: { telegram: { allowFrom: ["42"] } },
    });
    const webhookSecret = stored["TELEGRAM_WEBHOOK_SECRET"]!;
    expect(webhookSecret.length).toBeGreaterThanOrEqual(16);

    expect(telegram.webhook).toMatchObject({ url: outputs().WebhookUrl, secretToken: webhookSecret });
    expect(scheduler.schedules()).toEqual([
      expect.objectContaining({ name: "heartbeat", group: "agent-claw", expression: "rate(30 minutes)" }),
    ]);

    const record = await readDeployRecord(home);
    expect(record).toMatchObject({
      stack: "serverless",
      stackName: "agent-claw-serverless",
      account: ACCOUNT,
      region: REGION,
      webhookUrl: outputs().WebhookUrl,
    });
    expect(await readFile(deployRecordFile(home), "utf8")).not.toContain("AAsecret");
    expect(done.summary.join("\n")).toContain("aws logs tail /aws/lambda/agent-claw-runner --follow");
  });

  it("checks the credentials before any other work", async () => {
    const failing = deps({
      identity: async () => {
        throw new Error("no credentials");
      },
    });
    await expect(deployAws(request, failing)).rejects.toThrow("no credentials");
    expect(toolkitCalls).toEqual([]);
    expect(secrets.calls).toEqual([]);
  });

  it("says what to build when the bundles are missing, before deploying", async () => {
    await rm(join(artifacts, "runner.mjs"));
    await expect(deployAws(request, deps())).rejects.toThrow(
      /Not built: .*runner\.mjs\. Run `npm run build`/,
    );
    expect(toolkitCalls).toEqual([]);
  });

  it("names a missing output instead of deploying half", async () => {
    const toolkit: DeployToolkit = {
      deploy: async () => ({
        stackName: "agent-claw-serverless",
        outputs: { WebhookUrl: "https://x/telegram/webhook" },
      }),
      destroy: async () => {},
    };
    await expect(deployAws(request, deps({ toolkit }))).rejects.toThrow(
      "The stack agent-claw-serverless has no output SecretArn",
    );
  });
});

describe("destroyAws", () => {
  it("deletes the webhook, the stack and the secret, keeps the bucket, and forgets the record", async () => {
    await deployAws(request, deps());
    expect(telegram.webhook).toBeDefined();

    const lines = await destroyAws({ deleteBucket: false }, deps());

    expect(telegram.webhook).toBeUndefined();
    expect(toolkitCalls.map((c) => c.action)).toEqual(["deploy", "destroy"]);
    expect(toolkitCalls[1]!.options).toMatchObject({ name: "agent-claw", stack: "serverless" });
    expect(secrets.value(secretArn)).toBeUndefined();
    expect(lines).toContain(
      "bucket agent-claw-serverless-bucket kept (workspace and transcripts); --delete-bucket removes it",
    );
    expect(await readDeployRecord(home)).toBeUndefined();
  });
});
