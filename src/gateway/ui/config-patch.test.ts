// The config page's patch: only changed leaves as dotted keys, so saving never writes back defaults
// or the masked token, and a removed key becomes null (config.patch removes it).
import { describe, expect, it } from "vitest";

type Patch = (before: unknown, after: unknown) => Record<string, unknown>;
const moduleUrl = new URL("./static/config-view.js", import.meta.url).href;
const { configPatch } = (await import(moduleUrl)) as { configPatch: Patch };

describe("configPatch", () => {
  interface Config {
    model?: string;
    agent: { maxSteps: number; timezone: string };
    gateway: { port: number; token: string; allowedOrigins: string[] };
    lanes?: { maxConcurrent: number };
  }
  const before: Config = {
    model: "openai/gpt-5-mini",
    agent: { maxSteps: 25, timezone: "UTC" },
    gateway: { port: 18789, token: "[redacted]", allowedOrigins: [] },
  };

  const copy = (): Config => structuredClone(before);

  it("is empty when nothing changed", () => {
    expect(configPatch(before, structuredClone(before))).toEqual({});
  });

  it("names changed leaves, whole arrays, new and removed keys", () => {
    const after = copy();
    after.agent.maxSteps = 7;
    after.gateway.allowedOrigins = ["https://claw.example.com"];
    after.lanes = { maxConcurrent: 2 };
    delete after.model;
    expect(configPatch(before, after)).toEqual({
      "agent.maxSteps": 7,
      "gateway.allowedOrigins": ["https://claw.example.com"],
      lanes: { maxConcurrent: 2 },
      model: null,
    });
  });

  it("never sends the masked token unless it was edited", () => {
    const after = copy();
    after.gateway.port = 9000;
    expect(configPatch(before, after)).toEqual({ "gateway.port": 9000 });
  });

  it("replaces a value whose type changed", () => {
    expect(configPatch({ a: { b: 1 } }, { a: "x" })).toEqual({ a: "x" });
    expect(configPatch({ a: [1] }, { a: { 0: 1 } })).toEqual({ a: { 0: 1 } });
  });
});
