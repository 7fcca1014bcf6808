// doctor's file-mode check: everything in the home folder is the owner's alone (folders 0700, files
// 0600: it holds tokens and chats). `--repair` takes the group's and others' permissions away.
import { chmod, lstat, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import type { Check } from "./doctor.ts";

/** Folders and files below the home folder looked at; a workspace bigger than this is checked in part. */
const MAX_ENTRIES = 20_000;
const OTHERS = 0o077;

interface Exposed {
  path: string;
  mode: number;
}

/** Paths under `home` (the folder itself included) that the group or others may read, write or enter. */
async function findExposed(home: string): Promise<{ exposed: Exposed[]; seen: number }> {
  const exposed: Exposed[] = [];
  let seen = 0;
  const visit = async (path: string): Promise<void> => {
    if (seen >= MAX_ENTRIES) return;
    seen++;
    const stats = await lstat(path).catch(() => undefined);
    // Links are left alone: their own mode means nothing, and their target may be anywhere.
    if (!stats || stats.isSymbolicLink()) return;
    if (stats.mode & OTHERS) exposed.push({ path, mode: stats.mode & 0o7777 });
    if (!stats.isDirectory()) return;
    for (const name of (await readdir(path).catch(() => [] as string[])).sort())
      await visit(join(path, name));
  };
  await visit(home);
  return { exposed, seen };
}

const octal = (mode: number) => mode.toString(8).padStart(4, "0");

/** Reports (and with `repair`, fixes) files and folders in `home` that others can read. */
export async function filesCheck(home: string, repair: boolean): Promise<Check> {
  const { exposed, seen } = await findExposed(home);
  const partly = seen >= MAX_ENTRIES ? ` (the first ${MAX_ENTRIES} entries)` : "";
  if (exposed.length === 0) {
    return { name: "files", status: "ok", detail: `${home}: private to you${partly}` };
  }
  const name = (e: Exposed) => relative(home, e.path) || home;
  const listed = exposed
    .slice(0, 5)
    .map((e) => `${name(e)} (${octal(e.mode)})`)
    .join(", ");
  const more = exposed.length > 5 ? ` and ${exposed.length - 5} more` : "";
  if (repair) {
    const failed: string[] = [];
    for (const e of exposed) {
      await chmod(e.path, e.mode & ~OTHERS).catch((error: Error) =>
        failed.push(`${name(e)}: ${error.message}`),
      );
    }
    if (failed.length === 0) {
      return {
        name: "files",
        status: "ok",
        detail: `made ${exposed.length} private (group and others removed): ${listed}${more}`,
      };
    }
    return {
      name: "files",
      status: "fail",
      detail: `could not change ${failed.length}: ${failed.slice(0, 3).join("; ")}`,
      fix: "Change their owner or mode yourself (chmod go-rwx PATH), then run `agent-claw doctor` again.",
    };
  }
  return {
    name: "files",
    status: "fail",
    detail: `${exposed.length} readable by others in ${home}: ${listed}${more}`,
    fix: "Run `agent-claw doctor --repair` to make them private (folders 0700, files 0600): they hold tokens and your chats.",
  };
}
