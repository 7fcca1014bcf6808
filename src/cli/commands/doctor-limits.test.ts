import { describe, expect, it } from "vitest";
import { configSchema } from "../../config/schema.ts";
import { limitsCheck } from "./doctor-limits.ts";

describe("doctor's check of the daily dollar limit", () => {
  it("is not shown without a dollar limit", () => {
    expect(limitsCheck(configSchema.parse({ model: "ollama/llama3.2" }))).toBeUndefined();
  });

  it("is fine when every model that may answer has a price", () => {
    const config = configSchema.parse({ model: "anthropic/claude-sonnet-4-5", limits: { dailyUsd: 2 } });
    expect(limitsCheck(config)).toMatchObject({ status: "ok", detail: "daily limit $2" });
  });

  it("warns about a fallback with no price, whose calls would count $0, until models.prices has one", () => {
    const raw = {
      model: "anthropic/claude-sonnet-4-5",
      agent: { fallbacks: ["ollama/llama3.2"] },
      limits: { dailyUsd: 2 },
    };
    const warned = limitsCheck(configSchema.parse(raw));
    expect(warned?.status).toBe("warn");
    expect(warned?.detail).toContain("no price is known for ollama/llama3.2");
    expect(warned?.fix).toContain('"ollama/llama3.2"');
    const priced = { ...raw, models: { prices: { "ollama/llama3.2": { input: 0, output: 0 } } } };
    expect(limitsCheck(configSchema.parse(priced))?.status).toBe("ok");
  });
});
