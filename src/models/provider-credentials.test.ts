import { describe, expect, it } from "vitest";
import { ConfigError } from "../config/errors.ts";
import { validateConfig } from "../config/load.ts";
import { configSecretValues, maskSecretsAt } from "../config/secrets.ts";
import { configSchema } from "../config/schema.ts";
import { deploySecretValues } from "../deploy/aws/secret-values.ts";
import { providerCredentials } from "./provider-credentials.ts";
import { resolveModelCandidates } from "./resolve-model.ts";

const K1 = "sk-ant-first-key-0001";
const K2 = "sk-ant-second-key-002";
const K3 = "sk-ant-third-key-0003";

describe("several keys per provider", () => {
  it("reads ANTHROPIC_API_KEY, then _2, _3 in order, naming them by position only", () => {
    const config = configSchema.parse({});
    const keys = providerCredentials("anthropic", config, {
      ANTHROPIC_API_KEY: K1,
      ANTHROPIC_API_KEY_2: K2,
      ANTHROPIC_API_KEY_3: ` ${K3} `,
    });
    expect(keys.map((k) => k.apiKey)).toEqual([K1, K2, K3]);
    expect(keys.map((k) => k.label)).toEqual(["anthropic key #1", "anthropic key #2", "anthropic key #3"]);
    for (const key of keys) expect(key.id).not.toContain(key.apiKey.slice(8));
    expect(new Set(keys.map((k) => k.id)).size).toBe(3);
  });

  it("names the variable when the numbering would leave a key unread", () => {
    const config = configSchema.parse({});
    expect(() =>
      providerCredentials("anthropic", config, { ANTHROPIC_API_KEY: K1, ANTHROPIC_API_KEY_3: K3 }),
    ).toThrow("ANTHROPIC_API_KEY_3 is set but ANTHROPIC_API_KEY_2 is not");
    expect(() => providerCredentials("openai", config, { OPENAI_API_KEY_2: K2 })).toThrow(
      "OPENAI_API_KEY_2 is set but OPENAI_API_KEY is not",
    );
    expect(() => providerCredentials("openai", config, { OPENAI_API_KEY: K1, OPENAI_API_KEY_1: K2 })).toThrow(
      /OPENAI_API_KEY_1 is not a name failover reads.*OPENAI_API_KEY_2/,
    );
  });

  it("takes config's apiKey then apiKeys when the environment sets none, and the environment's otherwise", () => {
    const config = configSchema.parse({ providers: { anthropic: { apiKey: K1, apiKeys: [K2, K1, K3] } } });
    expect(providerCredentials("anthropic", config, {}).map((k) => k.apiKey)).toEqual([K1, K2, K3]);
    expect(providerCredentials("anthropic", config, { ANTHROPIC_API_KEY: K3 }).map((k) => k.apiKey)).toEqual([
      K3,
    ]);
  });

  it("builds one candidate per key, and one for a provider without keys", async () => {
    const config = configSchema.parse({});
    const env = { ANTHROPIC_API_KEY: K1, ANTHROPIC_API_KEY_2: K2, AWS_REGION: "eu-west-1" };
    const anthropic = await resolveModelCandidates("anthropic/claude-x", config, env);
    expect(anthropic.map((c) => c.credential)).toEqual(["anthropic key #1", "anthropic key #2"]);
    const bedrock = await resolveModelCandidates("bedrock/amazon.nova-pro-v1:0", config, env);
    expect(bedrock.map((c) => [c.credential, c.credentialId])).toEqual([
      ["bedrock", "bedrock/amazon.nova-pro-v1:0"],
    ]);
  });

  it("validates apiKeys and agent.fallbacks with messages that never echo a key", () => {
    const bad = () =>
      validateConfig(
        {
          providers: { openai: { apiKeys: ["short key"] } },
          agent: { fallbacks: ["gpt-5", "openai/gpt-5-mini", "openai/gpt-5-mini"] },
        },
        "config.json",
      );
    expect(bad).toThrow(ConfigError);
    const message = (() => {
      try {
        bad();
      } catch (error) {
        return (error as Error).message;
      }
      return "";
    })();
    expect(message).toContain("providers.openai.apiKeys[0]: the key as the provider shows it");
    expect(message).not.toContain("short key");
    expect(message).toContain('agent.fallbacks[0]: a model reference "provider/model"');
    expect(message).toContain("agent.fallbacks: each fallback model at most once");
  });

  it("masks every listed key where config is shown and redacts them in logs", () => {
    const config = configSchema.parse({ providers: { openai: { apiKeys: [K2, K3] } } });
    expect(maskSecretsAt(config.providers.openai, "providers.openai")).toEqual({ apiKeys: "[redacted]" });
    expect(configSecretValues(config)).toEqual(expect.arrayContaining([K2, K3]));
  });

  it("deploy aws stores config's keys as numbered variables and leaves them out of the stored config", () => {
    const raw = { providers: { anthropic: { apiKey: K1, apiKeys: [K2] } } };
    const values = deploySecretValues(raw, {}, "webhook-secret-0123456789");
    expect(values).toMatchObject({ ANTHROPIC_API_KEY: K1, ANTHROPIC_API_KEY_2: K2 });
    expect(values["AGENT_CLAW_CONFIG"]).not.toContain(K2);
    const fromEnv = deploySecretValues(raw, { ANTHROPIC_API_KEY: K3 }, "webhook-secret-0123456789");
    expect(fromEnv["ANTHROPIC_API_KEY"]).toBe(K3);
    expect(fromEnv["ANTHROPIC_API_KEY_2"]).toBeUndefined();
  });
});
