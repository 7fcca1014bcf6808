// `agent-claw sessions list|show|history|compact|reset`: what the assistant remembers, per conversation.
import type { Command } from "commander";
import { normalizeSessionKey } from "../../core/session-key.ts";
import { entryOrigin, messageParts, messageText, originNote } from "../../core/transcript-text.ts";
import { openLocalAssistant } from "../../engines/local/assistant.ts";
import { stripTerminalControls } from "../../util/control-chars.ts";
import { action, ago, bold, dim, UsageError } from "../io.ts";
import { registerSessionsCompact } from "./sessions-compact.ts";

export function registerSessions(program: Command): void {
  const sessions = program.command("sessions").description("List, show and reset conversations");

  sessions
    .command("list")
    .description("List sessions, most recent first")
    .option("--json", "print JSON")
    .action(
      action(async (options: { json?: boolean }) => {
        const assistant = await openLocalAssistant();
        try {
          const all = await assistant.ports.sessions.list();
          if (options.json) return void process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
          if (all.length === 0)
            return void process.stdout.write("No sessions yet. Start one with `agent-claw chat`.\n");
          const now = assistant.ports.clock.now();
          const width = Math.max(...all.map((s) => s.key.length));
          for (const s of all) {
            const tokens = s.usage.inputTokens + s.usage.outputTokens;
            process.stdout.write(
              `${s.key.padEnd(width)}  ${String(s.turns).padStart(4)} turns  ${String(tokens).padStart(8)} tokens  ${ago(s.updatedAt, now)}\n`,
            );
          }
        } finally {
          await assistant.close();
        }
      }),
    );

  sessions
    .command("show")
    .description("Print a session's transcript")
    .argument("<key>", 'session key, e.g. "main" or "agent:main:main"')
    .option("-n, --last <count>", "only the last N messages", (v) => Number.parseInt(v, 10))
    .option("--json", "print the transcript entries as JSON lines")
    .option("--transcript <id>", "an earlier transcript of the session (see `sessions history`)")
    .action(
      action(async (key: string, options: { last?: number; json?: boolean; transcript?: string }) => {
        const assistant = await openLocalAssistant();
        try {
          const fullKey = normalizeSessionKey(key);
          const session = await assistant.ports.sessions.get(fullKey);
          if (!session) throw new UsageError(`No session "${fullKey}". See \`agent-claw sessions list\`.`);
          const transcript = options.transcript ?? session.sessionId;
          if (transcript !== session.sessionId) {
            const earlier = await assistant.ports.sessions.history(fullKey);
            if (!earlier.some((t) => t.sessionId === transcript)) {
              throw new UsageError(
                `${fullKey} has no transcript "${transcript}". See \`agent-claw sessions history ${key}\`.`,
              );
            }
          }
          let entries = await assistant.ports.sessions.load(transcript);
          if (options.last && options.last > 0) entries = entries.slice(-options.last);
          for (const entry of entries) {
            if (options.json) {
              process.stdout.write(`${JSON.stringify(entry)}\n`);
              continue;
            }
            const when = new Date(entry.at).toISOString().replace("T", " ").slice(0, 19);
            if (entry.type === "compaction") {
              const summary = stripTerminalControls(entry.summary);
              process.stdout.write(`${dim(`[compaction: ${entry.reason}]`)} ${dim(when)}\n${summary}\n\n`);
              continue;
            }
            if (entry.silent) {
              process.stdout.write(
                `${dim(`[flush ${entry.message.role}]`)} ${dim(when)}\n${stripTerminalControls(messageText(entry.message))}\n\n`,
              );
              continue;
            }
            // A heartbeat's or reminder's prompt is not the user's words: a marker with what it relays.
            const origin = entryOrigin(entry);
            if (origin) {
              const note = originNote(origin, messageParts(entry.message).text);
              const shown = note ? `${stripTerminalControls(note)}\n` : "";
              process.stdout.write(`${dim(`[${origin}]`)} ${dim(when)}\n${shown}\n`);
              continue;
            }
            process.stdout.write(
              // Messages come from other people (a Telegram group): no escape sequence reaches the terminal.
              `${bold(entry.message.role)} ${dim(when)}\n${stripTerminalControls(messageText(entry.message))}\n\n`,
            );
          }
        } finally {
          await assistant.close();
        }
      }),
    );

  sessions
    .command("history")
    .description("List the transcripts a session's resets (daily, idle, /new) kept, oldest first")
    .argument("<key>", 'session key, e.g. "main"')
    .option("--json", "print JSON")
    .action(
      action(async (key: string, options: { json?: boolean }) => {
        const assistant = await openLocalAssistant();
        try {
          const fullKey = normalizeSessionKey(key);
          const session = await assistant.ports.sessions.get(fullKey);
          if (!session) throw new UsageError(`No session "${fullKey}". See \`agent-claw sessions list\`.`);
          const earlier = await assistant.ports.sessions.history(fullKey);
          if (options.json) {
            const current = { sessionId: session.sessionId, startedAt: session.createdAt, current: true };
            return void process.stdout.write(`${JSON.stringify([...earlier, current], null, 2)}\n`);
          }
          const now = assistant.ports.clock.now();
          for (const t of earlier) {
            const messages = (await assistant.ports.sessions.load(t.sessionId)).length;
            const ended = t.endedAt === undefined ? "" : `  ended ${ago(t.endedAt, now)}`;
            process.stdout.write(`${t.sessionId}  ${String(messages).padStart(5)} entries${ended}\n`);
          }
          process.stdout.write(`${session.sessionId}  current, since ${ago(session.createdAt, now)}\n`);
          if (earlier.length > 0) {
            process.stdout.write(
              dim(`Read one with \`agent-claw sessions show ${key} --transcript <id>\`.\n`),
            );
          }
        } finally {
          await assistant.close();
        }
      }),
    );

  registerSessionsCompact(sessions);

  sessions
    .command("reset")
    .description("Start a session over (the old transcript stays on disk); --forget deletes it")
    .argument("<key>", "session key")
    .option("--forget", "delete the session and its transcripts instead")
    .action(
      action(async (key: string, options: { forget?: boolean }) => {
        const assistant = await openLocalAssistant();
        try {
          const fullKey = normalizeSessionKey(key);
          if (!(await assistant.ports.sessions.get(fullKey))) {
            throw new UsageError(`No session "${fullKey}". See \`agent-claw sessions list\`.`);
          }
          const fresh = await assistant.ports.sessions.reset(fullKey, { forget: options.forget });
          process.stdout.write(
            options.forget
              ? `Deleted ${fullKey}.\n`
              : `Reset ${fullKey}: new transcript ${fresh?.sessionId}.\n`,
          );
        } finally {
          await assistant.close();
        }
      }),
    );
}
