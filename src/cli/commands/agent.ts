// `agent-claw agent -m TEXT`: one turn, the reply on stdout (or one JSON object with --json).
import { randomUUID } from "node:crypto";
import type { Command } from "commander";
import { secretsToHide } from "../../config/secrets.ts";
import { ModelCallError } from "../../core/agent/model-call-error.ts";
import { openLocalAssistant } from "../../engines/local/assistant.ts";
import { explainModelError } from "../../models/explain-error.ts";
import { cliChannel, cliMessage, cliSessionKey } from "../cli-message.ts";
import { confirm, reportError, reportJsonError, UsageError } from "../io.ts";
import { createTurnPrinter } from "../turn-printer.ts";

interface AgentOptions {
  message?: string;
  session?: string;
  json?: boolean;
}

export function registerAgent(program: Command): void {
  program
    .command("agent")
    .description("Run one turn: send a message, print the reply")
    // Checked in the action, not by commander, so that with --json a missing message is JSON too.
    .option("-m, --message <text>", 'the message to send ("-" reads it from stdin)')
    .option("-s, --session <key>", "session key (default: the main session)")
    .option("--json", "print one JSON object: reply, session key, token usage")
    // commander's own refusals (an unknown option, a missing value) are JSON too with --json.
    .configureOutput({
      writeErr: (text) => void (process.argv.includes("--json") || process.stderr.write(text)),
      outputError: (text, write) =>
        process.argv.includes("--json")
          ? process.stdout.write(
              `${JSON.stringify({ error: { code: "usage", message: text.replace(/^error: /, "").trim() } })}\n`,
            )
          : write(text),
    })
    .addHelpText(
      "after",
      '\nExamples:\n  agent-claw agent -m "What is on my list today?"\n  echo "summarise this" | agent-claw agent -m - --json',
    )
    .action(async (options: AgentOptions) => {
      try {
        await runAgent(options);
      } catch (error) {
        // With --json the failure is JSON too, on stdout where the caller reads the answer.
        process.exitCode = options.json ? reportJsonError(error) : reportError(error);
      }
    });
}

async function runAgent(options: AgentOptions): Promise<void> {
  if (options.message === undefined) {
    throw new UsageError(
      'Pass the message with -m, e.g. agent-claw agent -m "hello" (-m - reads it from stdin).',
    );
  }
  const text = options.message === "-" ? await readStdin() : options.message;
  if (!text.trim()) throw new UsageError("The message is empty; pass some text with -m.");
  const assistant = await openLocalAssistant();
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", onSigint);
  try {
    const model = await assistant.model();
    // A key kept in config.json is not in the environment, and a provider's error may echo it.
    const secrets = secretsToHide(assistant.config);
    const sessionKey = cliSessionKey(options.session, assistant.config.session.dmScope);
    const interactive = process.stdin.isTTY === true && options.message !== "-";
    const printer = options.json ? undefined : createTurnPrinter();
    const result = await assistant
      .turn({
        sessionKey,
        messages: [cliMessage(text, assistant.ports.clock.now(), randomUUID())],
        channel: cliChannel(interactive),
        signal: controller.signal,
        onEvent: printer?.onEvent,
        approve: interactive ? (r) => confirm(`Allow ${r.tool}: ${r.summary}?`) : undefined,
      })
      .catch((error: unknown) => {
        throw error instanceof ModelCallError
          ? Object.assign(new UsageError(explainModelError(error.cause, model.ref, secrets)), {
              code: "model",
            })
          : error;
      });
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({
          reply: result.reply,
          sessionKey: result.sessionKey,
          sessionId: result.sessionId,
          model: model.ref,
          usage: result.usage,
          steps: result.steps,
          stopReason: result.stopReason,
        })}\n`,
      );
    } else {
      printer?.finish(result);
    }
  } finally {
    process.off("SIGINT", onSigint);
    await assistant.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
