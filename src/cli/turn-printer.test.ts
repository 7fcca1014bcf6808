// The turn printer shows the model's text and tool errors without the escape sequences a fetched
// page or a command's output could have put in them.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { TurnResult } from "../core/turn/run-turn.ts";
import { createTurnPrinter } from "./turn-printer.ts";

const collect = (stream: PassThrough) => {
  let text = "";
  stream.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  return () => text;
};

describe("the turn printer", () => {
  it("streams the reply's lines but no escape sequence, split across deltas or not", () => {
    const out = new PassThrough();
    const err = new PassThrough();
    const [stdout, stderr] = [collect(out), collect(err)];
    const printer = createTurnPrinter(out, err);
    printer.onEvent({ type: "step_start", step: 1 });
    printer.onEvent({ type: "text_delta", text: "Done.\nThe page says \u001b]52;c;" });
    printer.onEvent({ type: "text_delta", text: "cm0=\u0007 hi\u001b[2J" });
    printer.onEvent({
      type: "tool_result",
      id: "t1",
      name: "exec",
      text: "failed\u001b[31m red\u001b]0;title\u0007",
      isError: true,
    });
    printer.finish({ reply: "", stopReason: "stop" } as unknown as TurnResult);
    expect(stdout()).toBe("Done.\nThe page says ]52;c;cm0= hi[2J\n");
    expect(stderr()).toContain("exec: failed[31m red]0;title");
    expect(stdout() + stderr()).not.toMatch(/[\u001b\u0007]/);
  });
});
