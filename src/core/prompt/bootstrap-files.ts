// Loads the workspace files that go into every system prompt, each capped in size.
import type { Workspace } from "../../ports/workspace.ts";

/** In prompt order: instructions first, then persona, tools, identity, the user, then memory. */
export const BOOTSTRAP_FILES = [
  "AGENTS.md",
  "SOUL.md",
  "TOOLS.md",
  "IDENTITY.md",
  "USER.md",
  "HEARTBEAT.md",
  "BOOTSTRAP.md",
  "MEMORY.md",
] as const;

/** Private notes stay out of group chats, where other people read the replies. */
const PRIVATE_ONLY = new Set(["MEMORY.md"]);

export interface BootstrapFile {
  name: string;
  content: string;
  /** Characters in the file when it was cut to fit, else undefined. */
  originalChars?: number;
}

/** Keeps the head and the tail of a long file (the end of notes is often the newest part). */
export function capFile(content: string, maxChars: number): { content: string; cut: boolean } {
  if (content.length <= maxChars) return { content, cut: false };
  const head = Math.floor(maxChars * 0.75);
  const tail = maxChars - head;
  const omitted = content.length - head - tail;
  return {
    content: `${content.slice(0, head)}\n\n[... ${omitted} characters omitted here ...]\n\n${content.slice(-tail)}`,
    cut: true,
  };
}

/** Reads the bootstrap files that exist and are not empty. */
export async function loadBootstrapFiles(
  workspace: Workspace,
  options: { maxChars: number; includePrivate: boolean; only?: readonly string[] },
): Promise<BootstrapFile[]> {
  const names = BOOTSTRAP_FILES.filter(
    (name) =>
      (options.includePrivate || !PRIVATE_ONLY.has(name)) && (!options.only || options.only.includes(name)),
  );
  const contents = await Promise.all(names.map((name) => workspace.read(name)));
  const files: BootstrapFile[] = [];
  names.forEach((name, i) => {
    const bytes = contents[i];
    if (!bytes) return;
    const text = new TextDecoder().decode(bytes).trim();
    if (!text) return;
    const capped = capFile(text, options.maxChars);
    files.push(
      capped.cut ? { name, content: capped.content, originalChars: text.length } : { name, content: text },
    );
  });
  return files;
}
