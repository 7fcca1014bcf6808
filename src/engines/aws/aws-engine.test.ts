// A cold start that fails once the ports are built (Telegram's identity cannot be read) closes them:
// coldStart tries again on the next invocation, and each failed try must not leave its clients open.
import { afterEach, describe, expect, it, vi } from "vitest";
import { freePort } from "../../../test/free-port.ts";
import { openAwsEngine } from "./aws-engine.ts";
import { createAwsIntakePorts } from "./intake-ports.ts";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("openAwsEngine", () => {
  it("closes the ports it built when setting up a channel fails", async () => {
    // The SDK's default chain reads these: no lookup of a metadata service.
    vi.stubEnv("AWS_ACCESS_KEY_ID", "local");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "local");
    const deadEndpoint = `http://127.0.0.1:${await freePort()}`;
    const env = {
      AWS_REGION: "eu-west-1",
      AGENT_CLAW_AWS_TABLE: "agent-claw-state",
      AGENT_CLAW_AWS_BUCKET: "agent-claw-bucket",
      AGENT_CLAW_AWS_QUEUE_URL: `${deadEndpoint}/000000000000/intake.fifo`,
      AGENT_CLAW_AWS_SCHEDULE_GROUP: "agent-claw",
      AGENT_CLAW_AWS_SCHEDULE_TARGET_ARN: "arn:aws:lambda:eu-west-1:123456789012:function:schedule",
      AGENT_CLAW_AWS_SCHEDULE_ROLE_ARN: "arn:aws:iam::123456789012:role/scheduler",
      AGENT_CLAW_AWS_ENDPOINT: deadEndpoint,
      TELEGRAM_BOT_TOKEN: "123456789:AAsecretTokenThatMustNotLeak_0123456789",
      TELEGRAM_WEBHOOK_SECRET: "the-webhook-secret-0123",
    };
    let closes = 0;
    const opened = openAwsEngine(env, {
      ports: (options) => {
        const ports = createAwsIntakePorts(options);
        return {
          ...ports,
          close: async () => {
            closes += 1;
            await ports.close();
          },
        };
      },
    });
    await expect(opened).rejects.toThrow();
    expect(closes).toBe(1);
  }, 30_000);
});
