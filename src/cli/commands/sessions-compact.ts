// `agent-claw sessions compact KEY`: the /compact chat command from the shell: the model saves
// durable facts to memory, then the session's older messages become a summary.
import type { Command } from "commander";
import { secretsToHide } from "../../config/secrets.ts";
import { ModelCallError } from "../../core/agent/model-call-error.ts";
import { normalizeSessionKey } from "../../core/session-key.ts";
import { openLocalAssistant } from "../../engines/local/assistant.ts";
import { explainModelError } from "../../models/explain-error.ts";
import { cliChannel } from "../cli-message.ts";
import { action, UsageError } from "../io.ts";

export function registerSessionsCompact(sessions: Command): void {
  sessions
    .command("compact")
    .description("Summarise a session's older messages now (the model saves facts to memory first)")
    .argument("<key>", 'session key, e.g. "main" or "agent:main:telegram:dm:42"')
    .option("--json", "print the outcome as JSON")
    .action(
      action(async (key: string, options: { json?: boolean }) => {
        const assistant = await openLocalAssistant();
        try {
          const sessionKey = normalizeSessionKey(key);
          if (!(await assistant.ports.sessions.get(sessionKey))) {
            throw new UsageError(`No session "${sessionKey}". See \`agent-claw sessions list\`.`);
          }
          const model = await assistant.model();
          const result = await assistant
            .turn({ sessionKey, messages: [], channel: cliChannel(false), options: { compact: true } })
            .catch((error: unknown) => {
              throw error instanceof ModelCallError
                ? new UsageError(explainModelError(error.cause, model.ref, secretsToHide(assistant.config)))
                : error;
            });
          process.stdout.write(
            options.json
              ? `${JSON.stringify({ sessionKey, sessionId: result.sessionId, reply: result.reply, silentUsage: result.silentUsage ?? {} })}\n`
              : `${result.reply}\n`,
          );
        } finally {
          await assistant.close();
        }
      }),
    );
}
