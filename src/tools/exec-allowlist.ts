// Which shell commands exec may run without asking a person. Patterns are deliberately simple; a
// prefix pattern never matches a command that chains, substitutes or redirects, nor one whose
// arguments lead out of the workspace.
import { isAbsolute, relative } from "node:path";
import { type ShellWord, shellWords, wordText } from "./shell-words.ts";

/**
 * Characters and sequences after which a command is no longer "the allowed command with some
 * arguments": `;` `&` `|` (chaining, background, pipes, `&&`, `||`), backticks and `$(` (command
 * substitution), `<` `>` (redirection, also `<(...)`), parentheses (subshells), newlines and other
 * control characters (a second command line). Quoting is not interpreted: a quoted `;` also counts,
 * which only means such a command is asked about.
 */
const SHELL_CONTROL = /[;&|`<>()\n\r\u0000-\u0008\u000b-\u001f\u007f]|\$\(/;

/** True when `command` contains shell syntax that could run or redirect anything beyond one command. */
export function hasShellControl(command: string): boolean {
  return SHELL_CONTROL.test(command);
}

/**
 * The allowlist pattern that lets `command` run without approval, or undefined.
 *
 * Pattern syntax (leading/trailing whitespace of both is ignored):
 * - `git status` (no `*` at the end): exactly this command, character for character.
 * - `ls notes/\*` (a final `\*`, `"ls notes/\\*"` in JSON): exactly `ls notes/*`, the `*` taken literally.
 * - `ls *` (space, then `*`): the words before it, alone or followed by arguments:
 *   "ls", "ls -la notes" — but not "lsblk".
 * - `npm run test*` (`*` right after text): any command starting with that text:
 *   "npm run test", "npm run test:unit".
 * A prefix pattern (either `*` form) never matches a command for which `hasShellControl` is true,
 * so "git status; rm -rf /" does not match "git status*", nor one whose arguments may name a place
 * outside `root` (see `escapesWorkspace`). A `*` elsewhere is literal text.
 * Contract: pure; never throws.
 */
export function findAllowlistMatch(
  command: string,
  allowlist: readonly string[],
  root?: string,
): string | undefined {
  const cmd = command.trim();
  if (cmd === "") return undefined;
  const controlled = hasShellControl(cmd);
  let words: ShellWord[] | undefined;
  const staysInside = (fixed: number) => !escapesWorkspace((words ??= shellWords(cmd)), cmd, fixed, root);
  for (const raw of allowlist) {
    const pattern = raw.trim();
    if (pattern === "") continue;
    if (pattern.endsWith("\\*")) {
      if (cmd === `${pattern.slice(0, -2)}*`) return raw;
      continue;
    }
    if (!pattern.endsWith("*")) {
      if (cmd === pattern) return raw;
      continue;
    }
    if (controlled) continue;
    const fixed = pattern.slice(0, -1);
    if (fixed.endsWith(" ") || fixed.endsWith("\t")) {
      const base = fixed.trimEnd();
      const prefix = base === "" || cmd === base || cmd.startsWith(`${base} `) || cmd.startsWith(`${base}\t`);
      if (prefix && staysInside(base.length)) return raw;
    } else if (cmd.startsWith(fixed) && staysInside(fixed.length)) {
      return raw;
    }
  }
  return undefined;
}

/** The allowlist entry that matches exactly `command` and nothing else ("Always" adds it). */
export function exactAllowlistEntry(command: string): string {
  const cmd = command.trim();
  return cmd.endsWith("*") ? `${cmd.slice(0, -1)}\\*` : cmd;
}

/**
 * True when a word the `*` of a pattern covers (one that ends past the pattern's `fixed` text) may
 * name something outside the workspace: a `..` segment (even one that climbs back in, since a
 * linked folder makes `..` lead elsewhere), an absolute path outside `root` (see `pieces`), a glob that can match `..` (`.*`), or an expansion the
 * shell would make (`$HOME`, `~`, `{a,b}`). An absolute start the pattern itself spells out
 * (`tail /var/log/*`) is the owner's choice and stays allowed.
 */
export function escapesWorkspace(words: ShellWord[], cmd: string, fixed: number, root?: string): boolean {
  for (const word of words) {
    if (word.end <= fixed) continue;
    if (word.opaque) return true;
    const text = wordText(word);
    const ownerAbsolute = word.start < fixed && cmd.slice(word.start, fixed).startsWith("/");
    for (const piece of pieces(text)) {
      if (piece.split("/").includes("..")) return true;
      if (!ownerAbsolute && piece.startsWith("/") && !inside(piece, root)) return true;
    }
    if (globMayMatchDots(word)) return true;
  }
  return false;
}

/**
 * The word and every path it may carry: after `=`, `:`, `@` or `,` (`--out=/x`, `file:///x`,
 * `@/x`) and glued to a short option, also the last of a cluster (`-I/x`, `-xzf/x`). A web URL
 * (`https://host/...`) names no local path.
 */
function pieces(text: string): string[] {
  if (/^(?!file:)[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(text)) return [text];
  const found = [text];
  for (let i = 0; i < text.length; i++) if ("=:@,".includes(text[i]!)) found.push(text.slice(i + 1));
  // Any option of a cluster may take the rest as its value: `-xzf/x` carries "/x" as `-f/x` does.
  const cluster = /^-[A-Za-z]+/.exec(text)?.[0] ?? "";
  for (let i = 2; i <= cluster.length && i < text.length; i++) found.push(text.slice(i));
  return found;
}

function inside(path: string, root: string | undefined): boolean {
  if (root === undefined) return false;
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** An unquoted glob in a path segment that starts with "." can expand to "..": `notes/.*` does. */
function globMayMatchDots(word: ShellWord): boolean {
  let segmentStart = true;
  let dotFirst = false;
  for (const { ch, quoted } of word.chars) {
    if (ch === "/") {
      segmentStart = true;
      continue;
    }
    if (segmentStart) dotFirst = ch === "." || (ch === "[" && !quoted);
    segmentStart = false;
    if (!quoted && (ch === "*" || ch === "?" || ch === "[") && dotFirst) return true;
  }
  return false;
}
