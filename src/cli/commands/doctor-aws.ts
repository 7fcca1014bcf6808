// doctor's checks of a deployment recorded by `deploy aws` (<home>/deploy/aws.json): the stack's status, the
// Telegram webhook still pointing at it, dead letters waiting, and the secret holding the keys the functions
// need. Loaded only when a record exists; without AWS credentials one check says they were skipped and why.
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Config } from "../../config/schema.ts";
import { type AwsIdentity, awsIdentity, clientOptions, DeployError } from "../../deploy/aws/aws-access.ts";
import { type DeployRecord, deployRecordFile } from "../../deploy/aws/deploy-record.ts";
import { REQUIRED_SECRET_KEYS } from "../../deploy/aws/secret-values.ts";
import { WEBHOOK_SECRET_VARIABLE } from "../../channels/telegram/module.ts";
import type { Check } from "./doctor.ts";

export interface DoctorAwsDeps {
  /** Who is asking (default: the SDK's chain, checked with STS); throws DeployError without credentials. */
  identity?(env: NodeJS.ProcessEnv, region?: string): Promise<AwsIdentity>;
}

const REDEPLOY =
  "Run `agent-claw deploy aws` again: it updates the stack and sets the secret and the webhook.";

/** A check that could not ask AWS: it fails with the service's answer (which names no secret value). */
async function guarded(name: string, check: () => Promise<Check>): Promise<Check> {
  try {
    return await check();
  } catch (error) {
    const { name: kind, message } = error as Error;
    return {
      name,
      status: "fail",
      detail: `could not check (${kind}: ${message})`,
      fix: "Check the credentials' permissions and the region, then run doctor again.",
    };
  }
}

async function stackCheck(
  record: DeployRecord,
  identity: AwsIdentity,
  env: NodeJS.ProcessEnv,
): Promise<Check> {
  const name = "aws stack";
  const client = new CloudFormationClient(clientOptions(identity, env, "cloudformation"));
  try {
    const answer = await client.send(new DescribeStacksCommand({ StackName: record.stackName }));
    const stack = answer.Stacks?.[0];
    const status = stack?.StackStatus ?? "UNKNOWN";
    const where = `${record.stackName} in ${record.account}/${record.region}`;
    if (/_COMPLETE$/.test(status) && !/ROLLBACK|DELETE/.test(status)) {
      return { name, status: "ok", detail: `${where}: ${status}` };
    }
    if (/_IN_PROGRESS$/.test(status) && !/ROLLBACK/.test(status)) {
      return {
        name,
        status: "warn",
        detail: `${where}: ${status}`,
        fix: "A deploy is under way: run doctor again when it ends.",
      };
    }
    return {
      name,
      status: "fail",
      detail: `${where}: ${status}${stack?.StackStatusReason ? ` (${stack.StackStatusReason})` : ""}`,
      fix: `See the stack's events in the CloudFormation console for the cause. ${REDEPLOY}`,
    };
  } catch (error) {
    if ((error as Error).name === "ValidationError" && /does not exist/.test((error as Error).message)) {
      return {
        name,
        status: "fail",
        detail: `${record.stackName} does not exist in ${record.account}/${record.region}`,
        fix: `${REDEPLOY} Or delete ${deployRecordFile("<AGENT_CLAW_HOME>")} if it was removed on purpose.`,
      };
    }
    throw error;
  } finally {
    client.destroy();
  }
}

async function webhookCheck(record: DeployRecord, config: Config): Promise<Check> {
  const name = "aws webhook";
  const expected = record.outputs["WebhookUrl"];
  const token = config.channels.telegram.botToken;
  if (!expected) return { name, status: "ok", detail: "no webhook: this deployment has no HTTP API" };
  if (!token) {
    return {
      name,
      status: "warn",
      detail: "not checked: no bot token here (TELEGRAM_BOT_TOKEN or channels.telegram.botToken)",
      fix: "Set the token this deployment uses, then run doctor again.",
    };
  }
  const { createBotApi } = await import("../../channels/telegram/bot-api.ts");
  const info = await createBotApi(token, config.channels.telegram.apiRoot).getWebhookInfo();
  if (info.url !== expected) {
    return {
      name,
      status: "fail",
      detail: info.url
        ? `Telegram posts to ${info.url}, not to the stack's ${expected}`
        : "Telegram has no webhook set",
      fix: `A gateway polling this bot deletes the webhook: stop it. ${REDEPLOY}`,
    };
  }
  if (info.last_error_message) {
    return {
      name,
      status: "warn",
      detail: `${expected}; Telegram's last error: ${info.last_error_message} (${info.pending_update_count} update(s) waiting)`,
      fix: "See the ingest function's log group (agent-claw deploy aws printed it).",
    };
  }
  return { name, status: "ok", detail: `${expected} (${info.pending_update_count} update(s) waiting)` };
}

async function deadLetterCheck(
  record: DeployRecord,
  identity: AwsIdentity,
  env: NodeJS.ProcessEnv,
): Promise<Check> {
  const name = "aws dead letters";
  const url = record.outputs["DeadLetterQueueUrl"];
  if (!url) return { name, status: "ok", detail: "no dead-letter queue in this deployment" };
  const client = new SQSClient(clientOptions(identity, env, "sqs"));
  try {
    const answer = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    const waiting = Number(answer.Attributes?.["ApproximateNumberOfMessages"] ?? 0);
    if (waiting === 0) return { name, status: "ok", detail: `none waiting in ${url}` };
    return {
      name,
      status: "warn",
      detail: `${waiting} message(s) waiting in ${url}: turns that failed every attempt (their chats got an apology)`,
      fix: `Read them with aws sqs receive-message --queue-url ${url}, see the runner's log group for the cause, then purge the queue.`,
    };
  } finally {
    client.destroy();
  }
}

async function secretCheck(
  record: DeployRecord,
  identity: AwsIdentity,
  env: NodeJS.ProcessEnv,
): Promise<Check> {
  const name = "aws secret";
  const arn = record.outputs["SecretArn"];
  if (!arn) return { name, status: "fail", detail: "the deploy record names no secret", fix: REDEPLOY };
  const client = new SecretsManagerClient(clientOptions(identity, env, "secretsmanager"));
  try {
    const text = (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString ?? "";
    let keys: string[] = [];
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) keys = Object.keys(parsed);
    } catch {
      // Not JSON: reported below as holding none of the keys (the text itself is never shown).
    }
    const needed = record.webhookUrl
      ? REQUIRED_SECRET_KEYS
      : REQUIRED_SECRET_KEYS.filter((key) => key !== "TELEGRAM_BOT_TOKEN" && key !== WEBHOOK_SECRET_VARIABLE);
    const missing = needed.filter((key) => !keys.includes(key));
    if (missing.length > 0) {
      return { name, status: "fail", detail: `${arn} lacks ${missing.join(", ")}`, fix: REDEPLOY };
    }
    return { name, status: "ok", detail: `${arn} holds ${keys.sort().join(", ")}` };
  } finally {
    client.destroy();
  }
}

/** The deployment's checks. Contract: never throws; each problem is a failed check with its fix. */
export async function awsDeployChecks(
  record: DeployRecord,
  config: Config,
  env: NodeJS.ProcessEnv,
  deps: DoctorAwsDeps = {},
): Promise<Check[]> {
  let identity: AwsIdentity;
  try {
    identity = await (deps.identity ?? awsIdentity)(env, record.region);
  } catch (error) {
    const why = error instanceof DeployError ? error.message : (error as Error).message;
    return [
      {
        name: "aws",
        status: "warn",
        detail: `${record.stackName} (${record.account}/${record.region}) not checked: ${why}`,
      },
    ];
  }
  if (identity.account !== record.account) {
    return [
      {
        name: "aws",
        status: "warn",
        detail: `${record.stackName} is in account ${record.account}, but these credentials are for ${identity.account}: not checked`,
        fix: "Use the profile of the account you deployed to (AWS_PROFILE), then run doctor again.",
      },
    ];
  }
  return Promise.all([
    guarded("aws stack", () => stackCheck(record, identity, env)),
    guarded("aws webhook", () => webhookCheck(record, config)),
    guarded("aws dead letters", () => deadLetterCheck(record, identity, env)),
    guarded("aws secret", () => secretCheck(record, identity, env)),
  ]);
}
