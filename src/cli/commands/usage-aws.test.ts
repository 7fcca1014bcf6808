// `agent-claw usage --aws` as the owner sees it: records written through the real DynamoDB ledger into
// dynalite, a deploy record pointing at its table, the deployment's config in a Secrets Manager fake, the
// real SDK clients reaching both through AGENT_CLAW_AWS_ENDPOINT_*; then each way it refuses, with the fix.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freshTables, useDynalite } from "../../../test/emulators/dynalite.ts";
import { type SecretsManagerFake, startSecretsManagerFake } from "../../../test/fakes/secrets-manager.ts";
import { createDynamoUsage } from "../../adapters/dynamodb/usage.ts";
import { type AwsIdentity, DeployError, NO_CREDENTIALS } from "../../deploy/aws/aws-access.ts";
import { type DeployRecord, writeDeployRecord } from "../../deploy/aws/deploy-record.ts";
import { serverlessRecord } from "../../deploy/aws/testing/serverless-record.ts";
import { openLocalAssistant } from "../../engines/local/assistant.ts";
import { usageRecord } from "../../ports/usage.contract.ts";
import { createFakeClock, type FakeClock } from "../../util/fake-clock.ts";
import { runUsage } from "./usage.ts";

const ACCOUNT = "123456789012";
const DAY = 86_400_000;
const dynalite = useDynalite();
let secrets: SecretsManagerFake;
beforeAll(async () => {
  secrets = await startSecretsManagerFake();
});
afterAll(() => secrets.close());

let root: string;
let home: string;
let env: NodeJS.ProcessEnv;
let clock: FakeClock;
let record: DeployRecord;
let output: string;
const out = (text: string) => {
  output += text;
};
const identity = async (): Promise<AwsIdentity> => ({
  account: ACCOUNT,
  region: "eu-west-1",
  arn: `arn:aws:iam::${ACCOUNT}:user/me`,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const usage = (raw: Record<string, unknown>, deps: Parameters<typeof runUsage>[1] = {}) =>
  runUsage({ aws: true, ...raw }, { env, clock, out, identity, ...deps });

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "ac-usage-aws-"));
  home = join(root, ".agent-claw");
  await mkdir(home, { recursive: true });
  // This machine's own config and ledger differ from the deployment's, so the test sees which was read.
  await writeFile(
    join(home, "config.json"),
    JSON.stringify({ agent: { timezone: "Europe/Berlin" }, limits: { dailyUsd: 2 } }),
  );
  env = {
    HOME: root,
    AGENT_CLAW_HOME: home,
    NO_COLOR: "1",
    AGENT_CLAW_AWS_ENDPOINT_DYNAMODB: dynalite.endpoint,
    AGENT_CLAW_AWS_ENDPOINT_SECRETSMANAGER: secrets.url,
  };
  clock = createFakeClock(Date.UTC(2026, 11, 7, 12, 0));
  output = "";
  const local = await openLocalAssistant({ env, clock });
  try {
    await local.ports.usage.record(usageRecord({ at: clock.now(), model: "local/only-here", costUsd: 9 }));
  } finally {
    await local.close();
  }

  const { state } = await freshTables(dynalite.client);
  const deployed = createDynamoUsage({ client: dynalite.client, table: state });
  const now = clock.now();
  await deployed.record(usageRecord({ at: now - DAY, costUsd: 0.5 }));
  await deployed.record(usageRecord({ at: now, costUsd: 0.25, kind: "heartbeat" }));
  await deployed.record(
    usageRecord({
      at: now,
      model: "bedrock/amazon.nova-pro-v1:0",
      sessionKey: "agent:main:telegram:dm:42",
      costUsd: 0.05,
    }),
  );
  const secretArn = secrets.put(
    "agent-claw/secrets",
    JSON.stringify({
      AGENT_CLAW_CONFIG: JSON.stringify({
        agent: { timezone: "Asia/Tokyo" },
        limits: { dailyUsd: 5, dailyTokens: 100_000 },
      }),
      TELEGRAM_BOT_TOKEN: "123456789:AAsecretTokenThatMustNotLeak_0123456789",
    }),
  );
  record = serverlessRecord(ACCOUNT, { TableName: state, SecretArn: secretArn });
  await writeDeployRecord(home, record);
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("agent-claw usage --aws", () => {
  it("prints the deployment's calls by day with its limits, counted in its time zone", async () => {
    await usage({ days: "3" });
    const lines = output.trimEnd().split("\n");
    expect(lines[0]).toBe(
      `Deployment agent-claw-serverless in ${ACCOUNT}/eu-west-1 (table ${record.outputs["TableName"]}).`,
    );
    expect(lines[1]).toMatch(/^day\s+calls\s+input\s+cache read\s+output\s+cost$/);
    expect(lines.slice(2, 5).map((l) => l.split(/\s+/))).toEqual([
      ["2026-12-05", "0", "0", "0", "0", "$0.00"],
      ["2026-12-06", "1", "1,200", "1,000", "80", "$0.50"],
      ["2026-12-07", "2", "2,400", "2,000", "160", "$0.30"],
    ]);
    expect(output).toContain(
      "Today: $0.30 of $5.00, 2,560 of 100,000 tokens (daily limits of the deployment's config; days in Asia/Tokyo).",
    );
    expect(output).not.toContain("local/only-here");
  });

  it("groups by model, and --json names the deployment and whose limits they are", async () => {
    await usage({ by: "model" });
    expect(output).toMatch(/\nanthropic\/claude-sonnet-4-5\s+2\s/);
    expect(output).toMatch(/\nbedrock\/amazon\.nova-pro-v1:0\s+1\s/);
    output = "";
    await usage({ json: true });
    const report = JSON.parse(output);
    expect(report.deployment).toEqual({
      stackName: "agent-claw-serverless",
      account: ACCOUNT,
      region: "eu-west-1",
      table: record.outputs["TableName"],
    });
    expect(report.limitsFrom).toBe("deployment");
    expect(report.limits).toEqual({ dailyUsd: 5, dailyTokens: 100_000 });
    expect(report.timeZone).toBe("Asia/Tokyo");
    expect(report.total.calls).toBe(3);
    expect(output).not.toContain("AAsecret");
  });

  it("falls back to this machine's limits and UTC days, naming the permission, when the secret is denied", async () => {
    const arn = record.outputs["SecretArn"]!;
    secrets.deny(arn);
    await usage({});
    expect(output).toContain(
      `The deployment's own config could not be read (reading the secret was denied: these credentials need ` +
        `secretsmanager:GetSecretValue on ${arn}): days are shown in UTC and the limits are this machine's.`,
    );
    // This machine's Europe/Berlin says nothing of the deployment's days: without its config, UTC's.
    expect(output).toContain(
      "Today: $0.30 of $2.00 (daily limits of this machine's config.json; days in UTC).",
    );
  });

  it("says on one line, as a cold start would, why a secret the deployment could not use is unreadable", async () => {
    const note = () => output.split("\n").find((line) => line.startsWith("The deployment's own config"));
    // AGENT_CLAW_CONFIG saved as an object, not as the JSON text of one.
    const arn = secrets.put(
      "agent-claw/object-config",
      JSON.stringify({
        AGENT_CLAW_CONFIG: { limits: { dailyUsd: 5 } },
        TELEGRAM_BOT_TOKEN: "123456789:AAsecretTokenThatMustNotLeak_0123456789",
      }),
    );
    await writeDeployRecord(home, { ...record, outputs: { ...record.outputs, SecretArn: arn } });
    await usage({});
    expect(note()).toBe(
      `The deployment's own config could not be read (The secret ${arn} is not a JSON object of strings ` +
        `(the value of AGENT_CLAW_CONFIG is not a string). Put a JSON object of environment variables in it ` +
        `(agent-claw deploy aws does), e.g. {"TELEGRAM_BOT_TOKEN": "..."}.): days are shown in UTC and the ` +
        "limits are this machine's.",
    );
    expect(output).toContain("(daily limits of this machine's config.json; days in UTC).");

    // A config with several problems: the ConfigError's lines become one.
    output = "";
    secrets.put(
      "agent-claw/object-config",
      JSON.stringify({
        AGENT_CLAW_CONFIG: JSON.stringify({ limits: { dailyUsd: -1 }, agent: { timezone: 7 } }),
        TELEGRAM_BOT_TOKEN: "123456789:AAsecretTokenThatMustNotLeak_0123456789",
      }),
    );
    await usage({});
    expect(note()).toBe(
      "The deployment's own config could not be read (AGENT_CLAW_CONFIG is not valid: agent.timezone: expected " +
        "string, received number (found 7); limits.dailyUsd: Too small: expected number to be >0 (found -1)): " +
        "days are shown in UTC and the limits are this machine's.",
    );
    expect(output).toContain("days in UTC).");
    expect(output).not.toContain("AAsecret");
  });

  it("says to deploy, or to drop --aws, when nothing was deployed from this home", async () => {
    await rm(join(home, "deploy"), { recursive: true });
    await expect(usage({})).rejects.toThrow(
      "Nothing deployed from this home: run agent-claw deploy aws, or drop --aws.",
    );
  });

  it("refuses without credentials, or with another account's, saying which", async () => {
    await expect(
      usage(
        {},
        {
          identity: async () => {
            throw new DeployError(NO_CREDENTIALS);
          },
        },
      ),
    ).rejects.toThrow(NO_CREDENTIALS);
    await expect(
      usage({}, { identity: async () => ({ ...(await identity()), account: "999999999999" }) }),
    ).rejects.toThrow(
      `agent-claw-serverless is in account ${ACCOUNT}, but these credentials are for 999999999999`,
    );
  });

  it("says the stack is gone when its table is missing", async () => {
    await writeDeployRecord(home, { ...record, outputs: { ...record.outputs, TableName: "gone-state" } });
    await expect(usage({})).rejects.toThrow(
      `The table gone-state of agent-claw-serverless does not exist in ${ACCOUNT}/eu-west-1: the stack was destroyed or replaced. Run agent-claw deploy aws again`,
    );
  });

  it("asks for a new deploy when the record names no table, and says where a Fargate gateway's usage is", async () => {
    await writeDeployRecord(home, { ...record, outputs: { SecretArn: record.outputs["SecretArn"]! } });
    await expect(usage({})).rejects.toThrow(
      "names no table for agent-claw-serverless (an older deploy wrote it): run agent-claw deploy aws again",
    );
    await writeDeployRecord(home, {
      ...record,
      stack: "fargate",
      outputs: { LoadBalancerUrl: "https://claw.example.com" },
    });
    await expect(usage({})).rejects.toThrow("open the web UI's Usage page there (https://claw.example.com)");
    // Without a load balancer it only polls Telegram: there is no web UI to send anyone to.
    await writeDeployRecord(home, { ...record, stack: "fargate", outputs: {} });
    const error = await usage({}).catch((thrown: Error) => thrown);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      "agent-claw-serverless runs the gateway on Fargate, whose usage ledger is in state.db on its own file " +
        "system, and it serves no web UI (it only polls Telegram): run agent-claw usage in its container " +
        "(aws ecs execute-command), or read the model calls in its CloudWatch logs, or drop --aws to see this " +
        "machine's own usage.",
    );
  });
});
