import { describe, expect, it } from "vitest";
import { estimateParsedBytes } from "./parsed-size.ts";

describe("the estimated memory of a parsed JSON value", () => {
  it("counts a string's characters, one byte each in Latin-1 and two otherwise, padded to a word", () => {
    expect(estimateParsedBytes("")).toBe(16);
    expect(estimateParsedBytes("é".repeat(8))).toBe(16 + 8);
    expect(estimateParsedBytes("é".repeat(9))).toBe(16 + 16);
    expect(estimateParsedBytes("✓".repeat(8))).toBe(16 + 16);
  });

  it("boxes numbers outside the small-integer range (times in ms) and nothing else", () => {
    expect(estimateParsedBytes(42)).toBe(0);
    expect(estimateParsedBytes(1_790_000_000_000)).toBe(16);
    expect(estimateParsedBytes(0.5)).toBe(16);
    expect(estimateParsedBytes(true)).toBe(0);
    expect(estimateParsedBytes(null)).toBe(0);
  });

  it("adds an object's header and a word per property, and an array's headers and a word per item", () => {
    expect(estimateParsedBytes({})).toBe(24);
    expect(estimateParsedBytes({ a: 1, b: "x" })).toBe(24 + 8 + 8 + 24);
    expect(estimateParsedBytes([])).toBe(48);
    expect(estimateParsedBytes([1, 2, { c: null }])).toBe(48 + 3 * 8 + 24 + 8);
  });

  it("makes small entries cost more than their JSON text, as V8 does", () => {
    const entry = {
      type: "message",
      id: "a1",
      at: 1_790_000_000_000,
      message: { role: "user", content: "hi" },
    };
    expect(estimateParsedBytes(entry)).toBeGreaterThan(JSON.stringify(entry).length);
  });
});
