// The bot's own commands, answered without the model: /new and /reset start a fresh session,
// /status says what the assistant runs on and when the conversation starts fresh, /help and
// /start list the commands. /compact is in the menu too but runs as a turn, since it needs the
// model (COMPACT_COMMAND in core/intake/turn-job.ts).
import { describeTrust, type TurnTrust, UNTRUSTED } from "../../core/intake/trust.ts";
import type { TurnJob } from "../../core/intake/turn-job.ts";
import type { ChatKind } from "../../core/messages.ts";
import { nextResetLine } from "../../core/session-reset/next-reset.ts";
import { policyFor, toolsAllowed } from "../../core/turn/tool-policy.ts";
import { systemTimeZone } from "../../engines/assistant-settings.ts";
import type { ChannelDeps } from "../channel-deps.ts";

/** The commands registered with setMyCommands, in menu order. */
export const TELEGRAM_COMMANDS = [
  { command: "new", description: "Start a new conversation" },
  { command: "reset", description: "Forget this conversation and start over" },
  { command: "compact", description: "Summarise this conversation so far (facts saved to memory first)" },
  { command: "status", description: "Model, session, usage and the tools you get" },
  { command: "help", description: "What I can do" },
] as const;

/** Whether the bot answers `/name` itself: the menu's commands, and /start (sent when a chat opens). */
export function isTelegramCommand(name: string): boolean {
  return name === "start" || TELEGRAM_COMMANDS.some((c) => c.command === name);
}

const HELP = [
  "I'm your assistant: write to me as you would to a person.",
  "",
  ...TELEGRAM_COMMANDS.map((c) => `/${c.command} — ${c.description}`),
].join("\n");

/** Who the sender is to the assistant, and the tools a turn here gets (the policy and its config key). */
function policyLines(deps: ChannelDeps, trust: TurnTrust, chatKind: ChatKind): string[] {
  const policy = deps.config().tools.policy;
  const tools = toolsAllowed(deps.tools(), [trust], chatKind, policy).map((t) => t.name);
  const { key } = policyFor(trust, chatKind, policy);
  const owned = trust.level === "owner" && chatKind === "dm";
  return [
    `You: ${describeTrust(trust)}`,
    // A per-sender policy holds for the owner too, so the label follows the key, not who asks.
    `Tools here: ${tools.join(", ") || "none"} (${key === "owner" ? "the owner's direct chat: every tool" : `policy ${key}`})`,
    `Private files (MEMORY.md, USER.md, memory/): ${owned ? "available" : "kept out of this chat"}`,
  ];
}

/** The reply to a command; unknown names get the help text. */
export async function runTelegramCommand(
  deps: ChannelDeps,
  name: string,
  here: { sessionKey: string; trust: TurnTrust; chatKind: ChatKind },
): Promise<string> {
  const { sessionKey } = here;
  const sessions = deps.ports.sessions;
  switch (name) {
    case "new":
    case "reset": {
      const fresh = await sessions.reset(sessionKey);
      return fresh
        ? "Started a new conversation. The earlier one is kept in the transcript archive."
        : "This is already a new conversation.";
    }
    case "status": {
      const session = await sessions.get(sessionKey);
      const { model: ref, agent } = deps.config();
      // The fallbacks failover moves on to (README, Failover); keys are not shown, not even their count.
      const fallbacks = agent.fallbacks?.length ? `, then ${agent.fallbacks.join(", ")}` : "";
      const model = ref ? `${ref}${fallbacks}` : "none set (agent-claw config set model provider/model)";
      const usage = session
        ? `${session.turns} turn${session.turns === 1 ? "" : "s"}, ${session.usage.inputTokens} tokens in, ${session.usage.outputTokens} out`
        : "no turns yet";
      const config = deps.config();
      const reset = await nextResetLine(
        {
          config: config.session,
          timeZone: deps.timeZone?.() ?? systemTimeZone(config),
          values: deps.ports.values,
          now: deps.ports.clock.now(),
        },
        sessionKey,
        session,
        here.chatKind,
      );
      return [
        `Model: ${model}`,
        `Session: ${sessionKey}`,
        `This conversation: ${usage}`,
        reset,
        ...policyLines(deps, here.trust, here.chatKind),
      ].join("\n");
    }
    default:
      return HELP;
  }
}

/** The reply to a command job (`job.command`), in its session, for its sender. */
export function telegramCommandReply(deps: ChannelDeps, job: TurnJob): Promise<string> {
  return runTelegramCommand(deps, job.command ?? "help", {
    sessionKey: job.sessionKey,
    // A job read back from the queue always has its trust (asTurnJob); one built by hand may not.
    trust: job.trust ?? UNTRUSTED,
    chatKind: job.message.chat.kind,
  });
}
