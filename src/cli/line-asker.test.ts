// Questions answered line by line: piped answers that arrive early are kept for their question, the
// end of input means defaults, and on a terminal a key or token is typed without echo.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createAsker } from "./line-asker.ts";

function streams(tty: boolean) {
  const input = new PassThrough();
  const raw: boolean[] = [];
  if (tty) Object.assign(input, { isTTY: true, setRawMode: (on: boolean) => raw.push(on) });
  let shown = "";
  const output = new PassThrough();
  output.on("data", (d: Buffer) => (shown += d.toString()));
  return { input, output, raw, shown: () => shown };
}

describe("createAsker", () => {
  it("keeps piped answers for their questions and falls back to defaults once input ends", async () => {
    const s = streams(false);
    const asker = createAsker(s.input, s.output);
    s.input.end("anthropic\n\n");
    expect(await asker.ask("Provider", "ollama")).toBe("anthropic");
    expect(await asker.ask("Model", "claude-sonnet-4-5")).toBe("claude-sonnet-4-5");
    expect(await asker.ask("Your name", "Ada")).toBe("Ada");
    expect(s.shown()).toBe("Provider [ollama]: \nModel [claude-sonnet-4-5]: \nYour name [Ada]: \n");
    asker.close();
  });

  it("reads a secret on a terminal with echo off, backspaces applied, and echo back on after", async () => {
    const s = streams(true);
    const asker = createAsker(s.input, s.output);
    const answer = asker.askSecret("API key");
    s.input.write("sk-abx\u007fc\r");
    expect(await answer).toBe("sk-abc");
    expect(s.raw).toEqual([true, false]);
    expect(s.shown()).toBe("API key: \n");
    asker.close();
  });
});
