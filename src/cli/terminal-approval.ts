// exec's question in the terminal chat: yes once, always (the exact command joins
// tools.exec.allowlist in config.json, in force at once), or no, as the web chat and Telegram ask.
import { updateConfigFile } from "../config/edit.ts";
import { loadConfig } from "../config/load.ts";
import type { LocalAssistant } from "../engines/local/assistant.ts";

export type TerminalApproval = "once" | "always" | "deny";

/** The question's suffix: anything but the letters offered means no. */
export const APPROVAL_CHOICES = "[y]es once, [a]lways, [N]o";

/** What a typed answer means; an empty or unknown answer denies, as [N] says. */
export function approvalAnswer(line: string): TerminalApproval {
  const answer = line.trim().toLowerCase();
  if (answer === "y" || answer === "yes") return "once";
  if (answer === "a" || answer === "always") return "always";
  return "deny";
}

/**
 * Adds `entry` to tools.exec.allowlist in config.json (validated, written atomically) and applies
 * the result, environment overrides included, to the running assistant.
 */
export async function allowAlways(
  assistant: Pick<LocalAssistant, "paths" | "env" | "reconfigure">,
  entry: string,
): Promise<void> {
  const { paths, env } = assistant;
  const current = (await loadConfig(paths, env)).tools.exec.allowlist;
  if (!current.includes(entry)) {
    await updateConfigFile(paths.configFile, "tools.exec.allowlist", [...current, entry]);
  }
  assistant.reconfigure(await loadConfig(paths, env));
}
