// The gateway container's start: the secret spread under the environment, config.json seeded once on the
// EFS home, and the keys the stack owns pinned without losing the user's own.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CONTAINER_PORT, mergeSecrets, prepareConfig } from "./container-env.ts";

describe("mergeSecrets", () => {
  it("spreads the secret under the environment, where the task's own variables win, and drops the JSON", () => {
    const env: NodeJS.ProcessEnv = {
      AGENT_CLAW_SECRETS_JSON: JSON.stringify({
        TELEGRAM_BOT_TOKEN: "123:abc",
        AGENT_CLAW_HOME: "/elsewhere",
      }),
      AGENT_CLAW_HOME: "/data",
    };
    mergeSecrets(env);
    expect(env).toEqual({ TELEGRAM_BOT_TOKEN: "123:abc", AGENT_CLAW_HOME: "/data" });
  });

  it("does nothing without a secret, and an empty one is the stack's initial {}", () => {
    const env: NodeJS.ProcessEnv = { AGENT_CLAW_SECRETS_JSON: "{}" };
    mergeSecrets(env);
    expect(env).toEqual({});
    mergeSecrets(env);
    expect(env).toEqual({});
  });

  it("refuses a secret that is not an object of strings, saying what to fix without quoting it", () => {
    for (const text of [
      '{"TELEGRAM_BOT_TOKEN": "123:abc"',
      '["123:abc"]',
      '{"TOKEN": 123}',
      '{"bad name": "x"}',
    ]) {
      const env: NodeJS.ProcessEnv = { AGENT_CLAW_SECRETS_JSON: text };
      expect(() => mergeSecrets(env)).toThrow(/restart the service/);
      try {
        mergeSecrets({ AGENT_CLAW_SECRETS_JSON: text });
      } catch (error) {
        expect((error as Error).message).not.toContain("123");
      }
    }
  });
});

describe("prepareConfig", () => {
  let home: string;
  const configFile = () => join(home, "config.json");
  const config = () => JSON.parse(readFileSync(configFile(), "utf8")) as Record<string, unknown>;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "agent-claw-home-"));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it("seeds config.json from AGENT_CLAW_CONFIG on the first boot and pins the port", () => {
    prepareConfig({ AGENT_CLAW_HOME: home, AGENT_CLAW_CONFIG: '{"model": "anthropic/claude-sonnet-4-5"}' });
    expect(config()).toEqual({ model: "anthropic/claude-sonnet-4-5", gateway: { port: CONTAINER_PORT } });
  });

  it("keeps the config the home already has (the user's changes, and the gateway's own)", () => {
    writeFileSync(
      configFile(),
      JSON.stringify({ model: "openai/gpt-5", gateway: { port: 1234, token: "t" } }),
    );
    prepareConfig({ AGENT_CLAW_HOME: home, AGENT_CLAW_CONFIG: '{"model": "anthropic/claude-sonnet-4-5"}' });
    expect(config()).toEqual({ model: "openai/gpt-5", gateway: { port: CONTAINER_PORT, token: "t" } });
  });

  it("behind the load balancer: listens outside, answers to the domain and takes Telegram by webhook", () => {
    writeFileSync(
      configFile(),
      JSON.stringify({
        gateway: { allowedHosts: ["lan.example"] },
        channels: { telegram: { dmPolicy: "pairing" } },
      }),
    );
    const env = { AGENT_CLAW_HOME: home, AGENT_CLAW_GATEWAY_PUBLIC_URL: "https://claw.example.com" };
    prepareConfig(env);
    prepareConfig(env);
    expect(config()).toEqual({
      gateway: { port: CONTAINER_PORT, bind: "0.0.0.0", allowedHosts: ["lan.example", "claw.example.com"] },
      channels: {
        telegram: {
          dmPolicy: "pairing",
          mode: "webhook",
          webhookUrl: "https://claw.example.com/telegram/webhook",
        },
      },
    });
  });

  it("names the file when its config is not a JSON object", () => {
    writeFileSync(configFile(), "[1, 2]");
    expect(() => prepareConfig({ AGENT_CLAW_HOME: home })).toThrow(`${configFile()} must hold a JSON object`);
  });
});
