// `agent-claw usage --aws-dev`: the ledger of the `aws dev` running from this home, read from its in-memory
// DynamoDB emulator (found through <home>/aws-dev.json). aws dev's handlers run with this machine's
// config.json and time zone, so those are its limits and its days. Its ledger ends when aws dev stops.
import { loadConfig } from "../../config/load.ts";
import { resolvePaths } from "../../config/paths.ts";
import { createDynamoUsage } from "../../adapters/dynamodb/usage.ts";
import { devRecordLive, readDevRecord } from "../../engines/aws/dev/dev-record.ts";
import { dynamoClient } from "../../engines/aws/dev/emulators.ts";
import { systemTimeZone } from "../../engines/assistant-settings.ts";
import type { UsageLedger } from "../../ports/usage.ts";
import { UsageError } from "../io.ts";
import type { UsageSource } from "./usage-source.ts";

const START = "start it with agent-claw aws dev (its ledger lives only while it runs), or drop --aws-dev";

export async function openAwsDevUsage(env: NodeJS.ProcessEnv, now: () => number): Promise<UsageSource> {
  const paths = resolvePaths(env);
  const record = await readDevRecord(paths.home);
  if (!record) throw new UsageError(`aws dev is not running from this home: ${START}.`);
  if (!devRecordLive(record)) {
    throw new UsageError(
      `aws dev (pid ${record.pid}) is no longer running, and its ledger ended with it (the emulators keep ` +
        `everything in memory): ${START}.`,
    );
  }
  const config = await loadConfig(paths, env);
  const client = dynamoClient(record.dynamodbEndpoint);
  const dynamo = createDynamoUsage({ client, table: record.table });
  const explain = (error: unknown): never => {
    const { name, message } = error as Error;
    throw new UsageError(
      `aws dev (pid ${record.pid}) did not answer at ${record.dynamodbEndpoint} (${name}: ${message}): ${START}.`,
    );
  };
  const ledger: Pick<UsageLedger, "list" | "total"> = {
    list: (from, to) => dynamo.list(from, to).catch(explain),
    total: (from, to) => dynamo.total(from, to).catch(explain),
  };
  return {
    ledger,
    now,
    timeZone: systemTimeZone(config),
    limits: config.limits,
    heading: `aws dev (pid ${record.pid}, started ${record.startedAt}; table ${record.table}).`,
    limitsOrigin: { name: "config.json, which aws dev runs with" },
    json: { awsDev: { pid: record.pid, table: record.table, startedAt: record.startedAt } },
    close: async () => client.destroy(),
  };
}
