// The model names and settings a first-time user types, through the built CLI: ollama/<model>
// works, and a missing key or a malformed address is named before any call is made.
import { describe, expect, it } from "vitest";
import { runCli, useCliWorld } from "./run-cli.ts";

const world = useCliWorld();

describe("agent-claw agent with the models people type", () => {
  it("runs ollama/<model> at the address OLLAMA_HOST gives", async () => {
    world.fake.script([{ text: "Hello from Ollama." }]);
    const { AGENT_CLAW_MODEL: _, OPENAI_COMPATIBLE_BASE_URL: __, ...env } = world.env;
    const result = await runCli(["agent", "-m", "hi"], {
      ...env,
      AGENT_CLAW_MODEL: "ollama/llama3.2",
      OLLAMA_HOST: new URL(world.fake.url).host,
    });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("Hello from Ollama.\n");
    expect(world.fake.requests[0]?.model).toBe("llama3.2");
  });

  it("names the missing key instead of the SDK's apiKey parameter", async () => {
    const result = await runCli(["agent", "-m", "hi"], {
      ...world.env,
      AGENT_CLAW_MODEL: "anthropic/claude-sonnet-4-5",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: ANTHROPIC_API_KEY is not set.");
    expect(result.stderr).toContain("export ANTHROPIC_API_KEY=");
    expect(result.stderr).not.toMatch(/apiKey|\n\s+at /);
  });

  it("names the variable that holds something other than a URL", async () => {
    const result = await runCli(["agent", "-m", "hi"], {
      ...world.env,
      OPENAI_COMPATIBLE_BASE_URL: "not-a-url",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('OPENAI_COMPATIBLE_BASE_URL="not-a-url" is not a URL.');
    expect(result.stderr).toContain("e.g. http://127.0.0.1:8000/v1");
    expect(world.fake.requests).toHaveLength(0);
  });
});
