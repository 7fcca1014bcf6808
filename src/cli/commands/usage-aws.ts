// `agent-claw usage --aws`: the usage ledger of the deployment `deploy aws` recorded in this home
// (<home>/deploy/aws.json), read from its DynamoDB table with the user's credentials (checked with STS, in
// the record's region and account), with the deployed config's limits and time zone when its secret can be
// read. Loaded only for --aws, so the plain command never loads the AWS SDK.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createDynamoUsage } from "../../adapters/dynamodb/usage.ts";
import { loadConfig } from "../../config/load.ts";
import { resolvePaths } from "../../config/paths.ts";
import type { Config } from "../../config/schema.ts";
import { type AwsIdentity, awsIdentity, clientOptions, DeployError } from "../../deploy/aws/aws-access.ts";
import { readDeployedConfig } from "../../deploy/aws/deployed-config.ts";
import { type DeployRecord, deployRecordFile, readDeployRecord } from "../../deploy/aws/deploy-record.ts";
import type { UsageLedger } from "../../ports/usage.ts";
import { UsageError } from "../io.ts";
import type { UsageSource } from "./usage-source.ts";

export interface AwsUsageDeps {
  /** Who is asking (default: the SDK's chain, checked with STS); throws DeployError without credentials. */
  identity?(env: NodeJS.ProcessEnv, region?: string): Promise<AwsIdentity>;
}

const DROP_AWS = "or drop --aws to see this machine's own usage";

/** The deploy record, or a UsageError saying what to do without one. */
async function deployment(home: string): Promise<DeployRecord> {
  let record: DeployRecord | undefined;
  try {
    record = await readDeployRecord(home);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!record) {
    throw new UsageError("Nothing deployed from this home: run agent-claw deploy aws, or drop --aws.");
  }
  if (record.stack === "fargate") {
    const webUi = record.outputs["LoadBalancerUrl"];
    const ledger = `${record.stackName} runs the gateway on Fargate, whose usage ledger is in state.db on its own file system`;
    // Without a load balancer the task only polls Telegram: it serves no web UI anyone could open.
    throw new UsageError(
      webUi
        ? `${ledger}: open the web UI's Usage page there (${webUi}), ${DROP_AWS}.`
        : `${ledger}, and it serves no web UI (it only polls Telegram): run agent-claw usage in its container ` +
            `(aws ecs execute-command), or read the model calls in its CloudWatch logs, ${DROP_AWS}.`,
    );
  }
  return record;
}

/** A DynamoDB failure said in the user's terms: a missing table means the stack is gone. */
function explain(record: DeployRecord, table: string) {
  return (error: unknown): never => {
    const { name, message } = error as Error;
    if (name === "ResourceNotFoundException") {
      throw new UsageError(
        `The table ${table} of ${record.stackName} does not exist in ${record.account}/${record.region}: the stack ` +
          `was destroyed or replaced. Run agent-claw deploy aws again, ${DROP_AWS}.`,
      );
    }
    throw new UsageError(
      `Could not read the usage ledger in ${table} (${name}: ${message}). The credentials need dynamodb:Query ` +
        "on it; check them and the network, then run this again.",
    );
  };
}

/**
 * The limits' config: the deployment's own, else this machine's config.json with the reason why. Only its
 * limits stand in: this machine's agent.timezone says nothing of the deployment's days (see timeZone).
 */
async function limitsConfig(
  record: DeployRecord,
  identity: AwsIdentity,
  env: NodeJS.ProcessEnv,
): Promise<{ config: Config; from: "deployment" | "local"; problem?: string }> {
  try {
    return { config: await readDeployedConfig(record, identity, env), from: "deployment" };
  } catch (error) {
    const config = await loadConfig(resolvePaths(env), env);
    return { config, from: "local", problem: (error as Error).message };
  }
}

export async function openAwsUsage(env: NodeJS.ProcessEnv, deps: AwsUsageDeps = {}): Promise<UsageSource> {
  const record = await deployment(resolvePaths(env).home);
  const table = record.outputs["TableName"];
  if (!table) {
    throw new UsageError(
      `${deployRecordFile("<AGENT_CLAW_HOME>")} names no table for ${record.stackName} (an older deploy wrote it): ` +
        "run agent-claw deploy aws again to record it.",
    );
  }
  let identity: AwsIdentity;
  try {
    identity = await (deps.identity ?? awsIdentity)(env, record.region);
  } catch (error) {
    if (error instanceof DeployError) throw new UsageError(error.message);
    throw error;
  }
  if (identity.account !== record.account) {
    throw new UsageError(
      `${record.stackName} is in account ${record.account}, but these credentials are for ${identity.account}: ` +
        "use the profile of the account you deployed to (AWS_PROFILE), then run this again.",
    );
  }
  const limits = await limitsConfig(record, identity, env);
  const client = new DynamoDBClient(clientOptions(identity, env, "dynamodb"));
  const dynamo = createDynamoUsage({ client, table });
  const ledger: Pick<UsageLedger, "list"> = {
    list: (from, to) => dynamo.list(from, to).catch(explain(record, table)),
  };
  const where = { stackName: record.stackName, account: record.account, region: record.region, table };
  return {
    ledger,
    // A Lambda and an AgentCore microVM run in UTC: without agent.timezone, the deployment's days are UTC's;
    // when its config cannot be read, UTC is what it uses unless told otherwise, so the days are UTC's too.
    timeZone: (limits.from === "deployment" && limits.config.agent.timezone) || "UTC",
    limits: limits.config.limits,
    heading: `Deployment ${record.stackName} in ${record.account}/${record.region} (table ${table}).`,
    limitsOrigin:
      limits.from === "deployment"
        ? { name: "the deployment's config" }
        : {
            name: "this machine's config.json",
            note:
              `The deployment's own config could not be read (${limits.problem}): days are shown in UTC and ` +
              "the limits are this machine's.",
          },
    json: {
      deployment: where,
      limitsFrom: limits.from,
      ...(limits.problem !== undefined && { limitsProblem: limits.problem }),
    },
    close: async () => client.destroy(),
  };
}
