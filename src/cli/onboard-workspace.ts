// `onboard`'s workspace step: creates the missing files, and keeps IDENTITY.md and USER.md in line
// with the names and time zone given now by changing just their "- Name:" / "- Time zone:" lines,
// so a second onboard does not leave config and workspace disagreeing, nor lose what you wrote there.
import type { Workspace } from "../ports/workspace.ts";
import { ensureWorkspace } from "../core/workspace/ensure-workspace.ts";
import { WORKSPACE_TEMPLATES } from "../core/workspace/templates.ts";

export interface Personal {
  assistantName?: string | undefined;
  userName?: string | undefined;
  timezone?: string | undefined;
}

/** The fields onboard owns, per file: which "- Label:" line carries which value. */
const FIELDS: Array<{ file: string; label: string; value: (p: Personal) => string | undefined }> = [
  { file: "IDENTITY.md", label: "Name", value: (p) => p.assistantName },
  { file: "USER.md", label: "Name", value: (p) => p.userName },
  { file: "USER.md", label: "Time zone", value: (p) => p.timezone },
];

const lineOf = (label: string) => new RegExp(`^- ${label}:[^\\n]*$`, "m");
const decode = (bytes: Uint8Array | null) => (bytes ? new TextDecoder().decode(bytes) : undefined);

/** What the files say now (the defaults for the questions), for the fields onboard owns. */
export async function readPersonal(workspace: Workspace): Promise<Personal> {
  const identity = decode(await workspace.read("IDENTITY.md").catch(() => null));
  const user = decode(await workspace.read("USER.md").catch(() => null));
  const field = (text: string | undefined, label: string) =>
    text?.match(lineOf(label))?.[0].slice(`- ${label}:`.length).trim() || undefined;
  return {
    assistantName: field(identity, "Name"),
    userName: field(user, "Name"),
    timezone: field(user, "Time zone"),
  };
}

/** Creates missing files (filled in) and updates the owned lines of existing ones; lines to print. */
export async function personaliseWorkspace(workspace: Workspace, personal: Personal): Promise<string[]> {
  const fill = (text: string, file: string) =>
    FIELDS.filter((f) => f.file === file).reduce((out, f) => {
      const value = f.value(personal);
      return value === undefined ? out : out.replace(lineOf(f.label), () => `- ${f.label}: ${value}`);
    }, text);
  const overrides = Object.fromEntries(
    ["IDENTITY.md", "USER.md"].map((file) => [file, fill(WORKSPACE_TEMPLATES[file] ?? "", file)]),
  );
  const created = await ensureWorkspace(workspace, { fillMissing: true, overrides });
  const lines = created.length ? [`created ${created.join(", ")}`] : [];
  for (const file of ["IDENTITY.md", "USER.md"].filter((f) => !created.includes(f))) {
    const before = decode(await workspace.read(file));
    if (before === undefined) continue;
    const after = fill(before, file);
    const missing = FIELDS.filter(
      (f) => f.file === file && f.value(personal) !== undefined && !lineOf(f.label).test(before),
    );
    if (after !== before) {
      await workspace.write(file, after);
      lines.push(`updated ${file}`);
    }
    if (missing.length) {
      lines.push(
        `kept ${file} as you wrote it: it has no "- ${missing.map((f) => f.label).join(':" or "- ')}:" line to update`,
      );
    }
  }
  return lines;
}
