// The head + tail output cap, fed in chunks of awkward sizes.
import { describe, expect, it } from "vitest";
import { createOutputCap } from "./output-cap.ts";

describe("output cap", () => {
  it("keeps everything that fits", () => {
    const cap = createOutputCap(10);
    for (const chunk of ["abc", "defg", "hij"]) cap.push(chunk);
    expect(cap.text()).toBe("abcdefghij");
    expect(cap.cut).toBe(0);
  });

  it("keeps the head and the tail across chunk boundaries and counts the cut", () => {
    const cap = createOutputCap(10);
    const all = Array.from({ length: 5000 }, (_, i) => String(i % 10)).join("");
    for (let i = 0; i < all.length; i += 7) cap.push(all.slice(i, i + 7));
    expect(cap.total).toBe(5000);
    expect(cap.cut).toBe(4990);
    expect(cap.text()).toBe(
      `01234\n\n[… 4990 characters cut from the middle of the output …]\n\n${all.slice(-5)}`,
    );
  });
});
