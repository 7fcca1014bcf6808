// The aws engine's settings: one message naming every missing or invalid variable, or the settings.
import { describe, expect, it } from "vitest";
import {
  awsSettingsFromEnv,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_TURN_CAP_SECONDS,
  MAX_TURN_CAP_SECONDS,
} from "./settings.ts";
import { COMPLETE_AWS_SETTINGS } from "./testing/complete-settings.ts";

const COMPLETE = COMPLETE_AWS_SETTINGS;
const RUNTIME_ARN = "arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/agent_claw-AbCdEf1234";

describe("awsSettingsFromEnv", () => {
  it("names every missing variable in one message, counting empty ones as missing", () => {
    const result = awsSettingsFromEnv({ AGENT_CLAW_AWS_BUCKET: "b-b", AGENT_CLAW_AWS_TABLE: "  " });
    expect(result.ok).toBe(false);
    const error = result.ok ? "" : result.error;
    expect(error).toMatch(
      /^The aws engine is not configured: .*\. Set them in the function's environment\.$/,
    );
    for (const name of [
      "AWS_REGION",
      "AGENT_CLAW_AWS_TABLE",
      "AGENT_CLAW_AWS_QUEUE_URL",
      "AGENT_CLAW_AWS_SCHEDULE_GROUP",
      "AGENT_CLAW_AWS_SCHEDULE_TARGET_ARN",
      "AGENT_CLAW_AWS_SCHEDULE_ROLE_ARN",
    ]) {
      expect(error).toContain(`${name} is not set`);
    }
    // Set and valid, or optional: not named.
    for (const name of [
      "AGENT_CLAW_AWS_BUCKET",
      "AGENT_CLAW_AWS_ENDPOINT",
      "AGENT_CLAW_AWS_SCHEDULE_DLQ_ARN",
    ]) {
      expect(error).not.toContain(name);
    }
  });

  it("says what is wrong with each invalid value, all at once", () => {
    const result = awsSettingsFromEnv({
      ...COMPLETE,
      AWS_REGION: "Ireland",
      AGENT_CLAW_AWS_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/intake",
      AGENT_CLAW_AWS_SCHEDULE_TARGET_ARN: "agent-claw-schedule",
      AGENT_CLAW_AWS_MAX_ATTEMPTS: "0",
      AGENT_CLAW_AWS_RETRY_SECONDS: "soon",
      AGENT_CLAW_AWS_ENDPOINT_SQS: "localhost 4566",
    });
    expect(result).toMatchObject({
      ok: false,
      error:
        "The aws engine is not configured: AWS_REGION is not a region (like eu-west-1); " +
        "AGENT_CLAW_AWS_QUEUE_URL is not a FIFO queue URL (it must end in .fifo); " +
        "AGENT_CLAW_AWS_SCHEDULE_TARGET_ARN is not a lambda ARN (like arn:aws:lambda:eu-west-1:123456789012:function:schedule); " +
        "AGENT_CLAW_AWS_MAX_ATTEMPTS must be at least 1; " +
        "AGENT_CLAW_AWS_RETRY_SECONDS is not a whole number; " +
        "AGENT_CLAW_AWS_ENDPOINT_SQS is not a URL. Set them in the function's environment.",
    });
  });

  it("reads a complete environment with the default attempts and no endpoints", () => {
    expect(awsSettingsFromEnv(COMPLETE)).toEqual({
      ok: true,
      settings: {
        region: "eu-west-1",
        table: "agent-claw-state",
        bucket: "agent-claw-bucket",
        workspacePrefix: "agents/main/workspace/",
        transcriptsPrefix: "agents/main/transcripts/",
        queueUrl: COMPLETE.AGENT_CLAW_AWS_QUEUE_URL,
        schedule: {
          group: "agent-claw",
          targetArn: COMPLETE.AGENT_CLAW_AWS_SCHEDULE_TARGET_ARN,
          roleArn: COMPLETE.AGENT_CLAW_AWS_SCHEDULE_ROLE_ARN,
        },
        turns: { where: "lambda" },
        maxAttempts: DEFAULT_MAX_ATTEMPTS,
      },
    });
  });

  it("runs turns in AgentCore with the runtime's ARN, defaulting the endpoint, release and cap", () => {
    const result = awsSettingsFromEnv({
      ...COMPLETE,
      AGENT_CLAW_TURNS: "agentcore",
      AGENT_CLAW_AGENTCORE_RUNTIME_ARN: RUNTIME_ARN,
      // AgentCore has no LocalStack: the one-for-all endpoint does not reach it.
      AGENT_CLAW_AWS_ENDPOINT: "http://localhost:4566",
    });
    expect(result.ok && result.settings.turns).toEqual({
      where: "agentcore",
      runtimeArn: RUNTIME_ARN,
      qualifier: "DEFAULT",
      release: "dev",
      turnCapMs: DEFAULT_TURN_CAP_SECONDS * 1000,
    });
    expect(DEFAULT_TURN_CAP_SECONDS).toBe(600);
  });

  it("reads AgentCore's qualifier, release, turn cap and endpoint", () => {
    const result = awsSettingsFromEnv({
      ...COMPLETE,
      AGENT_CLAW_TURNS: "agentcore",
      AGENT_CLAW_AGENTCORE_RUNTIME_ARN: RUNTIME_ARN,
      AGENT_CLAW_AGENTCORE_QUALIFIER: "live",
      AGENT_CLAW_RELEASE: "3f9c0e1a",
      AGENT_CLAW_AGENTCORE_TURN_CAP_SECONDS: "300",
      AGENT_CLAW_AWS_ENDPOINT_AGENTCORE: "http://127.0.0.1:9100",
    });
    expect(result.ok && result.settings.turns).toEqual({
      where: "agentcore",
      runtimeArn: RUNTIME_ARN,
      qualifier: "live",
      release: "3f9c0e1a",
      turnCapMs: 300_000,
      endpoint: "http://127.0.0.1:9100",
    });
  });

  it("keeps turns in the Lambda unless told otherwise, even with a runtime ARN set", () => {
    const result = awsSettingsFromEnv({ ...COMPLETE, AGENT_CLAW_AGENTCORE_RUNTIME_ARN: RUNTIME_ARN });
    expect(result.ok && result.settings.turns).toEqual({ where: "lambda" });
    const explicit = awsSettingsFromEnv({ ...COMPLETE, AGENT_CLAW_TURNS: "lambda" });
    expect(explicit.ok && explicit.settings.turns).toEqual({ where: "lambda" });
  });

  it("names what is wrong with the AgentCore variables, with the other problems", () => {
    const missing = awsSettingsFromEnv({ ...COMPLETE, AWS_REGION: "", AGENT_CLAW_TURNS: "agentcore" });
    expect(missing.ok ? [] : missing.problems).toEqual([
      "AWS_REGION is not set",
      'AGENT_CLAW_AGENTCORE_RUNTIME_ARN is not set (AGENT_CLAW_TURNS is "agentcore": name the runtime that runs the turns)',
    ]);
    const wrong = awsSettingsFromEnv({
      ...COMPLETE,
      AGENT_CLAW_TURNS: "microvm",
      AGENT_CLAW_AGENTCORE_RUNTIME_ARN: "arn:aws:lambda:eu-west-1:123456789012:function:runner",
      AGENT_CLAW_AGENTCORE_QUALIFIER: "1st",
      AGENT_CLAW_RELEASE: "v 2",
      AGENT_CLAW_AGENTCORE_TURN_CAP_SECONDS: "900",
      AGENT_CLAW_AWS_ENDPOINT_AGENTCORE: "nowhere",
    });
    expect(wrong.ok ? [] : wrong.problems).toEqual([
      'AGENT_CLAW_TURNS is not "lambda" or "agentcore"',
      "AGENT_CLAW_AGENTCORE_RUNTIME_ARN is not an AgentCore runtime ARN (like arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/agent_claw-AbCdEf1234)",
      "AGENT_CLAW_AGENTCORE_QUALIFIER is not an endpoint name (like DEFAULT)",
      "AGENT_CLAW_RELEASE is not a release name (1 to 128 of A-Z, a-z, 0-9, _ . -)",
      `AGENT_CLAW_AGENTCORE_TURN_CAP_SECONDS must be at most ${MAX_TURN_CAP_SECONDS} (the runner Lambda lives 900 s)`,
      "AGENT_CLAW_AWS_ENDPOINT_AGENTCORE is not a URL",
    ]);
  });

  it("points every service at one endpoint, and lets a per-service endpoint win over it", () => {
    const result = awsSettingsFromEnv({
      ...COMPLETE,
      AGENT_CLAW_AWS_ENDPOINT: "http://localhost:4566",
      AGENT_CLAW_AWS_ENDPOINT_DYNAMODB: "http://127.0.0.1:8000",
      AGENT_CLAW_AWS_SCHEDULE_DLQ_ARN: "arn:aws:sqs:eu-west-1:123456789012:schedule-dlq",
      AGENT_CLAW_AWS_MAX_ATTEMPTS: "5",
      AGENT_CLAW_AWS_RETRY_SECONDS: "0",
    });
    expect(result.ok && result.settings).toMatchObject({
      endpoint: {
        dynamodb: "http://127.0.0.1:8000",
        s3: "http://localhost:4566",
        sqs: "http://localhost:4566",
        scheduler: "http://localhost:4566",
      },
      schedule: { deadLetterArn: "arn:aws:sqs:eu-west-1:123456789012:schedule-dlq" },
      maxAttempts: 5,
      retryDelayMs: 0,
    });
  });

  it("reads the AgentCore Memory id and its own endpoint (LocalStack's shared one has no AgentCore)", () => {
    const result = awsSettingsFromEnv({
      ...COMPLETE,
      AGENT_CLAW_AWS_ENDPOINT: "http://localhost:4566",
      AGENT_CLAW_AWS_MEMORY_ID: "agent_claw_memory-AbCdEf1234",
      AGENT_CLAW_AWS_ENDPOINT_AGENTCORE_MEMORY: "http://127.0.0.1:9100",
    });
    expect(result.ok && result.settings).toMatchObject({
      memoryId: "agent_claw_memory-AbCdEf1234",
      endpoint: { s3: "http://localhost:4566", memory: "http://127.0.0.1:9100" },
    });
    const without = awsSettingsFromEnv({ ...COMPLETE, AGENT_CLAW_AWS_ENDPOINT: "http://localhost:4566" });
    expect(without.ok && without.settings.memoryId).toBeUndefined();
    expect(without.ok && without.settings.endpoint?.memory).toBeUndefined();
    expect(
      awsSettingsFromEnv({ ...COMPLETE, AGENT_CLAW_AWS_MEMORY_ID: "memory/with/slashes" }),
    ).toMatchObject({
      ok: false,
      problems: [
        "AGENT_CLAW_AWS_MEMORY_ID is not an AgentCore Memory id (like agent_claw_memory-AbCdEf1234)",
      ],
    });
  });
});
