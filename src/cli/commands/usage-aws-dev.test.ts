// `agent-claw usage --aws-dev`: the ledger of a running aws dev, written through the real DynamoDB ledger
// into dynalite as its handlers write it, found through the record aws dev keeps in the home while it runs;
// and plain words when aws dev is not running, or was killed and took its in-memory ledger with it.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freshTables, useDynalite } from "../../../test/emulators/dynalite.ts";
import { createDynamoUsage } from "../../adapters/dynamodb/usage.ts";
import {
  type DevRecord,
  readDevRecord,
  removeDevRecord,
  writeDevRecord,
  writeDevRecordIfPossible,
} from "../../engines/aws/dev/dev-record.ts";
import { usageRecord } from "../../ports/usage.contract.ts";
import { createFakeClock, type FakeClock } from "../../util/fake-clock.ts";
import { processStartTime } from "../../util/process-identity.ts";
import { runUsage } from "./usage.ts";

const dynalite = useDynalite();
let root: string;
let home: string;
let env: NodeJS.ProcessEnv;
let clock: FakeClock;
let record: DevRecord;
let output: string;
const out = (text: string) => {
  output += text;
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "ac-usage-aws-dev-"));
  home = join(root, ".agent-claw");
  await mkdir(home, { recursive: true });
  await writeFile(
    join(home, "config.json"),
    JSON.stringify({ agent: { timezone: "Europe/Berlin" }, limits: { dailyTokens: 10_000 } }),
  );
  env = { HOME: root, AGENT_CLAW_HOME: home, NO_COLOR: "1" };
  clock = createFakeClock(Date.UTC(2026, 11, 7, 12, 0));
  output = "";
  const { state } = await freshTables(dynalite.client);
  const ledger = createDynamoUsage({ client: dynalite.client, table: state });
  await ledger.record(usageRecord({ at: clock.now(), costUsd: 0.1 }));
  record = {
    pid: process.pid,
    dynamodbEndpoint: dynalite.endpoint,
    table: state,
    startedAt: "2026-12-07T11:00:00.000Z",
    limits: { dailyTokens: 10_000 },
    timeZone: "Europe/Berlin",
  };
  await writeDevRecord(home, record);
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("agent-claw usage --aws-dev", () => {
  it("prints the running aws dev's calls with the limits it started with", async () => {
    await runUsage({ awsDev: true, days: "1" }, { env, clock, out });
    const lines = output.trimEnd().split("\n");
    expect(lines[0]).toBe(
      `aws dev (pid ${process.pid}, started 2026-12-07T11:00:00.000Z; table ${record.table}).`,
    );
    expect(lines[2]!.split(/\s+/)).toEqual(["2026-12-07", "1", "1,200", "1,000", "80", "$0.10"]);
    expect(output).toContain(
      "Today: 1,280 of 10,000 tokens (daily limits of the config aws dev started with; days in Europe/Berlin).",
    );
  });

  it("says to start aws dev when none runs, or when the one recorded was killed", async () => {
    await removeDevRecord(home, process.pid);
    expect(await readDevRecord(home)).toBeUndefined();
    await expect(runUsage({ awsDev: true }, { env, clock, out })).rejects.toThrow(
      "aws dev is not running from this home: start it with agent-claw aws dev (its ledger lives only while it runs), or drop --aws-dev.",
    );
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    await writeDevRecord(home, { ...record, pid: gone });
    await expect(runUsage({ awsDev: true }, { env, clock, out })).rejects.toThrow(
      `aws dev (pid ${gone}) is no longer running, and its ledger ended with it`,
    );
  });

  it("judges the ledger by the limits and time zone aws dev started with, not config.json's since", async () => {
    await writeDevRecord(home, { ...record, limits: { dailyTokens: 50_000 }, timeZone: "America/New_York" });
    await runUsage({ awsDev: true, days: "1" }, { env, clock, out });
    expect(output).toContain(
      "Today: 1,280 of 50,000 tokens (daily limits of the config aws dev started with; days in America/New_York).",
    );
  });

  it.runIf(existsSync("/proc/self/stat"))(
    "takes a process that reused aws dev's pid (after a reboot) for a stopped aws dev",
    async () => {
      const start = (await processStartTime(process.pid))!;
      await writeDevRecord(home, { ...record, processStart: start });
      await runUsage({ awsDev: true, days: "1" }, { env, clock, out });
      expect(output).toContain("Today: 1,280 of 10,000 tokens");
      await writeDevRecord(home, { ...record, processStart: String(Number(start) + 1) });
      await expect(runUsage({ awsDev: true }, { env, clock, out })).rejects.toThrow(
        `aws dev (pid ${process.pid}) is no longer running, and its ledger ended with it`,
      );
    },
  );

  it("says aws dev is no longer running when nothing listens on its emulator's port", async () => {
    const server = createServer();
    const port = await new Promise<number>((resolve) =>
      server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
    );
    await new Promise((resolve) => server.close(resolve));
    await writeDevRecord(home, { ...record, dynamodbEndpoint: `http://127.0.0.1:${port}` });
    await expect(runUsage({ awsDev: true }, { env, clock, out })).rejects.toThrow(
      `aws dev (pid ${process.pid}) is no longer running, and its ledger ended with it`,
    );
  });

  it("gives up within seconds when what holds the port now never answers", async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    const port = await new Promise<number>((resolve) =>
      silent.listen(0, "127.0.0.1", () => resolve((silent.address() as { port: number }).port)),
    );
    try {
      await writeDevRecord(home, { ...record, dynamodbEndpoint: `http://127.0.0.1:${port}` });
      const started = Date.now();
      await expect(runUsage({ awsDev: true }, { env, clock, out })).rejects.toThrow(
        `aws dev (pid ${process.pid}) did not answer at http://127.0.0.1:${port}`,
      );
      expect(Date.now() - started).toBeLessThan(8_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 15_000);

  it("lets aws dev go on without its record when the home cannot take it, saying usage --aws-dev will not find it", async () => {
    const notADirectory = join(root, "a-file");
    await writeFile(notADirectory, "");
    const warnings: string[] = [];
    const written = await writeDevRecordIfPossible(join(notADirectory, "home"), record, (message) =>
      warnings.push(message),
    );
    expect(written).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^could not write .*aws-dev\.json \(.*ENOTDIR.*\): /);
    expect(warnings[0]).toMatch(/agent-claw usage --aws-dev will not find this aws dev$/);
  });

  it("refuses --aws with --aws-dev", async () => {
    await expect(runUsage({ aws: true, awsDev: true }, { env, clock, out })).rejects.toThrow(
      "--aws and --aws-dev: give one of them",
    );
  });
});
