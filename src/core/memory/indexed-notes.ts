// Which workspace files are notes the memory searches: one rule for the local index and the AWS
// note search, so both find the same notes.

/**
 * Folders that hold no notes: version control and tool folders, files people sent (inbox/), skills
 * (instructions, read on demand). Compared case-insensitively at the workspace's top level; hidden
 * folders are skipped everywhere.
 */
export const SKIPPED_TOP_FOLDERS: ReadonlySet<string> = new Set(["inbox", "skills", "node_modules"]);

/**
 * Files loaded into every prompt already, so a search would only repeat them. MEMORY.md is not among
 * them: it is the curated memory and a search should find it. USER.md is about the owner, and found too.
 */
const PROMPT_FILES: ReadonlySet<string> = new Set([
  "agents.md",
  "soul.md",
  "tools.md",
  "identity.md",
  "heartbeat.md",
  "bootstrap.md",
]);

/** Notes bigger than this are not indexed (a log or an export, not a note). */
export const MAX_NOTE_BYTES = 2 * 1024 * 1024;

/** Whether a workspace-relative POSIX path is a note the memory indexes (its size is checked apart). */
export function isIndexedNote(path: string): boolean {
  const parts = path.split("/");
  const name = parts.at(-1)!.toLowerCase();
  if (!name.endsWith(".md") || name.startsWith(".")) return false;
  if (parts.length === 1) return !PROMPT_FILES.has(name);
  if (SKIPPED_TOP_FOLDERS.has(parts[0]!.toLowerCase())) return false;
  return !parts.slice(0, -1).some((part) => part.startsWith("."));
}
