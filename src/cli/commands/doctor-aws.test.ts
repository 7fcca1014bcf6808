// doctor's checks of a recorded deployment, through the real SDK clients against loopback fakes:
// CloudFormation (awsQuery XML), SQS (fauxqs), Secrets Manager (awsJson1.1) and the Telegram Bot API.
import { CreateQueueCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startCloudFormationFake, type CloudFormationFake } from "../../../test/fakes/cloudformation.ts";
import { startSecretsManagerFake, type SecretsManagerFake } from "../../../test/fakes/secrets-manager.ts";
import { startTelegramFake, type TelegramFake } from "../../../test/fakes/telegram-bot-api.ts";
import { configSchema } from "../../config/schema.ts";
import { DeployError, NO_CREDENTIALS } from "../../deploy/aws/aws-access.ts";
import type { DeployRecord } from "../../deploy/aws/deploy-record.ts";
import { serverlessRecord } from "../../deploy/aws/testing/serverless-record.ts";
import { type Emulator, sqsClient, startFauxqs } from "../../engines/aws/dev/emulators.ts";
import { awsDeployChecks } from "./doctor-aws.ts";

const TOKEN = "123456789:AAsecretTokenThatMustNotLeak_0123456789";
const ACCOUNT = "123456789012";
const WEBHOOK = "https://abc123.execute-api.eu-west-1.amazonaws.com/telegram/webhook";

let cloudformation: CloudFormationFake;
let secrets: SecretsManagerFake;
let telegram: TelegramFake;
let fauxqs: Emulator;
let deadLetterUrl: string;

beforeAll(async () => {
  [cloudformation, secrets, telegram, fauxqs] = await Promise.all([
    startCloudFormationFake(),
    startSecretsManagerFake(),
    startTelegramFake({ token: TOKEN }),
    startFauxqs(),
  ]);
  const sqs = sqsClient(fauxqs.endpoint);
  deadLetterUrl = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: "agent-claw-dead-letter.fifo",
        Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" },
      }),
    )
  ).QueueUrl!;
  sqs.destroy();
});
afterAll(async () => {
  await Promise.all([cloudformation.close(), secrets.close(), telegram.close(), fauxqs.stop()]);
});

let record: DeployRecord;
beforeEach(async () => {
  const secretArn = secrets.put(
    "agent-claw/secrets",
    JSON.stringify({
      AGENT_CLAW_CONFIG: "{}",
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_WEBHOOK_SECRET: "s3cret-webhook",
    }),
  );
  record = serverlessRecord(
    ACCOUNT,
    { WebhookUrl: WEBHOOK, SecretArn: secretArn, DeadLetterQueueUrl: deadLetterUrl },
    { webhookUrl: WEBHOOK },
  );
  cloudformation.setStack({ name: "agent-claw-serverless", status: "UPDATE_COMPLETE" });
  await fetch(`${telegram.url}/bot${TOKEN}/setWebhook`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: WEBHOOK, secret_token: "s3cret-webhook" }),
  });
});

/** Checks that never reach Telegram (skipped ones) take the config without the fake's API root. */
const config = configSchema.parse({ channels: { telegram: { botToken: TOKEN } } });
const env = () => ({
  AGENT_CLAW_AWS_ENDPOINT_CLOUDFORMATION: cloudformation.url,
  AGENT_CLAW_AWS_ENDPOINT_SECRETSMANAGER: secrets.url,
  AGENT_CLAW_AWS_ENDPOINT_SQS: fauxqs.endpoint,
});
const identity = async () => ({
  account: ACCOUNT,
  region: "eu-west-1",
  arn: `arn:aws:iam::${ACCOUNT}:user/me`,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const checksOf = async () =>
  awsDeployChecks(
    record,
    configSchema.parse({ channels: { telegram: { botToken: TOKEN, apiRoot: telegram.url } } }),
    env(),
    { identity },
  );

describe("doctor's aws checks", () => {
  it("are ok for a complete stack, its webhook, no dead letters and a full secret", async () => {
    const checks = await checksOf();
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ["aws stack", "ok"],
      ["aws webhook", "ok"],
      ["aws dead letters", "ok"],
      ["aws secret", "ok"],
    ]);
    expect(checks[0]!.detail).toBe(`agent-claw-serverless in ${ACCOUNT}/eu-west-1: UPDATE_COMPLETE`);
    expect(checks[3]!.detail).toContain(
      "holds AGENT_CLAW_CONFIG, TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET",
    );
    expect(JSON.stringify(checks)).not.toContain("AAsecret");
  });

  it("report a failed stack, a moved webhook, waiting dead letters and a secret lacking keys", async () => {
    cloudformation.setStack({
      name: "agent-claw-serverless",
      status: "UPDATE_ROLLBACK_COMPLETE",
      reason: "Resource Runner failed",
    });
    await fetch(`${telegram.url}/bot${TOKEN}/deleteWebhook`, { method: "POST" });
    const sqs = sqsClient(fauxqs.endpoint);
    await sqs.send(
      new SendMessageCommand({ QueueUrl: deadLetterUrl, MessageBody: "{}", MessageGroupId: "g" }),
    );
    sqs.destroy();
    record.outputs["SecretArn"] = secrets.put(
      "agent-claw/secrets",
      JSON.stringify({ AGENT_CLAW_CONFIG: "{}" }),
    );

    const checks = Object.fromEntries((await checksOf()).map((c) => [c.name, c]));
    expect(checks["aws stack"]).toMatchObject({
      status: "fail",
      detail: `agent-claw-serverless in ${ACCOUNT}/eu-west-1: UPDATE_ROLLBACK_COMPLETE (Resource Runner failed)`,
    });
    expect(checks["aws webhook"]).toMatchObject({ status: "fail", detail: "Telegram has no webhook set" });
    expect(checks["aws dead letters"]!.status).toBe("warn");
    expect(checks["aws dead letters"]!.detail).toMatch(/^1 message\(s\) waiting/);
    expect(checks["aws secret"]).toMatchObject({
      status: "fail",
      detail: `${record.outputs["SecretArn"]} lacks TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET`,
    });
  });

  it("say the stack is gone when CloudFormation does not know it", async () => {
    cloudformation.removeStack("agent-claw-serverless");
    const [stack] = await checksOf();
    expect(stack).toMatchObject({
      status: "fail",
      detail: `agent-claw-serverless does not exist in ${ACCOUNT}/eu-west-1`,
    });
  });

  it("are skipped, saying why, without credentials or with another account's", async () => {
    const none = await awsDeployChecks(record, config, env(), {
      identity: async () => {
        throw new DeployError(NO_CREDENTIALS);
      },
    });
    expect(none).toEqual([
      {
        name: "aws",
        status: "warn",
        detail: `agent-claw-serverless (${ACCOUNT}/eu-west-1) not checked: ${NO_CREDENTIALS}`,
      },
    ]);
    const other = await awsDeployChecks(record, config, env(), {
      identity: async () => ({ ...(await identity()), account: "999999999999" }),
    });
    expect(other[0]!.detail).toContain("but these credentials are for 999999999999: not checked");
  });
});
