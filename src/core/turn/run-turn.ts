// One turn: load the session, build the prompt, run the agent loop, persist every step.
import type { LanguageModel, ModelMessage } from "ai";
import type { Clock } from "../../ports/clock.ts";
import type { SessionStore } from "../../ports/session-store.ts";
import type { Workspace } from "../../ports/workspace.ts";
import type { AgentTool, ApprovalRequest } from "../../tools/tool.ts";
import { runAgentLoop, type StopReason } from "../agent/agent-loop.ts";
import type { AgentEventListener } from "../agent/events.ts";
import type { ChannelContext, InboundMessage } from "../messages.ts";
import { loadBootstrapFiles } from "../prompt/bootstrap-files.ts";
import { buildSystemPrompt } from "../prompt/system-prompt.ts";
import type { TokenUsage, TranscriptEntry } from "../transcript.ts";
import { messagesForModel } from "../transcript-repair.ts";
import { findPriorAttempt, userEntryId } from "./resume.ts";
import { userMessageText } from "./user-message.ts";

export interface TurnDeps {
  sessions: SessionStore;
  workspace: Workspace;
  clock: Clock;
  model: { ref: string; model: Exclude<LanguageModel, string> };
  tools: AgentTool[];
  settings: { maxSteps: number; bootstrapMaxChars: number; timeZone: string };
  newId: () => string;
  /** Masks secrets in tool results before they reach the model and the transcript. */
  redact?: (text: string) => string;
}

export interface TurnRequest {
  sessionKey: string;
  /** One message, or several collected while the session was busy. */
  messages: InboundMessage[];
  channel: ChannelContext;
  signal?: AbortSignal;
  onEvent?: AgentEventListener;
  /**
   * Identifies this turn across retries (the accepted message's id). A retry of a finished turn is
   * answered from the transcript without calling the model; an unfinished one continues.
   */
  turnId?: string;
  /** Asks a person to approve an action; absent means nobody can approve (denied). */
  approve?: (request: ApprovalRequest) => Promise<boolean>;
}

export interface TurnResult {
  reply: string;
  sessionKey: string;
  sessionId: string;
  usage: TokenUsage;
  steps: number;
  stopReason: StopReason;
}

export const EMPTY_REPLY = "(The model returned an empty reply.)";

export async function runTurn(deps: TurnDeps, request: TurnRequest): Promise<TurnResult> {
  const { sessions, clock } = deps;
  const session = await sessions.open(request.sessionKey);
  const entries = await sessions.load(session.sessionId);
  const prior = request.turnId ? findPriorAttempt(entries, request.turnId) : { kind: "none" as const };
  if (prior.kind === "finished") {
    return {
      reply: prior.reply || EMPTY_REPLY,
      sessionKey: request.sessionKey,
      sessionId: session.sessionId,
      usage: prior.usage,
      steps: 0,
      stopReason: "done",
    };
  }
  const entry = (message: ModelMessage, usage?: TokenUsage, id = deps.newId()): TranscriptEntry => ({
    type: "message",
    id,
    at: clock.now(),
    message,
    ...(usage ? { usage } : {}),
  });
  // The user's message is durable before the model is called: a crash mid-turn loses nothing said.
  // Its write overlaps reading the workspace files, which it does not depend on.
  const user: ModelMessage = { role: "user", content: userMessageText(request.messages) };
  const [files] = await Promise.all([
    loadBootstrapFiles(deps.workspace, {
      maxChars: deps.settings.bootstrapMaxChars,
      includePrivate: request.channel.chatKind === "dm",
    }),
    prior.kind === "unfinished"
      ? Promise.resolve()
      : sessions.append(session.sessionId, [
          entry(user, undefined, request.turnId ? userEntryId(request.turnId) : undefined),
        ]),
  ]);
  const system = buildSystemPrompt({
    files,
    tools: deps.tools,
    now: clock.now(),
    timeZone: deps.settings.timeZone,
    channel: request.channel,
    workspaceLocation: deps.workspace.location,
    sessionKey: request.sessionKey,
    modelRef: deps.model.ref,
    maxChars: deps.settings.bootstrapMaxChars,
  });

  const signal = request.signal ?? new AbortController().signal;
  const result = await runAgentLoop({
    model: deps.model.model,
    system,
    messages: prior.kind === "unfinished" ? messagesForModel(entries) : [...messagesForModel(entries), user],
    tools: deps.tools,
    maxSteps: deps.settings.maxSteps,
    signal,
    onEvent: request.onEvent,
    filterToolOutput: deps.redact,
    toolContext: {
      workspace: deps.workspace,
      clock,
      signal,
      approve: async (approval) => {
        if (!request.approve) return false;
        try {
          return await request.approve(approval);
        } catch {
          return false;
        }
      },
    },
    onMessages: async (messages, usage) => {
      if (messages.length === 0) return;
      // Usage belongs to the assistant message of the step that cost it.
      await sessions.append(
        session.sessionId,
        messages.map((m) => entry(m, m.role === "assistant" ? usage : undefined)),
      );
    },
  });
  await sessions.recordTurn(request.sessionKey, result.usage);
  let reply = result.text.trim() ? result.text : result.stopReason === "max_steps" ? "" : EMPTY_REPLY;
  if (result.stopReason === "max_steps") {
    const note = `(Stopped after ${result.steps} steps, the limit for one turn; say "continue" to go on.)`;
    reply = reply ? `${reply}\n\n${note}` : note;
  }
  return {
    reply,
    sessionKey: request.sessionKey,
    sessionId: session.sessionId,
    usage: result.usage,
    steps: result.steps,
    stopReason: result.stopReason,
  };
}
