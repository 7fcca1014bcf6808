import { describe, expect, it } from "vitest";
import { stripControlChars, stripTerminalControls } from "./control-chars.ts";

describe("stripControlChars", () => {
  it("keeps a forged name on one line and without escape sequences", () => {
    const name = "Ada\n2026-12-07T00:00:00.000Z info  pairing approved\r\u001b[31mred\u001b[0m\u2028x\u0007";
    const clean = stripControlChars(name);
    expect(clean).toBe("Ada 2026-12-07T00:00:00.000Z info  pairing approved [31mred[0m x");
    expect(clean).not.toMatch(/[\n\r\u001b\u2028\u0007]/);
  });

  it("leaves ordinary text, tabs and non-Latin names alone", () => {
    expect(stripControlChars("Zoë\tБорис 🙂")).toBe("Zoë\tБорис 🙂");
  });
});

describe("stripTerminalControls", () => {
  it("keeps a message's lines but drops escape sequences and carriage returns' overwrite", () => {
    const text = "line one\r\nline two\rfake\u001b]52;c;Zm9v\u0007\u001b[2J\tend";
    expect(stripTerminalControls(text)).toBe("line one\nline two\nfake]52;c;Zm9v[2J\tend");
  });
});
