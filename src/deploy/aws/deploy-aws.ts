// `agent-claw deploy aws`: checks who is deploying (before any work), deploys the stack through the CDK
// toolkit, then stores the secrets, sets the Telegram webhook and the heartbeat schedule, records what was
// deployed and says how to watch it. `--destroy` undoes it in the reverse order.
import { DeleteSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { telegramWebhookSecret } from "../../channels/telegram/webhook-secret.ts";
import { loadConfig, readRawConfig } from "../../config/load.ts";
import { resolvePaths } from "../../config/paths.ts";
import { WEBHOOK_SECRET_VARIABLE } from "../../engines/aws/aws-environment.ts";
import type { Clock } from "../../ports/clock.ts";
import { type DeployOptions, parseDeployOptions, stackName as stackNameOf } from "../../../infra/options.ts";
import { type AwsIdentity, clientOptions, DeployError } from "./aws-access.ts";
import {
  type DeployRecord,
  readDeployRecord,
  removeDeployRecord,
  writeDeployRecord,
} from "./deploy-record.ts";
import { deleteBucket } from "./empty-bucket.ts";
import {
  deleteTelegramWebhook,
  output,
  putSecret,
  setHeartbeatSchedule,
  setTelegramWebhook,
} from "./post-deploy.ts";
import { deploySecretValues } from "./secret-values.ts";
import { artifactDirs, missingArtifacts } from "./synth.ts";
import type { DeployToolkit } from "./toolkit.ts";

export interface DeployRequest {
  stack: "serverless" | "fargate";
  turns: "lambda" | "agentcore";
  name: string;
  region?: string;
  alarmEmail?: string;
}

export interface DeployDeps {
  /** The user's environment: AGENT_CLAW_HOME, TELEGRAM_*, provider keys, AWS_* (and endpoint overrides in tests). */
  env: NodeJS.ProcessEnv;
  toolkit: DeployToolkit;
  /** The caller's account and region; throws DeployError without credentials (aws-access.ts awsIdentity). */
  identity(env: NodeJS.ProcessEnv, region?: string): Promise<AwsIdentity>;
  progress(line: string): void;
  clock: Clock;
  /** Where the built bundles are (default: this package's dist/). */
  artifacts?: { lambdaDir: string; runtimeDir: string; gatewayDir: string };
}

export interface DeployDone {
  record: DeployRecord;
  /** What to print: what was created and how to watch it. */
  summary: string[];
}

function deployOptions(request: DeployRequest, identity: AwsIdentity, deps: DeployDeps): DeployOptions {
  try {
    return parseDeployOptions({
      stack: request.stack,
      name: request.name,
      turns: request.turns,
      region: identity.region,
      account: identity.account,
      ...(request.alarmEmail && { alarmEmail: request.alarmEmail }),
      ...(deps.artifacts ?? artifactDirs()),
    });
  } catch (error) {
    throw new DeployError((error as Error).message);
  }
}

export async function deployAws(request: DeployRequest, deps: DeployDeps): Promise<DeployDone> {
  const { env, progress } = deps;
  // First: without credentials nothing else is worth doing (and the message says how to get them).
  const identity = await deps.identity(env, request.region);
  const paths = resolvePaths(env);
  const config = await loadConfig(paths, env);
  const rawConfig = await readRawConfig(paths.configFile);
  const options = deployOptions(request, identity, deps);
  const missing = missingArtifacts(options);
  if (missing.length > 0) {
    throw new DeployError(
      `Not built: ${missing.join(", ")}. Run \`npm run build\` in the agent-claw checkout first.`,
    );
  }
  const token = config.channels.telegram.botToken;
  const webhookSecret =
    env[WEBHOOK_SECRET_VARIABLE]?.trim() ||
    (await telegramWebhookSecret(paths.home, config.channels.telegram.webhookSecret));
  const previous = await readDeployRecord(paths.home);

  const stackName = stackNameOf(options);
  progress(`deploying ${stackName} to account ${identity.account}, ${identity.region}, as ${identity.arn}`);
  const deployed = await deps.toolkit.deploy(options, progress);
  const { outputs } = deployed;

  progress("storing the secrets (bot token, webhook secret, provider keys, config) in Secrets Manager");
  const secretArn = output(outputs, "SecretArn", stackName);
  await putSecret(identity, env, secretArn, deploySecretValues(rawConfig, env, webhookSecret));

  const summary: string[] = [];
  let webhookUrl: string | undefined;
  if (options.stack === "serverless") {
    const url = output(outputs, "WebhookUrl", stackName);
    if (token) {
      progress("setting the Telegram webhook");
      await setTelegramWebhook(token, config.channels.telegram.apiRoot, url, webhookSecret);
      webhookUrl = url;
      summary.push(`Telegram webhook  ${url} (with its secret token)`);
    } else {
      summary.push(
        `Telegram webhook  not set: no bot token (set TELEGRAM_BOT_TOKEN or channels.telegram.botToken, then deploy again)`,
      );
    }
    progress("creating the heartbeat schedule");
    const beat = await setHeartbeatSchedule(identity, env, outputs, stackName, config, deps.clock);
    summary.push(`heartbeat         ${beat}`);
    summary.push(
      `turns run in      ${options.turns === "agentcore" ? `AgentCore Runtime ${outputs["RuntimeArn"] ?? ""}` : "the runner Lambda"}`,
    );
  } else {
    const cluster = outputs["ClusterName"];
    const service = outputs["ServiceName"];
    summary.push(
      outputs["LoadBalancerUrl"]
        ? `gateway           ${outputs["LoadBalancerUrl"]}`
        : "gateway           no load balancer: Telegram is read by long polling",
      // ECS reads a secret only when a task starts.
      `secrets           reach the task when it starts: aws ecs update-service --cluster ${cluster} --service ${service} --force-new-deployment`,
    );
  }
  for (const key of ["TableName", "BucketName", "QueueUrl", "DeadLetterQueueUrl", "SecretArn"]) {
    if (outputs[key]) summary.push(`${key.padEnd(18)}${outputs[key]}`);
  }
  const logGroups = Object.entries(outputs).filter(([key]) => /LogGroup(Name)?$/.test(key));
  summary.push(
    "",
    "Watch it:",
    ...logGroups.map(
      ([key, group]) => `  aws logs tail ${group} --follow --region ${identity.region}   (${key})`,
    ),
    ...(outputs["DeadLetterQueueUrl"]
      ? [
          `  dead letters: aws sqs get-queue-attributes --queue-url ${outputs["DeadLetterQueueUrl"]} --attribute-names ApproximateNumberOfMessages`,
        ]
      : []),
    "  agent-claw doctor   checks the stack, the webhook, the dead letters and the secret",
    ...(previous
      ? [
          "Functions read the secret at a cold start: a changed token or key reaches them as AWS recycles them (a code change recycles all).",
        ]
      : []),
  );
  const record: DeployRecord = {
    stack: options.stack,
    stackName: deployed.stackName,
    name: options.name,
    turns: options.turns,
    region: identity.region,
    account: identity.account,
    deployedAt: new Date(deps.clock.now()).toISOString(),
    outputs,
    ...(webhookUrl && { webhookUrl }),
  };
  await writeDeployRecord(paths.home, record);
  return { record, summary };
}

export interface DestroyRequest {
  stack?: "serverless" | "fargate";
  name?: string;
  region?: string;
  deleteBucket: boolean;
}

/** Removes what deployAws made: webhook first (Telegram stops posting), the stack, the secret, the bucket if asked. */
export async function destroyAws(request: DestroyRequest, deps: DeployDeps): Promise<string[]> {
  const { env, progress } = deps;
  const paths = resolvePaths(env);
  const record = await readDeployRecord(paths.home);
  const identity = await deps.identity(env, request.region ?? record?.region);
  const config = await loadConfig(paths, env);
  const options = deployOptions(
    {
      stack: request.stack ?? record?.stack ?? "serverless",
      name: request.name ?? record?.name ?? "agent-claw",
      turns: record?.turns ?? "lambda",
    },
    identity,
    deps,
  );
  const stackName = stackNameOf(options);
  const same = record?.stackName === stackName ? record : undefined;
  const lines: string[] = [];
  const token = config.channels.telegram.botToken;
  if (same?.webhookUrl && token) {
    progress("deleting the Telegram webhook");
    await deleteTelegramWebhook(token, config.channels.telegram.apiRoot);
    lines.push("Telegram webhook deleted");
  }
  progress(`destroying ${stackName} in account ${identity.account}, ${identity.region}`);
  await deps.toolkit.destroy(options, progress);
  lines.push(`stack ${stackName} deleted`);
  const secretArn = same?.outputs["SecretArn"];
  if (secretArn) {
    // CloudFormation only schedules a secret's deletion (7-30 days), which blocks a new deploy under the same name.
    const client = new SecretsManagerClient(clientOptions(identity, env, "secretsmanager"));
    try {
      await client.send(new DeleteSecretCommand({ SecretId: secretArn, ForceDeleteWithoutRecovery: true }));
      lines.push(`secret ${secretArn} deleted`);
    } catch (error) {
      if ((error as Error).name !== "ResourceNotFoundException") throw error;
    } finally {
      client.destroy();
    }
  }
  const bucket = same?.outputs["BucketName"];
  if (bucket && request.deleteBucket) {
    progress(`emptying and deleting the bucket ${bucket}`);
    const count = await deleteBucket(identity, env, bucket);
    lines.push(`bucket ${bucket} deleted (${count} object version(s))`);
  } else if (bucket) {
    lines.push(`bucket ${bucket} kept (workspace and transcripts); --delete-bucket removes it`);
  }
  if (same) await removeDeployRecord(paths.home);
  return lines;
}
