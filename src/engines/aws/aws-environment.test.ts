// A handler's whole environment checked at once: settings, config and Telegram's webhook secret.
import { describe, expect, it } from "vitest";
import { AwsSetupError, readAwsEnvironment } from "./aws-environment.ts";
import { COMPLETE_AWS_SETTINGS } from "./testing/complete-settings.ts";

const SETTINGS = COMPLETE_AWS_SETTINGS;
const TOKEN = "123456789:AAsecretTokenThatMustNotLeak_0123456789";

const failure = (env: NodeJS.ProcessEnv) => {
  try {
    readAwsEnvironment(env);
  } catch (error) {
    expect(error).toBeInstanceOf(AwsSetupError);
    return (error as Error).message;
  }
  throw new Error("expected the environment to be refused");
};

describe("readAwsEnvironment", () => {
  it("runs without Telegram when no bot token is set", () => {
    const environment = readAwsEnvironment(SETTINGS);
    expect(environment.channels).toEqual([]);
    expect(environment.settings.table).toBe("agent-claw-state");
  });

  it("needs a webhook secret once a bot token is set, named with the settings problems", () => {
    const message = failure({ ...SETTINGS, AWS_REGION: "", TELEGRAM_BOT_TOKEN: TOKEN });
    expect(message).toBe(
      "The aws engine is not configured: AWS_REGION is not set; TELEGRAM_WEBHOOK_SECRET is not set " +
        "(Telegram's webhook calls must carry a secret). Set them in the function's environment.",
    );
    expect(failure({ ...SETTINGS, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: "short" })).toContain(
      "TELEGRAM_WEBHOOK_SECRET is not 16 to 256 of A-Z, a-z, 0-9, _ and -",
    );
  });

  it("takes the secret from the environment before the config", () => {
    const config = JSON.stringify({ channels: { telegram: { webhookSecret: "from-the-config-0123" } } });
    const fromConfig = readAwsEnvironment({
      ...SETTINGS,
      TELEGRAM_BOT_TOKEN: TOKEN,
      AGENT_CLAW_CONFIG: config,
    });
    expect(fromConfig.channels.map((c) => [c.module.id, c.settings])).toEqual([
      [
        "telegram",
        { token: TOKEN, apiRoot: "https://api.telegram.org", webhookSecret: "from-the-config-0123" },
      ],
    ]);
    const fromEnv = readAwsEnvironment({
      ...SETTINGS,
      TELEGRAM_BOT_TOKEN: TOKEN,
      AGENT_CLAW_CONFIG: config,
      TELEGRAM_WEBHOOK_SECRET: "from-the-environment-01",
    });
    expect(fromEnv.channels[0]?.settings).toMatchObject({ webhookSecret: "from-the-environment-01" });
  });

  it("puts the config's problems under the settings' in the same message", () => {
    const message = failure({ AGENT_CLAW_CONFIG: "[1, 2]" });
    const [settings, config] = message.split("\n");
    expect(settings).toMatch(
      /^The aws engine is not configured: AWS_REGION is not set; .*AGENT_CLAW_AWS_TABLE is not set/,
    );
    expect(config).toBe(
      "AGENT_CLAW_CONFIG must hold a JSON object ({ ... }), not an array. Set AGENT_CLAW_CONFIG to the JSON object config.json would hold, or leave it unset for the defaults.",
    );
  });
});
