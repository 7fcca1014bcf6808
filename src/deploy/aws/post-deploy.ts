// What `deploy aws` does once CloudFormation has the stack: the secrets into the deployment's secret, the
// Telegram webhook (with its secret token) at the HTTP API, and the heartbeat's own schedule, as aws dev makes it.
import { PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { createSchedulerAlarm } from "../../adapters/eventbridge/scheduler-alarm.ts";
import type { Config } from "../../config/schema.ts";
import type { Clock } from "../../ports/clock.ts";
import { type AwsIdentity, clientOptions, DeployError } from "./aws-access.ts";

/** The stack output holding `key`. Contract: throws DeployError naming the missing output. */
export function output(outputs: Record<string, string>, key: string, stackName: string): string {
  const value = outputs[key];
  if (!value) {
    throw new DeployError(
      `The stack ${stackName} has no output ${key}: it was deployed by another version of agent-claw. Run agent-claw deploy aws again with this one.`,
    );
  }
  return value;
}

export async function putSecret(
  identity: AwsIdentity,
  env: NodeJS.ProcessEnv,
  secretArn: string,
  values: Record<string, string>,
): Promise<void> {
  const client = new SecretsManagerClient(clientOptions(identity, env, "secretsmanager"));
  try {
    await client.send(
      new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify(values) }),
    );
  } finally {
    client.destroy();
  }
}

/** Points the bot's webhook at `url`; Telegram sends `secret` with every update (the ingest function checks it). */
export async function setTelegramWebhook(
  token: string,
  apiRoot: string,
  url: string,
  secret: string,
): Promise<void> {
  const { createBotApi } = await import("../../channels/telegram/bot-api.ts");
  await createBotApi(token, apiRoot).setWebhook(url, { secret_token: secret });
}

/** Removes the bot's webhook (the stack behind it is going away). */
export async function deleteTelegramWebhook(token: string, apiRoot: string): Promise<void> {
  const { createBotApi } = await import("../../channels/telegram/bot-api.ts");
  await createBotApi(token, apiRoot).deleteWebhook();
}

/** The heartbeat's rate() schedule in the stack's group (or none when the heartbeat is off), as aws dev makes it. */
export async function setHeartbeatSchedule(
  identity: AwsIdentity,
  env: NodeJS.ProcessEnv,
  outputs: Record<string, string>,
  stackName: string,
  config: Config,
  clock: Clock,
): Promise<string> {
  const client = new SchedulerClient(clientOptions(identity, env, "scheduler"));
  try {
    const deadLetterArn = outputs["ScheduleDeadLetterArn"];
    await createSchedulerAlarm({
      client,
      target: {
        group: output(outputs, "ScheduleGroup", stackName),
        targetArn: output(outputs, "ScheduleTargetArn", stackName),
        roleArn: output(outputs, "ScheduleRoleArn", stackName),
        ...(deadLetterArn && { deadLetterArn }),
      },
      clock,
      stuckMs: config.cron.stuckMinutes * 60_000,
    }).setHeartbeat(config.heartbeat.enabled ? config.heartbeat.everyMinutes * 60_000 : undefined);
    return config.heartbeat.enabled
      ? `every ${config.heartbeat.everyMinutes} min`
      : "off (heartbeat.enabled is false)";
  } finally {
    client.destroy();
  }
}
