// What was deployed, kept in <AGENT_CLAW_HOME>/deploy/aws.json: `deploy aws --destroy` finds the stack and
// the webhook from it, and doctor checks the stack it names. Written atomically; never holds a secret.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../../util/atomic-write.ts";

export const deployRecordSchema = z.object({
  stack: z.enum(["serverless", "fargate"]),
  stackName: z.string().min(1),
  name: z.string().min(1),
  turns: z.enum(["lambda", "agentcore"]),
  region: z.string().min(1),
  account: z.string().min(1),
  /** When the deploy finished (ISO 8601). */
  deployedAt: z.string(),
  /** The stack's outputs (WebhookUrl, SecretArn, DeadLetterQueueUrl, ...). */
  outputs: z.record(z.string(), z.string()),
  /** The URL Telegram's webhook was set to; absent when no bot token was given (or Fargate polls). */
  webhookUrl: z.string().optional(),
});

export type DeployRecord = z.infer<typeof deployRecordSchema>;

export const deployRecordFile = (home: string) => join(home, "deploy", "aws.json");

/** The record, or undefined when nothing was deployed from this home. Contract: throws on a damaged file, saying which. */
export async function readDeployRecord(home: string): Promise<DeployRecord | undefined> {
  const file = deployRecordFile(home);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not JSON: delete it, then run agent-claw deploy aws again to write it anew.`);
  }
  const parsed = deployRecordSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `${file} is not a deploy record (${z.prettifyError(parsed.error).replaceAll("\n", " ")}): delete it, then run agent-claw deploy aws again.`,
    );
  }
  return parsed.data;
}

export async function writeDeployRecord(home: string, record: DeployRecord): Promise<void> {
  await writeFileAtomic(deployRecordFile(home), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}

export async function removeDeployRecord(home: string): Promise<void> {
  await rm(deployRecordFile(home), { force: true });
}
