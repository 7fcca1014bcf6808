// Where a running `aws dev` keeps its state, in <AGENT_CLAW_HOME>/aws-dev.json while it runs: its DynamoDB
// emulator's address and table, so `agent-claw usage --aws-dev` can read the ledger its handlers record in.
// The emulators live in memory, so the file is only true while that process lives; it is removed on exit.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../../../util/atomic-write.ts";

export const devRecordSchema = z.object({
  /** The aws dev process: the record is stale once it is gone (killed without removing it). */
  pid: z.number().int().positive(),
  /** The DynamoDB emulator, http://127.0.0.1:<port>. */
  dynamodbEndpoint: z.url(),
  table: z.string().min(1),
  /** When it started (ISO 8601). */
  startedAt: z.string(),
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

/** Removes the record if it is still `pid`'s (a second aws dev may have written its own since). */
export async function removeDevRecord(home: string, pid: number): Promise<void> {
  const current = await readDevRecord(home);
  if (current?.pid === pid) await rm(devRecordFile(home), { force: true });
}

/** Whether the process that wrote the record still runs. */
export function devRecordLive(record: DevRecord): boolean {
  try {
    process.kill(record.pid, 0);
    return true;
  } catch (error) {
    // EPERM: a process of another user holds that pid now; treat as alive, the read will tell.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
