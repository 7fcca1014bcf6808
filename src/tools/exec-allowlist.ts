// Which shell commands exec may run without asking a person. Patterns are deliberately simple and
// a prefix pattern never matches a command that chains, substitutes or redirects.

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
 * - `ls *` (space, then `*`): the words before it, alone or followed by arguments:
 *   "ls", "ls -la notes" — but not "lsblk".
 * - `npm run test*` (`*` right after text): any command starting with that text:
 *   "npm run test", "npm run test:unit".
 * A prefix pattern (either `*` form) never matches a command for which `hasShellControl` is true,
 * so "git status; rm -rf /" does not match "git status*". A `*` elsewhere is literal text.
 * Contract: pure; never throws.
 */
export function findAllowlistMatch(command: string, allowlist: readonly string[]): string | undefined {
  const cmd = command.trim();
  if (cmd === "") return undefined;
  const controlled = hasShellControl(cmd);
  for (const raw of allowlist) {
    const pattern = raw.trim();
    if (pattern === "") continue;
    if (!pattern.endsWith("*")) {
      if (cmd === pattern) return raw;
      continue;
    }
    if (controlled) continue;
    const words = pattern.slice(0, -1);
    if (words.endsWith(" ") || words.endsWith("\t")) {
      const base = words.trimEnd();
      if (base === "" || cmd === base || cmd.startsWith(`${base} `) || cmd.startsWith(`${base}\t`))
        return raw;
    } else if (cmd.startsWith(words)) {
      return raw;
    }
  }
  return undefined;
}
