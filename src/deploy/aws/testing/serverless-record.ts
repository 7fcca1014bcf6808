// The deploy record `agent-claw deploy aws` keeps for a serverless stack in eu-west-1, for the tests of
// the commands that read it (doctor, usage): each gives the stack outputs it points at.
import type { DeployRecord } from "../deploy-record.ts";

export function serverlessRecord(
  account: string,
  outputs: Record<string, string>,
  extra: Partial<DeployRecord> = {},
): DeployRecord {
  return {
    stack: "serverless",
    stackName: "agent-claw-serverless",
    name: "agent-claw",
    turns: "lambda",
    region: "eu-west-1",
    account,
    deployedAt: "2026-12-07T07:00:00.000Z",
    outputs,
    ...extra,
  };
}
