// `agent-claw usage --aws-dev`: the ledger of the `aws dev` running from this home, read from its in-memory
// DynamoDB emulator (found through <home>/aws-dev.json), judged by the limits and time zone aws dev started
// with (saved in that record). Its ledger ends when aws dev stops.
import { resolvePaths } from "../../config/paths.ts";
import { createDynamoUsage } from "../../adapters/dynamodb/usage.ts";
import { type DevRecord, devRecordLive, readDevRecord } from "../../engines/aws/dev/dev-record.ts";
import { dynamoClient } from "../../engines/aws/dev/emulators.ts";
import type { UsageLedger } from "../../ports/usage.ts";
import { UsageError } from "../io.ts";
import type { UsageSource } from "./usage-source.ts";

const START = "start it with agent-claw aws dev (its ledger lives only while it runs), or drop --aws-dev";
/** How long to wait for the emulator: it is on loopback, so a longer wait means it is not what answers. */
const ANSWER_TIMEOUT_MS = 3_000;

const gone = (record: DevRecord) =>
  new UsageError(
    `aws dev (pid ${record.pid}) is no longer running, and its ledger ended with it (the emulators keep ` +
      `everything in memory): ${START}.`,
  );

export async function openAwsDevUsage(env: NodeJS.ProcessEnv): Promise<UsageSource> {
  const record = await readDevRecord(resolvePaths(env).home);
  if (!record) throw new UsageError(`aws dev is not running from this home: ${START}.`);
  if (!(await devRecordLive(record))) throw gone(record);
  const client = dynamoClient(record.dynamodbEndpoint, { timeoutMs: ANSWER_TIMEOUT_MS });
  const dynamo = createDynamoUsage({ client, table: record.table });
  const explain = (error: unknown): never => {
    const { name, message, code } = error as NodeJS.ErrnoException;
    // Nothing listens on its port: the process with its pid is some other one (or it is shutting down).
    if (code === "ECONNREFUSED") throw gone(record);
    throw new UsageError(
      `aws dev (pid ${record.pid}) did not answer at ${record.dynamodbEndpoint} (${name}: ${message}): ${START}.`,
    );
  };
  const ledger: Pick<UsageLedger, "list"> = {
    list: (from, to) => dynamo.list(from, to).catch(explain),
  };
  return {
    ledger,
    // What its handlers judge the ledger by, even if config.json was edited since it started.
    limits: record.limits,
    timeZone: record.timeZone,
    limitsOrigin: { name: "the config aws dev started with" },
    heading: `aws dev (pid ${record.pid}, started ${record.startedAt}; table ${record.table}).`,
    json: { awsDev: { pid: record.pid, table: record.table, startedAt: record.startedAt } },
    close: async () => client.destroy(),
  };
}
