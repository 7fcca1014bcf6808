// The deployment's secrets (bot token, webhook secret, provider keys, AGENT_CLAW_CONFIG) live in one Secrets
// Manager secret whose SecretString is a JSON object of environment variables, so no secret value sits in a
// function's configuration. Read once per cold start and merged UNDER the function's own environment.
import { z } from "zod";

/** The variable holding the secret's ARN; unset: the environment is used as it is. */
export const SECRETS_ARN_VARIABLE = "AGENT_CLAW_SECRETS_ARN";
/** Endpoint override for Secrets Manager (a loopback fake in tests). */
export const SECRETS_ENDPOINT_VARIABLE = "AGENT_CLAW_AWS_ENDPOINT_SECRETSMANAGER";

/** The secret could not be read or is not a JSON object of strings; the message names the secret, never a value. */
export class SecretsEnvError extends Error {
  override readonly name = "SecretsEnvError";
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const secretObject = z.record(z.string(), z.string());

/** Anything SecretsManager can be asked for the one call this needs (an SDK client, or a test double). */
export interface SecretReader {
  getSecretString(arn: string): Promise<string | undefined>;
}

/**
 * The environment with the secret's variables added where `env` has none (the function's own variables win,
 * so one can be overridden without editing the secret). Without AGENT_CLAW_SECRETS_ARN, `env` itself.
 * Contract: throws SecretsEnvError with one message naming the secret and what to do; never logs a value.
 */
export async function withSecretsEnv(
  env: NodeJS.ProcessEnv,
  reader?: SecretReader,
): Promise<NodeJS.ProcessEnv> {
  const arn = env[SECRETS_ARN_VARIABLE]?.trim();
  if (!arn) return env;
  const source = reader ?? (await sdkSecretReader(env));
  let text: string | undefined;
  try {
    text = await source.getSecretString(arn);
  } catch (error) {
    throw new SecretsEnvError(readFailure(arn, error as Error));
  }
  const values = parseSecret(arn, text);
  const merged: NodeJS.ProcessEnv = { ...values };
  for (const [name, value] of Object.entries(env)) {
    // Empty counts as unset, as everywhere in the engine's settings: the secret's value is kept then.
    if (value !== undefined && value.trim() !== "") merged[name] = value;
    else if (!(name in values)) merged[name] = value;
  }
  return merged;
}

/** The secret's variables: a JSON object whose keys are variable names and whose values are strings. */
export function parseSecret(arn: string, text: string | undefined): Record<string, string> {
  const fix = `Put a JSON object of environment variables in it (agent-claw deploy aws does), e.g. {"TELEGRAM_BOT_TOKEN": "..."}.`;
  if (text === undefined) throw new SecretsEnvError(`The secret ${arn} has no SecretString. ${fix}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // The parser's message quotes the text: a token must not reach the logs.
    throw new SecretsEnvError(`The secret ${arn} is not JSON. ${fix}`);
  }
  const parsed = secretObject.safeParse(raw);
  if (!parsed.success) {
    const kind = raw === null ? "null" : Array.isArray(raw) ? "an array" : typeof raw;
    const detail =
      kind === "object"
        ? `the value of ${parsed.error.issues.map((issue) => String(issue.path[0])).join(", ")} is not a string`
        : `it holds ${kind}`;
    throw new SecretsEnvError(`The secret ${arn} is not a JSON object of strings (${detail}). ${fix}`);
  }
  const badNames = Object.keys(parsed.data).filter((name) => !NAME.test(name));
  if (badNames.length > 0) {
    throw new SecretsEnvError(
      `The secret ${arn} has keys that are not environment variable names: ${badNames.join(", ")}. ${fix}`,
    );
  }
  return parsed.data;
}

/** What went wrong reading the secret, and what to do about it. */
function readFailure(arn: string, error: Error): string {
  switch (error.name) {
    case "AccessDeniedException":
    case "AccessDenied":
      return `Reading the secret ${arn} was denied: give the function's role secretsmanager:GetSecretValue on it (the CDK stack does).`;
    case "ResourceNotFoundException":
      return `The secret ${arn} does not exist: check ${SECRETS_ARN_VARIABLE}, or run agent-claw deploy aws again.`;
    case "DecryptionFailure":
      return `The secret ${arn} could not be decrypted: give the function's role kms:Decrypt on the secret's key.`;
    default:
      return `Reading the secret ${arn} failed (${error.name}: ${error.message}). Check ${SECRETS_ARN_VARIABLE} and the function's role.`;
  }
}

/**
 * The real client, loaded only when a secret is configured: the Secrets Manager client is then part of the
 * cold start, and a function without the variable never loads it.
 */
async function sdkSecretReader(env: NodeJS.ProcessEnv): Promise<SecretReader> {
  const region = arnRegion(env[SECRETS_ARN_VARIABLE]!) ?? env.AWS_REGION;
  const endpoint = env[SECRETS_ENDPOINT_VARIABLE]?.trim() || env.AGENT_CLAW_AWS_ENDPOINT?.trim() || undefined;
  // The environment given, not only process.env: it is the function's (Lambda puts its role's keys there).
  const keys = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY;
  const credentials = keys
    ? {
        accessKeyId: env.AWS_ACCESS_KEY_ID!,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
        ...(env.AWS_SESSION_TOKEN && { sessionToken: env.AWS_SESSION_TOKEN }),
      }
    : undefined;
  const { sdkSecretReader: reader } = await import("./secrets-reader.ts");
  return reader({ region, endpoint, credentials });
}

/** The region in an ARN (arn:aws:secretsmanager:<region>:...), so the secret is read where it lives. */
function arnRegion(arn: string): string | undefined {
  const region = arn.split(":")[3];
  return region ? region : undefined;
}
