// Where the runtime keeps its session's files: AGENT_CLAW_RUNTIME_DIR, else AgentCore's managed session
// storage (/mnt/session, kept across a session's stop and resume) when mounted and writable, else a temp folder.
import { createHash } from "node:crypto";
import { accessSync, constants, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { z } from "zod";

export const RUNTIME_DIR_VARIABLE = "AGENT_CLAW_RUNTIME_DIR";
export const SESSION_STORAGE_MOUNT = "/mnt/session";

const dirSchema = z
  .string()
  .refine(isAbsolute, `${RUNTIME_DIR_VARIABLE} must be an absolute folder path, like /mnt/session`);

/** The folder all session folders go in. Contract: throws, naming the variable, for a relative path. */
export function runtimeRoot(env: NodeJS.ProcessEnv, mount = SESSION_STORAGE_MOUNT): string {
  const given = env[RUNTIME_DIR_VARIABLE]?.trim();
  if (given) {
    const parsed = dirSchema.safeParse(given);
    if (!parsed.success) throw new Error(`${parsed.error.issues[0]!.message}; got "${given}".`);
    return parsed.data;
  }
  return writableDir(mount) ? mount : join(tmpdir(), "agent-claw-runtime");
}

function writableDir(path: string): boolean {
  try {
    if (!statSync(path).isDirectory()) return false;
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** One runtime session's folder: the first 16 hex of sha256(session id), so ids never become paths. */
export function sessionFolder(root: string, sessionId: string): { workspace: string; state: string } {
  const folder = join(root, createHash("sha256").update(sessionId).digest("hex").slice(0, 16));
  return { workspace: join(folder, "workspace"), state: join(folder, "workspace-sync.json") };
}
