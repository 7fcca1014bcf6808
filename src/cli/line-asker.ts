// Questions answered line by line, from a terminal or from piped answers alike: lines that arrive
// before their question waits are kept for it, and once the input ends every question gets its default.
import { createInterface } from "node:readline";

export interface Asker {
  /** Shows `label [fallback]: ` and resolves with the trimmed answer, or `fallback` for an empty one. */
  ask(label: string, fallback?: string): Promise<string | undefined>;
  close(): void;
}

export function createAsker(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  hint: (text: string) => string = (text) => text,
): Asker {
  const rl = createInterface({ input, terminal: false });
  const lines: string[] = [];
  let ended = false;
  let waiting: (() => void) | undefined;
  rl.on("line", (line) => {
    lines.push(line);
    waiting?.();
  });
  rl.on("close", () => {
    ended = true;
    waiting?.();
  });
  const nextLine = async (): Promise<string | undefined> => {
    while (lines.length === 0 && !ended) await new Promise<void>((resolve) => (waiting = resolve));
    waiting = undefined;
    return lines.shift();
  };
  return {
    async ask(label, fallback) {
      output.write(`${label}${fallback ? hint(` [${fallback}]`) : ""}: `);
      const line = await nextLine();
      // Piped answers are not echoed by a terminal: end the prompt's line ourselves.
      if (line === undefined || !("isTTY" in input && input.isTTY)) output.write("\n");
      return line?.trim() || fallback;
    },
    close: () => rl.close(),
  };
}
