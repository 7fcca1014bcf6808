// Where a running `aws dev` keeps its state, in <AGENT_CLAW_HOME>/aws-dev.json while it runs: its DynamoDB
// emulator's address and table, and the limits and time zone its handlers started with, so `agent-claw
// usage --aws-dev` can read the ledger its handlers record in and judge it as they do. The emulators live
// in memory, so the file is only true while that process lives; it is removed when aws dev is stopped.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { limitsSchema } from "../../../config/usage-schema.ts";
import { writeFileAtomic } from "../../../util/atomic-write.ts";
import { processLive } from "../../../util/process-identity.ts";

export const devRecordSchema = z.object({
  /** The aws dev process: the record is stale once it is gone (killed without removing it). */
  pid: z.number().int().positive(),
  /**
   * When that process started, as the kernel counts it (Linux: /proc/<pid>/stat's starttime), so a pid
   * reused after a reboot is not taken for it. Absent where there is no /proc (macOS): the pid alone.
   */
  processStart: z.string().optional(),
  /** The DynamoDB emulator, http://127.0.0.1:<port>. */
  dynamodbEndpoint: z.url(),
  table: z.string().min(1),
  /** When it started (ISO 8601). */
  startedAt: z.string(),
  /** The daily limits its handlers run with (config.json when it started). */
  limits: limitsSchema,
  /** The time zone its days are counted in (agent.timezone, else this machine's). */
  timeZone: z.string(),
});

export type DevRecord = z.infer<typeof devRecordSchema>;

export const devRecordFile = (home: string) => join(home, "aws-dev.json");

/** The record, or undefined when none is there. Contract: a damaged file reads as none (it is only a pointer). */
export async function readDevRecord(home: string): Promise<DevRecord | undefined> {
  let text: string;
  try {
    text = await readFile(devRecordFile(home), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const parsed = devRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function writeDevRecord(home: string, record: DevRecord): Promise<void> {
  await writeFileAtomic(devRecordFile(home), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}

/**
 * Writes the record if it can. The record only lets `usage --aws-dev` find this aws dev, so a home that
 * cannot take it (read-only, full disk) must not stop aws dev: `warn` gets the reason and false is returned.
 */
export async function writeDevRecordIfPossible(
  home: string,
  record: DevRecord,
  warn: (message: string) => void,
): Promise<boolean> {
  try {
    await writeDevRecord(home, record);
    return true;
  } catch (error) {
    warn(
      `could not write ${devRecordFile(home)} (${(error as Error).message}): ` +
        "agent-claw usage --aws-dev will not find this aws dev",
    );
    return false;
  }
}

/** Removes the record if it is still `pid`'s (a second aws dev may have written its own since). */
export async function removeDevRecord(home: string, pid: number): Promise<void> {
  const current = await readDevRecord(home);
  if (current?.pid === pid) await rm(devRecordFile(home), { force: true });
}

/** Whether the process that wrote the record still runs (the same process, not a later one with its pid). */
export const devRecordLive = (record: DevRecord): Promise<boolean> =>
  processLive(record.pid, record.processStart);
