// Splits a command line into the words /bin/sh would pass on, as far as that can be known without
// running anything: quotes and backslashes are removed, and whatever the shell would still expand
// ($VAR, ~, {a,b}, globs) is marked, so the allowlist can judge what an argument really names.

/** One character of a word after quote removal, and whether the shell treats it as literal. */
export interface WordChar {
  ch: string;
  /** Inside quotes or after a backslash: never a glob, tilde or brace. */
  quoted: boolean;
}

/** One word of the command line. */
export interface ShellWord {
  /** Offsets of the word in the raw command (quotes included). */
  start: number;
  end: number;
  chars: WordChar[];
  /**
   * The shell would change this word in a way not modelled here: a `$` expansion, an unquoted `~` or
   * brace, or an unterminated quote. Such a word's final text is unknown.
   */
  opaque: boolean;
}

/** The literal text of a word (quotes removed). */
export const wordText = (word: ShellWord): string => word.chars.map((c) => c.ch).join("");

/**
 * Splits `command` at unquoted spaces and tabs. Contract: pure; never throws. Shell control syntax
 * (`;`, `|`, `$(`…) is not interpreted: callers refuse such commands before asking for words.
 */
export function shellWords(command: string): ShellWord[] {
  const words: ShellWord[] = [];
  let current: ShellWord | undefined;
  const push = (ch: string, quoted: boolean, at: number) => {
    current ??= { start: at, end: at, chars: [], opaque: false };
    current.chars.push({ ch, quoted });
  };
  let i = 0;
  while (i < command.length) {
    const ch = command[i]!;
    if (ch === " " || ch === "\t") {
      if (current) words.push({ ...current, end: i });
      current = undefined;
      i++;
      continue;
    }
    if (ch === "\\") {
      push(command[i + 1] ?? "", true, i);
      i += 2;
      continue;
    }
    if (ch === "'") {
      const close = command.indexOf("'", i + 1);
      current ??= { start: i, end: i, chars: [], opaque: false };
      if (close < 0) {
        current.opaque = true;
        i = command.length;
        continue;
      }
      for (const c of command.slice(i + 1, close)) push(c, true, i);
      i = close + 1;
      continue;
    }
    if (ch === '"') {
      current ??= { start: i, end: i, chars: [], opaque: false };
      let j = i + 1;
      for (; j < command.length && command[j] !== '"'; j++) {
        const c = command[j]!;
        // In double quotes a backslash escapes only $ ` " \ (and a newline); `$` still expands.
        if (c === "\\" && '$`"\\'.includes(command[j + 1] ?? "")) {
          push(command[++j]!, true, i);
          continue;
        }
        if (c === "$") current.opaque = true;
        push(c, true, i);
      }
      if (j >= command.length) current.opaque = true;
      i = j + 1;
      continue;
    }
    push(ch, false, i);
    if (ch === "$" || ch === "~" || ch === "{" || ch === "}") current!.opaque = true;
    i++;
  }
  if (current) words.push({ ...current, end: command.length });
  // `{}` alone is find's placeholder, not a brace expansion.
  for (const word of words) {
    if (word.opaque && wordText(word) === "{}" && word.chars.every((c) => c.ch !== "$" && c.ch !== "~")) {
      word.opaque = false;
    }
  }
  return words;
}
