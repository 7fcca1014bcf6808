// Creates the starting files of a new workspace; an existing one (ours or OpenClaw's) is left as is.
import type { Workspace } from "../../ports/workspace.ts";
import { WORKSPACE_TEMPLATES } from "./templates.ts";

/**
 * Writes the templates into an empty workspace and returns the files written. A workspace that
 * already holds files is used as it is, so a person's edits and an OpenClaw folder are never touched.
 * With `fillMissing`, missing template files are added to a non-empty workspace too (onboarding).
 */
export async function ensureWorkspace(
  workspace: Workspace,
  options: { fillMissing?: boolean; overrides?: Record<string, string> } = {},
): Promise<string[]> {
  const existing = await workspace.list("");
  if (existing.length > 0 && !options.fillMissing) return [];
  const files = { ...WORKSPACE_TEMPLATES, ...options.overrides };
  const written: string[] = [];
  for (const [path, content] of Object.entries(files)) {
    if (await workspace.stat(path)) continue;
    await workspace.write(path, content);
    written.push(path);
  }
  return written;
}
