// The serverless engine's config from its environment: the same schema, messages and overrides as
// config.json, with one message that names AGENT_CLAW_CONFIG and never quotes a token.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../config/errors.ts";
import { configFromEnv } from "./config-from-env.ts";

const TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ";

function messageOf(env: NodeJS.ProcessEnv): string {
  try {
    configFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("configFromEnv", () => {
  it("gives the defaults with nothing set, and applies the environment overrides", () => {
    const config = configFromEnv({
      AGENT_CLAW_MODEL: "openai-compatible/fake",
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: "http://127.0.0.1:9/",
    });
    expect(config.model).toBe("openai-compatible/fake");
    expect(config.channels.telegram.botToken).toBe(TOKEN);
    expect(config.channels.telegram.apiRoot).toBe("http://127.0.0.1:9");
    expect(config.agent.maxSteps).toBe(25);
  });

  it("reads AGENT_CLAW_CONFIG as config.json, and the environment still wins over it", () => {
    const config = configFromEnv({
      AGENT_CLAW_CONFIG: JSON.stringify({
        model: "anthropic/claude-sonnet-4-5",
        agent: { timezone: "Europe/Berlin", maxSteps: 7 },
      }),
      AGENT_CLAW_MODEL: "openai-compatible/fake",
    });
    expect(config.agent).toMatchObject({ timezone: "Europe/Berlin", maxSteps: 7 });
    expect(config.model).toBe("openai-compatible/fake");
  });

  it("names every invalid key at once, as for config.json, without showing the token", () => {
    const message = messageOf({
      AGENT_CLAW_CONFIG: JSON.stringify({
        agent: { maxSteps: 0 },
        channels: { telegram: { botToken: "secret-but-wrong" } },
        colour: "blue",
      }),
    });
    expect(message).toMatch(/^AGENT_CLAW_CONFIG is not valid:\n/);
    expect(message).toContain("agent.maxSteps:");
    expect(message).toContain("channels.telegram.botToken:");
    expect(message).toContain('unknown key "colour"');
    expect(message).not.toContain("secret-but-wrong");
  });

  it("says where the JSON breaks and what to do, without quoting the text (it may hold a token)", () => {
    const message = messageOf({
      AGENT_CLAW_CONFIG: `{\n  "channels": { "telegram": { "botToken": "${TOKEN}" } },\n  oops\n}`,
    });
    expect(message).toBe(
      "AGENT_CLAW_CONFIG is not valid JSON at line 3, column 3. Set AGENT_CLAW_CONFIG to the JSON " +
        "object config.json would hold, or leave it unset for the defaults.",
    );
  });

  it("refuses JSON that is not an object", () => {
    expect(messageOf({ AGENT_CLAW_CONFIG: "[1, 2]" })).toMatch(
      /^AGENT_CLAW_CONFIG must hold a JSON object \(\{ \.\.\. \}\), not an array\. Set AGENT_CLAW_CONFIG/,
    );
    expect(messageOf({ AGENT_CLAW_CONFIG: "null" })).toContain("not null.");
  });

  it("reports a bad override as loading config.json does", () => {
    expect(messageOf({ AGENT_CLAW_MODEL: "no-provider" })).toMatch(
      /^AGENT_CLAW_MODEL="no-provider" is not valid/,
    );
    expect(messageOf({ TELEGRAM_BOT_TOKEN: "nope" })).toMatch(/^TELEGRAM_BOT_TOKEN is not valid: expected/);
  });
});
