// The config a recorded deployment runs with: AGENT_CLAW_CONFIG in the deployment's secret (deploy aws put
// it there from config.json, secrets moved out), read as a cold start reads it. Commands that report on the
// deployment (usage --aws) take its limits and time zone from here rather than from this machine's file.
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Config } from "../../config/schema.ts";
import { configFromEnv } from "../../engines/aws/config-from-env.ts";
import { type AwsIdentity, clientOptions } from "./aws-access.ts";
import type { DeployRecord } from "./deploy-record.ts";

/**
 * The deployment's effective config. Contract: throws an Error whose message says why it could not be read
 * (no secret recorded, access refused, not JSON, an invalid config) and never quotes the secret's values.
 */
export async function readDeployedConfig(
  record: DeployRecord,
  identity: AwsIdentity,
  env: NodeJS.ProcessEnv,
): Promise<Config> {
  const arn = record.outputs["SecretArn"];
  if (!arn) throw new Error("the deploy record names no secret");
  const client = new SecretsManagerClient(clientOptions(identity, env, "secretsmanager"));
  let text: string;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString ?? "";
  } catch (error) {
    const { name, message } = error as Error;
    throw new Error(`${name}: ${message}`, { cause: error });
  } finally {
    client.destroy();
  }
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch {
    // The parser's message would quote the text, which holds tokens.
    throw new Error(`the secret ${arn} does not hold a JSON object`);
  }
  if (!values || typeof values !== "object" || Array.isArray(values)) {
    throw new Error(`the secret ${arn} does not hold a JSON object`);
  }
  // The secret's values are the functions' environment: the same overrides apply to them as on Lambda.
  return configFromEnv(values as NodeJS.ProcessEnv);
}
