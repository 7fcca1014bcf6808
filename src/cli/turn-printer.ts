// Shows a turn in the terminal as it happens: text streams to stdout, tool activity to stderr.
// The model's text and a tool's output may carry what a web page or a command printed: no escape
// sequence of theirs reaches the terminal.
import type { AgentEvent } from "../core/agent/events.ts";
import type { TurnResult } from "../core/turn/run-turn.ts";
import { stripControlChars, stripTerminalControls } from "../util/control-chars.ts";
import { dim } from "./io.ts";

const preview = (value: unknown, max = 80) => {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const line = stripControlChars(text ?? "").replace(/\s+/g, " ");
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

export function createTurnPrinter(
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
) {
  let printed = "";
  let stepHadText = false;
  const write = (raw: string) => {
    const text = stripTerminalControls(raw);
    out.write(text);
    printed += text;
  };
  return {
    onEvent(event: AgentEvent) {
      if (event.type === "step_start") {
        if (stepHadText && !printed.endsWith("\n\n")) write(printed.endsWith("\n") ? "\n" : "\n\n");
        stepHadText = false;
      } else if (event.type === "text_delta") {
        stepHadText = true;
        write(event.text);
      } else if (event.type === "tool_call") {
        if (printed && !printed.endsWith("\n")) write("\n");
        err.write(dim(`  ⚙ ${event.name} ${preview(event.input)}\n`));
      } else if (event.type === "tool_result" && event.isError) {
        err.write(dim(`  ✗ ${event.name}: ${preview(event.text, 120)}\n`));
      }
    },
    /** Prints what the stream did not show (an empty reply, the step-limit note) and ends the line. */
    finish(result: TurnResult) {
      if (!printed.trim()) write(result.reply);
      else if (result.stopReason === "max_steps")
        write(result.reply.slice(result.reply.lastIndexOf("\n\n(Stopped")));
      if (!printed.endsWith("\n")) write("\n");
    },
  };
}
