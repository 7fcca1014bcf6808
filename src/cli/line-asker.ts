// Questions answered line by line, from a terminal or from piped answers alike: lines that arrive
// before their question waits are kept for it, and once the input ends every question gets its default.
import { createInterface } from "node:readline";

export interface Asker {
  /** Shows `label [fallback]: ` and resolves with the trimmed answer, or `fallback` for an empty one. */
  ask(label: string, fallback?: string): Promise<string | undefined>;
  /** Like ask, for a key or token: a terminal does not echo what is typed (nor keep it in scrollback). */
  askSecret(label: string, fallback?: string): Promise<string | undefined>;
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
    async askSecret(label, fallback) {
      const tty = input as Partial<NodeJS.ReadStream>;
      if (!tty.isTTY || !tty.setRawMode) return this.ask(label, fallback);
      // Raw mode: no echo; readline still ends the line at Enter (\r). Ctrl-C arrives as a
      // character, so it is turned back into the signal it would have been.
      const interrupt = (chunk: Buffer | string) => {
        if (String(chunk).includes("\u0003")) process.kill(process.pid, "SIGINT");
      };
      tty.setRawMode(true);
      input.on("data", interrupt);
      try {
        output.write(`${label}${fallback ? hint(` [${fallback}]`) : ""}: `);
        const line = await nextLine();
        output.write("\n");
        return withBackspaces(line ?? "").trim() || fallback;
      } finally {
        input.off("data", interrupt);
        tty.setRawMode(false);
      }
    },
    close: () => rl.close(),
  };
}

/** Applies the backspaces typed in raw mode (DEL or BS erase the character before them). */
function withBackspaces(text: string): string {
  const kept: string[] = [];
  for (const char of text) {
    if (char === "\u007f" || char === "\b") kept.pop();
    else kept.push(char);
  }
  return kept.join("");
}
