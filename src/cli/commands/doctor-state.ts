// doctor's state checks: is state.db readable through and through (and `--repair` rebuilds it when
// not), and which transcripts have damaged lines that loading skips.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { DamagedStateError } from "../../adapters/sqlite/damaged-state.ts";
import { openStateDb } from "../../adapters/sqlite/db.ts";
import { repairStateDb, type StateRepairReport } from "../../adapters/sqlite/state-repair.ts";
import { describeLines, parseTranscriptLines } from "../../adapters/sqlite/transcript-lines.ts";
import type { Paths } from "../../config/paths.ts";
import { runningGatewayPid } from "../../gateway/pid-lock.ts";
import type { Check } from "./doctor.ts";

/** Why state.db is damaged, or undefined when it reads (or does not exist yet). */
function stateDamage(path: string): DamagedStateError | undefined {
  if (!existsSync(path)) return undefined;
  try {
    openStateDb(path, { check: true }).close();
    return undefined;
  } catch (error) {
    if (error instanceof DamagedStateError) return error;
    throw error;
  }
}

function describeRepair(report: StateRepairReport, home: string): string {
  const tables = report.tables
    .filter((t) => t.kept > 0 || t.lost !== 0)
    .map(
      (t) =>
        `${t.table}: kept ${t.kept}, ${t.lost === undefined ? "lost an unknown number" : `lost ${t.lost}`}`,
    );
  const lines = [
    `The damaged file is kept as ${relative(home, report.damagedCopy)} (with its -wal and -shm, if any).`,
    tables.length > 0 ? `Rows: ${tables.join("; ")}.` : "Every table was empty.",
    `Sessions put back from their transcripts: ${report.sessionsRebuilt}.`,
  ];
  if (report.orphanTranscripts.length > 0) {
    lines.push(
      `Transcripts whose chat could not be worked out (kept in sessions/, not listed): ${report.orphanTranscripts.join(", ")}.`,
    );
  }
  return lines.join("\n");
}

/**
 * Checks state.db; with `repair`, rebuilds a damaged one (refused while a gateway runs on it).
 * Runs before anything else opens the database, which would fail on a damaged one.
 */
export async function stateDbCheck(paths: Paths, repair: boolean, now: number): Promise<Check | undefined> {
  const damage = stateDamage(paths.stateDb);
  if (!damage) return undefined;
  const problem = `${paths.stateDb} is damaged (${damage.problem})`;
  if (!repair) {
    return {
      name: "state",
      status: "fail",
      detail: problem,
      fix: "Run `agent-claw doctor --repair`: it keeps the damaged file aside, rebuilds the database from what still reads, and says what was lost.",
    };
  }
  const pid = await runningGatewayPid(paths.home);
  if (pid !== undefined) {
    return {
      name: "state",
      status: "fail",
      detail: `${problem}; not repaired while a gateway (pid ${pid}) uses it`,
      fix: `Stop the gateway (\`kill ${pid}\`, or \`agent-claw daemon uninstall\` if it runs as a service), then run \`agent-claw doctor --repair\` again.`,
    };
  }
  const report = repairStateDb(paths.stateDb, paths.sessionsDir, now);
  return {
    name: "state repair",
    status: "warn",
    detail: `${problem}; rebuilt it.\n${describeRepair(report, paths.home)}`,
  };
}

/** Transcripts with damaged lines (skipped when the session loads); the files are left as they are. */
export async function transcriptsCheck(paths: Paths): Promise<Check> {
  const names = (await readdir(paths.sessionsDir).catch(() => [] as string[])).filter((n) =>
    n.endsWith(".jsonl"),
  );
  const damaged: string[] = [];
  for (const name of names.sort()) {
    const text = await readFile(join(paths.sessionsDir, name), "utf8").catch(() => "");
    const lines = parseTranscriptLines(text).damaged;
    if (lines.length > 0) damaged.push(`${name} ${describeLines(lines)}`);
  }
  if (damaged.length === 0) {
    return {
      name: "transcripts",
      status: "ok",
      detail: `${names.length} in ${paths.sessionsDir}, none damaged`,
    };
  }
  return {
    name: "transcripts",
    status: "warn",
    detail: `damaged lines in ${paths.sessionsDir}: ${damaged.join("; ")}`,
    fix: "Those lines are not JSON and are skipped when the session loads; the rest of each conversation is used. The files are left as they are: look at the lines, fix or delete them in an editor if you like.",
  };
}
