// The config a recorded deployment runs with: AGENT_CLAW_CONFIG in the deployment's secret (deploy aws put
// it there from config.json, secrets moved out), read as a cold start reads it (parseSecret, then
// configFromEnv). Commands that report on the deployment (usage --aws) take its limits and time zone from
// here rather than from this machine's file.
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Config } from "../../config/schema.ts";
import { configFromEnv } from "../../engines/aws/config-from-env.ts";
import { parseSecret } from "../../engines/aws/secrets-env.ts";
import { type AwsIdentity, clientOptions } from "./aws-access.ts";
import type { DeployRecord } from "./deploy-record.ts";

/**
 * The deployment's effective config. Contract: throws an Error whose message is one line saying why it
 * could not be read (no secret recorded, access refused, not a JSON object of strings, an invalid config)
 * and what to do; it never quotes the secret's values.
 */
export async function readDeployedConfig(
  record: DeployRecord,
  identity: AwsIdentity,
  env: NodeJS.ProcessEnv,
): Promise<Config> {
  const arn = record.outputs["SecretArn"];
  if (!arn) throw new Error("the deploy record names no secret");
  const client = new SecretsManagerClient(clientOptions(identity, env, "secretsmanager"));
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
  } catch (error) {
    throw new Error(readFailure(arn, error as Error), { cause: error });
  } finally {
    client.destroy();
  }
  try {
    // The same checks as a Lambda's cold start, so this fails where the deployment would, with its words.
    return configFromEnv(parseSecret(arn, text));
  } catch (error) {
    // A ConfigError lists one problem per line; the caller shows this inside one sentence.
    throw new Error(oneLine((error as Error).message), { cause: error });
  }
}

/** What went wrong reading the secret with the user's credentials, and the permission they lack. */
function readFailure(arn: string, error: Error): string {
  switch (error.name) {
    case "AccessDeniedException":
    case "AccessDenied":
      return `reading the secret was denied: these credentials need secretsmanager:GetSecretValue on ${arn}`;
    case "DecryptionFailure":
      return `the secret ${arn} could not be decrypted: these credentials need kms:Decrypt on its key`;
    default:
      return oneLine(`${error.name}: ${error.message}`);
  }
}

/** A message of several lines (a ConfigError's list of problems, "- key: ...") as one sentence. */
function oneLine(message: string): string {
  let text = "";
  for (const line of message.split("\n").map((part) => part.trim())) {
    if (!line) continue;
    const item = line.replace(/^- /, "");
    const listed = item !== line && text !== "" && !text.endsWith(":");
    text = text ? `${text}${listed ? "; " : " "}${item}` : item;
  }
  return text;
}
