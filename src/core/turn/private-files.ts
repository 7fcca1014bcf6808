// The owner's files as the tools of anyone else's turn see the workspace: MEMORY.md, memory/, USER.md
// and the files people sent (inbox/, but for this turn's own) can be neither read nor listed nor
// written, and the files that shape every conversation
// (SOUL.md, AGENTS.md, ..., skills/) cannot be changed. Enforced on the Workspace the tools get, so
// read, list, write, edit and send_file all obey it. (exec runs outside it: it is owner-only by default.)
import { type Workspace, type WorkspaceEntry, WorkspacePathError } from "../../ports/workspace.ts";
import { BOOTSTRAP_FILES } from "../prompt/bootstrap-files.ts";
import { normalizeWorkspacePath } from "../workspace-path.ts";

/** What only the owner's own turns may read. */
const PRIVATE = ["MEMORY.md", "USER.md", "memory", "inbox"];
/** What only the owner's own turns may change: the files every prompt is built from (a new one too). */
const OWNER_WRITES = [...BOOTSTRAP_FILES.filter((name) => !PRIVATE.includes(name)), "skills"];

/** True for `names` themselves and anything below them; case-insensitive (macOS and Windows folders are). */
function under(path: string, names: readonly string[]): boolean {
  const lower = normalizeWorkspacePath(path).toLowerCase();
  return names.some((name) => {
    const n = name.toLowerCase();
    return lower === n || lower.startsWith(`${n}/`);
  });
}

export const isPrivatePath = (path: string) => under(path, PRIVATE);

function refuse(path: string, what: "read" | "change"): never {
  throw new WorkspacePathError(
    what === "read"
      ? `"${path}" is private to the owner and cannot be opened in this conversation.`
      : `"${path}" shapes every conversation, so only the owner can change it.`,
  );
}

/**
 * The workspace as a turn that is not the owner's own sees it. `ownFiles` are the files that came
 * with this turn's messages (saved in inbox/): those it may read.
 */
export function withoutPrivateFiles(workspace: Workspace, ownFiles: readonly string[] = []): Workspace {
  const own = new Set(ownFiles.map((path) => normalizeWorkspacePath(path).toLowerCase()));
  const isPrivate = (path: string) =>
    isPrivatePath(path) && !own.has(normalizeWorkspacePath(path).toLowerCase());
  const hide = (entries: WorkspaceEntry[]) => entries.filter((e) => !isPrivate(e.path));
  return {
    location: workspace.location,
    async read(path) {
      if (isPrivate(path)) refuse(path, "read");
      return workspace.read(path);
    },
    async write(path, data) {
      if (isPrivatePath(path)) refuse(path, "read");
      if (under(path, OWNER_WRITES)) refuse(path, "change");
      return workspace.write(path, data);
    },
    async stat(path) {
      if (!isPrivate(path)) return workspace.stat(path);
      // inbox/'s folders lead to this turn's own files; what else is in them stays hidden.
      const entry = under(path, ["inbox"]) ? await workspace.stat(path) : null;
      if (entry?.kind === "dir") return entry;
      refuse(path, "read");
    },
    async list(dir, options) {
      if (isPrivatePath(dir) && !under(dir, ["inbox"])) refuse(dir, "read");
      return hide(await workspace.list(dir, options));
    },
    async remove(path) {
      if (isPrivatePath(path) || under(path, OWNER_WRITES)) refuse(path, "change");
      return workspace.remove(path);
    },
  };
}
