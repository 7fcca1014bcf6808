// `agent-claw chat`: the terminal chat. Replies stream as they come; messages typed while a turn
// runs are collected into the next turn; /new, /compact, /status, /help, /exit. Beside a running gateway, the
// heartbeats and reminders of its session are printed as they happen.
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { secretsToHide } from "../../config/secrets.ts";
import { ModelCallError } from "../../core/agent/model-call-error.ts";
import { createLanes } from "../../core/lanes/lanes.ts";
import type { InboundMessage } from "../../core/messages.ts";
import { nextResetLine } from "../../core/session-reset/next-reset.ts";
import type { TurnResult } from "../../core/turn/run-turn.ts";
import type { ApprovalRequest } from "../../tools/tool.ts";
import { type LocalAssistant, openLocalAssistant } from "../../engines/local/assistant.ts";
import { explainModelError } from "../../models/explain-error.ts";
import type { Notice } from "../../gateway/event-hub.ts";
import { cliChannel, cliMessage, cliSessionKey } from "../cli-message.ts";
import { followGatewayNotices } from "../gateway-notices.ts";
import { action, bold, dim, red, reportError } from "../io.ts";
import {
  allowAlways,
  APPROVAL_CHOICES,
  approvalAnswer,
  type TerminalApproval,
} from "../terminal-approval.ts";
import { createTurnPrinter } from "../turn-printer.ts";

const HELP = `Commands:
  /new     start a new session (the old transcript is kept on disk)
  /compact summarise the conversation so far (facts saved to memory first)
  /status  model, session, usage and workspace
  /help    this list
  /exit    leave (Ctrl-D works too; Ctrl-C stops a running reply)`;

export function registerChat(program: Command): void {
  program
    .command("chat")
    .description("Chat with the assistant in the terminal")
    .option("-s, --session <key>", "session key (default: the main session)")
    .action(
      action(async (options: { session?: string }) => runChat(await openLocalAssistant(), options.session)),
    );
}

async function statusText(assistant: LocalAssistant, sessionKey: string): Promise<string> {
  const model = await assistant.model().then(
    (m) => m.ref,
    () => "(none configured)",
  );
  const session = await assistant.ports.sessions.get(sessionKey);
  const reset = await nextResetLine(
    {
      config: assistant.config.session,
      timeZone: assistant.timeZone,
      values: assistant.ports.values,
      now: assistant.ports.clock.now(),
    },
    sessionKey,
    session,
  );
  return [
    `model      ${model}`,
    `session    ${sessionKey}${session ? ` (${session.sessionId})` : " (new)"}`,
    `turns      ${session?.turns ?? 0}`,
    `tokens     ${session ? `${session.usage.inputTokens} in, ${session.usage.outputTokens} out` : "0"}`,
    `workspace  ${assistant.workspaceDir}`,
    `time zone  ${assistant.timeZone}`,
    `reset      ${reset.replace(/^Fresh start: /, "")}`,
  ].join("\n");
}

/** A heartbeat's or reminder's turn as the chat prints it: a small marker, then what the assistant said. */
function noticeText(notice: Notice): string {
  const marker = dim(`[${notice.origin}]${notice.note ? ` ${notice.note}` : ""}`);
  return `\n${marker}\n${notice.status === "failed" ? red(notice.reply) : notice.reply}\n`;
}

export async function runChat(assistant: LocalAssistant, explicitSession?: string): Promise<number> {
  const interactive = process.stdin.isTTY === true;
  const sessionKey = cliSessionKey(explicitSession, assistant.config.session.dmScope);
  const model = await assistant.model();
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    prompt: bold("you › "),
    terminal: interactive,
  });
  let current: AbortController | undefined;
  let pendingApproval: ((answer: TerminalApproval) => void) | undefined;
  let failures = 0;

  const approve = (request: ApprovalRequest) =>
    new Promise<boolean>((resolve) => {
      pendingApproval = (answer) => {
        if (answer !== "always" || request.allowlistEntry === undefined) return resolve(answer !== "deny");
        // Allowed this time whatever happens; a config that cannot be written is said, not fatal.
        allowAlways(assistant, request.allowlistEntry).then(
          () => {
            process.stderr.write(
              dim(`Added ${JSON.stringify(request.allowlistEntry)} to tools.exec.allowlist.\n`),
            );
            resolve(true);
          },
          (error: unknown) => {
            reportError(error);
            resolve(true);
          },
        );
      };
      process.stderr.write(`${bold("Allow")} ${request.tool}: ${request.summary}? ${APPROVAL_CHOICES} `);
    });

  const lanes = createLanes<InboundMessage, TurnResult | undefined>({
    maxConcurrent: 1,
    run: async (key, messages) => {
      current = new AbortController();
      const printer = createTurnPrinter();
      try {
        const result = await assistant.turn({
          sessionKey: key,
          messages,
          channel: cliChannel(interactive),
          signal: current.signal,
          onEvent: printer.onEvent,
          approve: interactive ? approve : undefined,
        });
        printer.finish(result);
        return result;
      } catch (error) {
        failures++;
        if (error instanceof ModelCallError)
          process.stderr.write(
            `${red("error:")} ${explainModelError(error.cause, model.ref, secretsToHide(assistant.config))}\n`,
          );
        else reportError(error);
        return undefined;
      } finally {
        current = undefined;
        if (interactive) rl.prompt();
      }
    },
  });

  const runCommand = async (line: string): Promise<boolean> => {
    const [command] = line.split(/\s+/);
    switch (command) {
      case "/exit":
      case "/quit":
        return false;
      case "/help":
        process.stdout.write(`${HELP}\n`);
        break;
      case "/status":
        process.stdout.write(`${await statusText(assistant, sessionKey)}\n`);
        break;
      case "/compact": {
        process.stdout.write(dim("Compacting…\n"));
        try {
          const result = await assistant.turn({
            sessionKey,
            messages: [],
            channel: cliChannel(interactive),
            options: { compact: true },
          });
          process.stdout.write(`${result.reply}\n`);
        } catch (error) {
          if (error instanceof ModelCallError)
            process.stderr.write(
              `${red("error:")} ${explainModelError(error.cause, model.ref, secretsToHide(assistant.config))}\n`,
            );
          else reportError(error);
        }
        break;
      }
      case "/new":
      case "/reset": {
        const fresh = await assistant.ports.sessions.reset(sessionKey);
        process.stdout.write(dim(`New session started${fresh ? ` (${fresh.sessionId})` : ""}.\n`));
        break;
      }
      default:
        process.stdout.write(`Unknown command ${command}. ${HELP}\n`);
    }
    return true;
  };

  // A heartbeat with nothing to report is not worth a line; the rest waits for a running reply to end.
  // Not awaited here: readline emits piped lines (and the end of input) as soon as it can, so its
  // listeners below must be attached in this same tick or a short input ends unheard.
  const notices = followGatewayNotices(assistant, process.env, sessionKey, (notice) => {
    if (notice.quiet) return;
    void lanes.idle().then(() => {
      process.stdout.write(noticeText(notice));
      if (interactive) rl.prompt(true);
    });
  });

  if (interactive) {
    process.stdout.write(dim(`agent-claw chat · ${model.ref} · ${sessionKey} · /help for commands\n`));
    rl.prompt();
  }

  // Commands wait for running turns so they act in the order typed; messages do not wait, so the
  // ones typed during a turn are collected into the next one.
  let chain = Promise.resolve(true);
  const done = new Promise<void>((resolve) => {
    rl.on("line", (raw) => {
      const line = raw.trim();
      if (pendingApproval) {
        const answer = pendingApproval;
        pendingApproval = undefined;
        answer(approvalAnswer(line));
        return;
      }
      chain = chain.then(async (open) => {
        if (!open || !line) {
          if (open && interactive && !current) rl.prompt();
          return open;
        }
        if (line.startsWith("/")) {
          await lanes.idle();
          const keepOpen = await runCommand(line);
          if (!keepOpen) rl.close();
          else if (interactive) rl.prompt();
          return keepOpen;
        }
        void lanes.submit(sessionKey, cliMessage(line, assistant.ports.clock.now(), randomUUID()));
        return true;
      });
    });
    rl.on("SIGINT", () => {
      if (current) {
        current.abort(new Error("interrupted"));
        process.stdout.write(dim("\n(stopped)\n"));
      } else rl.close();
    });
    rl.on("close", () => resolve());
  });
  await done;
  await chain;
  await lanes.idle();
  (await notices).close();
  await assistant.close();
  if (interactive) process.stdout.write("\n");
  return failures > 0 && !interactive ? 1 : 0;
}
