import { describe, expect, it } from "vitest";
import { carriedEnv } from "./service-spec.ts";

describe("the variables a service carries", () => {
  it("carries provider keys, failover's spare keys and AGENT_CLAW_*, and nothing else", () => {
    const carried = carriedEnv({
      ANTHROPIC_API_KEY: "sk-ant-1",
      ANTHROPIC_API_KEY_2: "sk-ant-2",
      OPENAI_API_KEY_3: "sk-3",
      ANTHROPIC_API_KEY_BACKUP: "not a spare",
      AGENT_CLAW_MODEL: "anthropic/claude-sonnet-4-5",
      AGENT_CLAW_HOME: "/home/ada/.agent-claw",
      HOME: "/home/ada",
      EMPTY_KEY: "",
    });
    expect(carried).toEqual({
      AGENT_CLAW_MODEL: "anthropic/claude-sonnet-4-5",
      ANTHROPIC_API_KEY: "sk-ant-1",
      ANTHROPIC_API_KEY_2: "sk-ant-2",
      OPENAI_API_KEY_3: "sk-3",
    });
  });
});
