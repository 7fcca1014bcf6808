// `agent-claw aws dev`: the serverless engine on this machine (emulators, the bundled Lambda handlers,
// an API Gateway front, the SQS event source, a local Scheduler), to try it before deploying.
import type { Command } from "commander";
import { resolvePaths } from "../../config/paths.ts";
import { systemTimeZone } from "../../engines/assistant-settings.ts";
import { action, bold, dim, green, UsageError, yellow } from "../io.ts";
import { untilStopSignal } from "../stop-signals.ts";
import { processStartTime } from "../../util/process-identity.ts";

interface DevFlags {
  port: string;
  publicUrl?: string;
  quiet?: boolean;
  turns: string;
}

export function registerAws(program: Command): void {
  const aws = program
    .command("aws")
    .description("The serverless engine (Lambda, SQS FIFO, DynamoDB, S3, Scheduler)");
  aws
    .command("dev")
    .description("Run the whole serverless engine on this machine, against local emulators")
    .option("-p, --port <port>", "port of the API Gateway front (Telegram's webhook)", "18790")
    .option(
      "--public-url <url>",
      "a public https URL forwarding to the port (a tunnel): sets Telegram's webhook to it",
    )
    .option("-q, --quiet", "hide the functions' log lines")
    .option(
      "--turns <where>",
      "where turns run: lambda (the runner function) or agentcore (a local AgentCore Runtime stand-in)",
      "lambda",
    )
    .addHelpText(
      "after",
      [
        "",
        "Reads the same settings as the gateway: config.json in the home folder (AGENT_CLAW_HOME),",
        "AGENT_CLAW_MODEL, TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT and the provider keys.",
        "The handlers are dist/lambda/{ingest,runner,schedule}.mjs (npm run build), each in Lambda-like",
        "environments; DynamoDB, SQS and S3 are in-memory emulators, so state ends with the command.",
        "Needs the devDependencies dynalite and fauxqs: run it from a checkout after `npm ci`.",
        "With --turns agentcore the runner invokes AgentCore Runtime as a deployment with turns in AgentCore does:",
        "a local stand-in starts one `agent-claw runtime` process per chat session (dist/runtime.js) and ends it",
        "after 15 idle minutes; its turns can use a shell (tools.exec) in the session's own folder.",
        "Ctrl-C stops everything.",
      ].join("\n"),
    )
    .action(
      action(async (flags: DevFlags) => {
        const port = Number.parseInt(flags.port, 10);
        if (!(port >= 0 && port <= 65_535) || String(port) !== flags.port.trim()) {
          throw new UsageError(`--port must be a number from 0 to 65535, got "${flags.port}".`);
        }
        if (flags.turns !== "lambda" && flags.turns !== "agentcore") {
          throw new UsageError(`--turns must be lambda or agentcore, got "${flags.turns}".`);
        }
        if (flags.publicUrl !== undefined && !URL.canParse(flags.publicUrl)) {
          throw new UsageError(
            `--public-url must be a URL such as https://example.trycloudflare.com, got "${flags.publicUrl}".`,
          );
        }
        // Loaded here: the other commands start faster without the AWS SDK and the emulators.
        const { startAwsDev } = await import("../../engines/aws/dev/aws-dev.ts");
        const started = Date.now();
        const dev = await startAwsDev({
          port,
          turns: flags.turns,
          ...(flags.publicUrl && { publicUrl: flags.publicUrl }),
          onProgress: (step) => process.stderr.write(dim(`… ${step}\n`)),
          log: flags.quiet ? () => {} : (line) => process.stderr.write(`${dim(line)}\n`),
        });
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        // Where `usage --aws-dev` finds the ledger, for as long as this process runs.
        const { home } = resolvePaths();
        const { removeDevRecord, writeDevRecordIfPossible } =
          await import("../../engines/aws/dev/dev-record.ts");
        const start = await processStartTime(process.pid);
        await writeDevRecordIfPossible(
          home,
          {
            pid: process.pid,
            ...(start !== undefined && { processStart: start }),
            dynamodbEndpoint: dev.env["AGENT_CLAW_AWS_ENDPOINT_DYNAMODB"]!,
            table: dev.resources.table,
            startedAt: new Date(started).toISOString(),
            // What the handlers judge the ledger by, even if config.json is edited while aws dev runs.
            limits: dev.config.limits,
            timeZone: systemTimeZone(dev.config),
          },
          (message) => process.stderr.write(yellow(`warning: ${message}\n`)),
        );
        const stopped = untilStopSignal();
        process.stdout.write(
          [
            `${green("aws dev is running")} (started in ${seconds} s)`,
            `  Telegram webhook  ${bold(flags.publicUrl ? `${flags.publicUrl.replace(/\/+$/, "")}/telegram/webhook` : dev.webhookUrl)}`,
            `  secret token      ${dev.webhookSecret}`,
            !dev.telegram
              ? "  no bot token: set TELEGRAM_BOT_TOKEN (or channels.telegram.botToken) for Telegram; schedules run meanwhile"
              : flags.publicUrl
                ? "  the webhook is set on Telegram"
                : "  set it with setWebhook (url, secret_token) from a public URL that forwards here, or pass --public-url",
            ...(dev.agentcore
              ? [
                  `  turns run in AgentCore (stand-in ${dev.agentcore.endpoint}, runtime ${dev.agentcore.runtimeArn})`,
                ]
              : []),
            `  table ${dev.resources.table}, bucket ${dev.resources.bucket}`,
            `  queue ${dev.resources.queueUrl}`,
            `  dead letters ${dev.resources.deadLetterQueueUrl}`,
            `  memory ${dev.memory.memoryId} (AgentCore Memory stand-in ${dev.memory.endpoint}; facts extracted 3 s after a turn)`,
            "  usage: agent-claw usage --aws-dev",
            "Ctrl-C to stop.",
            "",
          ].join("\n"),
        );
        const signal = await stopped;
        // After SIGHUP the terminal is gone: writing to it could fail before the record is removed.
        if (signal !== "SIGHUP") process.stderr.write(dim("stopping…\n"));
        await removeDevRecord(home, process.pid).catch(() => {});
        await dev.close();
      }),
    );
}
