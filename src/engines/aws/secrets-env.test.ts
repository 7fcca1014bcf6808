// The deployment's secret, read through the real Secrets Manager client from a loopback fake: merged under
// the function's environment, and every way it can be unusable reported with the secret's name, never a value.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSecretsManagerFake, type SecretsManagerFake } from "../../../test/fakes/secrets-manager.ts";
import { SecretsEnvError, withSecretsEnv } from "./secrets-env.ts";

let fake: SecretsManagerFake;
beforeAll(async () => {
  fake = await startSecretsManagerFake();
});
afterAll(() => fake.close());

const TOKEN = "123456789:AAsecretTokenThatMustNotLeak_0123456789";

function envFor(arn: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AGENT_CLAW_SECRETS_ARN: arn,
    AGENT_CLAW_AWS_ENDPOINT_SECRETSMANAGER: fake.url,
    ...extra,
  };
}

async function failure(env: NodeJS.ProcessEnv): Promise<SecretsEnvError> {
  const error = await withSecretsEnv(env).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SecretsEnvError);
  return error as SecretsEnvError;
}

describe("withSecretsEnv", () => {
  it("returns the environment untouched when no secret is configured", async () => {
    const env = { AWS_REGION: "eu-west-1", AGENT_CLAW_SECRETS_ARN: " " };
    expect(await withSecretsEnv(env)).toBe(env);
  });

  it("merges the secret's variables under the function's own, which win unless empty", async () => {
    const arn = fake.put(
      "merge",
      JSON.stringify({
        TELEGRAM_BOT_TOKEN: TOKEN,
        ANTHROPIC_API_KEY: "sk-ant-secret",
        AGENT_CLAW_MODEL: "x/y",
      }),
    );
    const merged = await withSecretsEnv(
      envFor(arn, { AGENT_CLAW_MODEL: "anthropic/claude", ANTHROPIC_API_KEY: "" }),
    );
    expect(merged.TELEGRAM_BOT_TOKEN).toBe(TOKEN);
    expect(merged.ANTHROPIC_API_KEY).toBe("sk-ant-secret");
    expect(merged.AGENT_CLAW_MODEL).toBe("anthropic/claude");
    expect(merged.AWS_REGION).toBe("eu-west-1");
    expect(fake.calls.filter((call) => call.secretId === arn)).toEqual([
      { operation: "GetSecretValue", secretId: arn },
    ]);
  });

  it("names the secret and never its value when the secret is not JSON", async () => {
    const arn = fake.put("not-json", `TELEGRAM_BOT_TOKEN=${TOKEN}`);
    const error = await failure(envFor(arn));
    expect(error.message).toContain(arn);
    expect(error.message).toContain("is not JSON");
    expect(error.message).not.toContain("AAsecret");
  });

  it("rejects a secret that is not an object of strings, naming the keys", async () => {
    const array = fake.put("array", JSON.stringify([TOKEN]));
    expect((await failure(envFor(array))).message).toContain("holds an array");
    const nested = fake.put(
      "nested",
      JSON.stringify({ TELEGRAM_BOT_TOKEN: TOKEN, AGENT_CLAW_CONFIG: { a: 1 } }),
    );
    const error = await failure(envFor(nested));
    expect(error.message).toContain("the value of AGENT_CLAW_CONFIG is not a string");
    expect(error.message).not.toContain("AAsecret");
    const names = fake.put("names", JSON.stringify({ "not a name": "x" }));
    expect((await failure(envFor(names))).message).toContain("not environment variable names: not a name");
  });

  it("says what to grant when access is denied, and what to check when the secret is missing", async () => {
    const arn = fake.put("denied", JSON.stringify({ A: "b" }));
    fake.deny(arn);
    expect((await failure(envFor(arn))).message).toBe(
      `Reading the secret ${arn} was denied: give the function's role secretsmanager:GetSecretValue on it (the CDK stack does).`,
    );
    const missing = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:gone-AbCdEf";
    expect((await failure(envFor(missing))).message).toContain(`The secret ${missing} does not exist`);
  });
});
