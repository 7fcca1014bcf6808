// One turn: load the session, build the prompt, run the agent loop, persist every step.
import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { ImagePart, ModelMessage } from "ai";
import type { Clock } from "../../ports/clock.ts";
import type { Memory } from "../../ports/memory.ts";
import type { SessionMeta, SessionStore } from "../../ports/session-store.ts";
import type { Workspace } from "../../ports/workspace.ts";
import type { AgentTool, ApprovalRequest, ToolContext } from "../../tools/tool.ts";
import type { StopReason } from "../agent/agent-loop.ts";
import type { AgentEventListener } from "../agent/events.ts";
import {
  type CompactionContext,
  compactSession,
  mergeSilentUsage,
  needsCompaction,
  type SilentUsage,
} from "../context/compact-session.ts";
import { type CompactionSettings, contextLimits } from "../context/compaction-settings.ts";
import { runGuardedLoop } from "../context/overflow-recovery.ts";
import { capToolResult } from "../context/tool-result-cap.ts";
import type { CronService } from "../cron/cron-service.ts";
import { allOwner, leastTrust, OWNER_TRUST, type TurnTrust } from "../intake/trust.ts";
import type { TurnOptions } from "../intake/turn-job.ts";
import type { ChannelContext, DeliveryAddress, InboundMessage } from "../messages.ts";
import { loadBootstrapFiles } from "../prompt/bootstrap-files.ts";
import { buildSystemPrompt } from "../prompt/system-prompt.ts";
import { renewStaleSession, type SessionLifecycle } from "../session-reset/renew-session.ts";
import type { MessageEntry, TokenUsage } from "../transcript.ts";
import { messagesForModel } from "../transcript-repair.ts";
import { memoryActor, memoryView } from "./memory-view.ts";
import { compactOnRequest } from "./compact-on-request.ts";
import { flushSessionMemory } from "./flush-session.ts";
import { isPrivatePath, withoutPrivateFiles } from "./private-files.ts";
import { findPriorAttempt, type PriorAttempt } from "./resume.ts";
import { DEFAULT_TOOL_POLICY, type ToolPolicyConfig, toolsAllowed } from "./tool-policy.ts";
import { userMessageText } from "./user-message.ts";

export interface TurnDeps {
  sessions: SessionStore;
  workspace: Workspace;
  clock: Clock;
  model: { ref: string; model: LanguageModelV4 };
  tools: AgentTool[];
  /** imageInput: show the model images saved from this turn's messages (the model must accept them). */
  settings: {
    maxSteps: number;
    bootstrapMaxChars: number;
    timeZone: string;
    imageInput?: boolean;
    /** What this engine cannot do, told to the model (the aws engine has no shell). */
    engineLimits?: string;
    /** The context guard (config agent.contextWindow, agent.compaction); absent: the defaults. */
    compaction?: CompactionSettings;
  };
  newId: () => string;
  /** Masks secrets in tool results before they reach the model and the transcript. */
  redact?: (text: string) => string;
  /** The cron jobs, for the cron tool; chatJobsDeliverAnywhere lets jobs made in a chat deliver elsewhere. */
  cron?: { service: CronService; chatJobsDeliverAnywhere: boolean };
  /** Which tools people other than the owner get (config tools.policy); absent: the defaults. */
  toolPolicy?: ToolPolicyConfig;
  /** Memory for memory_search, scoped per turn (see memory-view.ts); absent: the tool says it is not set up. */
  memory?: Memory;
  /** Daily and idle resets (config session.reset), memory flushed first; absent: a session lasts until /new. */
  lifecycle?: SessionLifecycle;
}

/** A light prompt (heartbeats) carries only the checklist of the workspace files. */
const LIGHT_BOOTSTRAP = ["HEARTBEAT.md"];

export interface TurnRequest {
  sessionKey: string;
  /** One message, or several collected while the session was busy. */
  messages: InboundMessage[];
  channel: ChannelContext;
  signal?: AbortSignal;
  onEvent?: AgentEventListener;
  /**
   * Identifies each message across retries (the accepted messages' job ids, one per message). A
   * retry of a finished turn is answered from the transcript without calling the model, an
   * unfinished one continues, and only messages no earlier attempt holds are added.
   */
  turnIds?: string[];
  /** Asks a person to approve an action; absent means nobody can approve (denied). */
  approve?: (request: ApprovalRequest) => Promise<boolean>;
  /** Sends a file to the chat this turn answers (send_file); absent where the channel cannot. */
  sendFile?: ToolContext["sendFile"];
  /** The chat the messages came from (absent for the owner's own tools: CLI, web UI, hooks). */
  origin?: DeliveryAddress;
  /** A model other than the assistant's (the engine resolves it), a lighter prompt. */
  options?: TurnOptions;
  /** Who wrote each message (one per message); absent: the owner (web chat, terminal, API, hooks). */
  trust?: TurnTrust[];
}

export interface TurnResult {
  reply: string;
  sessionKey: string;
  sessionId: string;
  usage: TokenUsage;
  steps: number;
  stopReason: StopReason;
  /** What this turn's silent calls cost (memory flush, compaction summaries); not part of `usage`. */
  silentUsage?: SilentUsage;
}

export const EMPTY_REPLY = "(The model returned an empty reply.)";

export async function runTurn(deps: TurnDeps, request: TurnRequest): Promise<TurnResult> {
  const { sessions, clock } = deps;
  // A /compact is not a person's message: it must not reset a stale conversation instead of compacting it.
  const renewed =
    deps.lifecycle && !request.options?.compact ? await renewBeforeTurn(deps, deps.lifecycle, request) : null;
  const session = renewed?.session ?? (await sessions.open(request.sessionKey));
  // From the last compaction on: what the model sees, never the whole history.
  const entries = await sessions.load(session.sessionId, { sinceCompaction: true });
  const ids = request.turnIds;
  if (ids && ids.length !== request.messages.length) {
    throw new Error(`runTurn: ${ids.length} turn ids for ${request.messages.length} messages`);
  }
  // A /compact asks for no answer: its message is not part of the conversation.
  const compacting = request.options?.compact === true;
  const prior = ids && !compacting ? findPriorAttempt(entries, ids) : NO_PRIOR;
  const isNew = (i: number) => prior.kind === "none" || !prior.covered.has(ids![i]!);
  const fresh = compacting ? [] : request.messages.filter((_, i) => isNew(i));
  const earlier = prior.kind === "finished" ? prior : undefined;
  if (earlier && fresh.length === 0) {
    return {
      reply: earlier.reply || EMPTY_REPLY,
      sessionKey: request.sessionKey,
      sessionId: session.sessionId,
      usage: earlier.usage,
      steps: 0,
      stopReason: "done",
    };
  }
  const entry = (message: ModelMessage, usage?: TokenUsage, turn?: string[]): MessageEntry => ({
    type: "message",
    id: deps.newId(),
    at: clock.now(),
    message,
    ...(usage ? { usage } : {}),
    ...(turn ? { turn } : {}),
  });
  // Every step is written as it happens (a crashed process loses nothing), and the turn is made
  // durable with one sync at its end: the queue holds the message until its outcome is stored, so a
  // power cut mid-turn costs a retry, not a message. The user's write overlaps reading the workspace.
  const text = fresh.length ? userMessageText(fresh) : "";
  // Only the owner's own direct chat sees the owner's private files; others get the tools their policy allows.
  const trusts = trustsOf(request);
  const ownerView = isOwnerView(request);
  const tools = toolsAllowed(
    deps.tools,
    trusts,
    request.channel.chatKind,
    deps.toolPolicy ?? DEFAULT_TOOL_POLICY,
  );
  const origin = fresh.every((m) => m.internal === fresh[0]?.internal) ? fresh[0]?.internal : undefined;
  const user: ModelMessage[] = fresh.length ? [{ role: "user", content: text }] : [];
  const userEntry: MessageEntry | undefined = user.length
    ? {
        ...entry(
          user[0]!,
          undefined,
          ids?.filter((_, i) => isNew(i)),
        ),
        // Marked only when no person's words are in it, so readers may show it as a marker.
        ...(origin && { origin }),
      }
    : undefined;
  const [files] = await Promise.all([
    loadBootstrapFiles(deps.workspace, {
      maxChars: deps.settings.bootstrapMaxChars,
      includePrivate: ownerView,
      ...(request.options?.light && { only: LIGHT_BOOTSTRAP }),
    }),
    userEntry ? sessions.append(session.sessionId, [userEntry], { sync: false }) : Promise.resolve(),
  ]);
  // Images go to the model with this turn only; the transcript keeps the text, which names their paths.
  const images = deps.settings.imageInput ? await turnImages(deps, fresh) : [];
  const userForModel: ModelMessage[] =
    user.length && images.length ? [{ role: "user", content: [{ type: "text", text }, ...images] }] : user;
  const system = buildSystemPrompt({
    // USER.md describes the owner: only for the owner's direct chat, as MEMORY.md (left out above).
    files: ownerView ? files : files.filter((f) => !isPrivatePath(f.name)),
    tools,
    now: clock.now(),
    timeZone: deps.settings.timeZone,
    channel: request.channel,
    workspaceLocation: deps.workspace.location,
    sessionKey: request.sessionKey,
    modelRef: deps.model.ref,
    maxChars: deps.settings.bootstrapMaxChars,
    engineLimits: deps.settings.engineLimits,
  });

  const signal = request.signal ?? new AbortController().signal;
  const limits = contextLimits(deps.model.ref, deps.settings.compaction);
  // Secrets are masked first, then the result is cut to its share of the window.
  const filterToolOutput = (output: string) =>
    capToolResult(deps.redact ? deps.redact(output) : output, limits.toolResultMaxChars);
  const toolContext: ToolContext = {
    workspace: ownerView
      ? deps.workspace
      : withoutPrivateFiles(deps.workspace, attachedPaths(request.messages)),
    clock,
    signal,
    ...(request.sendFile && { sendFile: request.sendFile }),
    ...(deps.memory && {
      memory: memoryView(deps.memory, {
        actor: memoryActor(request.messages, trusts, request.channel.chatKind),
        ownerView,
      }),
    }),
    ...(deps.cron && {
      cron: {
        service: deps.cron.service,
        scope: request.origin
          ? {
              kind: "chat",
              origin: request.origin,
              deliverAnywhere: deps.cron.chatJobsDeliverAnywhere,
              madeBy: leastTrust(trusts),
            }
          : { kind: "owner" },
      },
    }),
    approve: async (approval) => {
      if (!request.approve) return false;
      try {
        return await request.approve(approval);
      } catch {
        return false;
      }
    },
  };
  const guard: CompactionContext = {
    sessions,
    sessionId: session.sessionId,
    model: deps.model.model,
    // The flush writes MEMORY.md and the day's note, the owner's private files: only the owner's own
    // direct chat may. Elsewhere the summary alone keeps the facts, and the person's words stay in the
    // memory index under their own name (a flush there could only write notes everyone's search finds).
    limits: ownerView ? limits : { ...limits, memoryFlush: false },
    system,
    tools,
    toolContext,
    timeZone: deps.settings.timeZone,
    maxSteps: deps.settings.maxSteps,
    newId: deps.newId,
    filterToolOutput,
  };
  if (compacting) return compactOnRequest(guard, entries, request.sessionKey);
  // Near the window: the older messages become a summary (after a memory flush) before the call.
  // The transcript as the model sees it, converted once: the estimate and the call both use it.
  let history = messagesForModel(entries);
  let silentUsage: SilentUsage | undefined;
  if (needsCompaction(guard, entries, userForModel, history)) {
    const outcome = await compactSession(guard, entries, "threshold", {
      keepTokens: limits.keepTokens,
      ...(userEntry && { nextEntryId: userEntry.id }),
    });
    if (outcome.entry) history = messagesForModel([...entries, outcome.entry]);
    silentUsage = outcome.usage;
  }
  const result = await runGuardedLoop(
    guard,
    {
      model: deps.model.model,
      system,
      messages: [...history, ...userForModel],
      tools,
      maxSteps: deps.settings.maxSteps,
      signal,
      onEvent: request.onEvent,
      filterToolOutput,
      toolContext,
      onMessages: async (messages, usage) => {
        if (messages.length === 0) return;
        // Usage belongs to the assistant message of the step that cost it.
        await sessions.append(
          session.sessionId,
          messages.map((m) => entry(m, m.role === "assistant" ? usage : undefined)),
          { sync: false },
        );
      },
    },
    () => sessions.load(session.sessionId, { sinceCompaction: true }),
  );
  await sessions.sync(session.sessionId);
  await sessions.recordTurn(request.sessionKey, result.usage);
  let reply = result.text.trim() ? result.text : result.stopReason === "max_steps" ? "" : EMPTY_REPLY;
  if (result.stopReason === "max_steps") {
    const note = `(Stopped after ${result.steps} steps, the limit for one turn; say "continue" to go on.)`;
    reply = reply ? `${reply}\n\n${note}` : note;
  }
  // An earlier attempt answered some of these messages but its answer was never delivered: say both.
  if (earlier?.reply) reply = `${earlier.reply}\n\n${reply}`;
  return {
    reply,
    sessionKey: request.sessionKey,
    sessionId: session.sessionId,
    usage: earlier ? addUsage(earlier.usage, result.usage) : result.usage,
    steps: result.steps,
    stopReason: result.stopReason,
    ...(silentUsage || result.recoveries > 0
      ? { silentUsage: mergeSilentUsage(silentUsage, result.silentUsage) }
      : {}),
  };
}

/** A stale session starts over before the turn, its lasting facts flushed to memory first (silently). */
function renewBeforeTurn(deps: TurnDeps, lifecycle: SessionLifecycle, request: TurnRequest) {
  const flush = async (old: SessionMeta) => {
    // As for the turn itself: only the owner's own direct chat may write the private notes; elsewhere
    // the flush does nothing (the words are in the memory index already).
    await flushSessionMemory(deps, old, {
      ownerView: isOwnerView(request),
      ...(request.signal && { signal: request.signal }),
      onError: (error) =>
        lifecycle.log?.(
          "warn",
          `memory flush before resetting ${old.key} failed: ${(error as Error).message}`,
        ),
    });
  };
  return renewStaleSession({ flush, ...lifecycle }, deps, { ...request, chatKind: request.channel.chatKind });
}

const NO_PRIOR: PriorAttempt = { kind: "none" };

/** How far each message's sender is trusted (the owner's own tools, without a channel, fully). */
const trustsOf = (request: TurnRequest) => request.trust ?? request.messages.map(() => OWNER_TRUST);

/** Whether the turn is the owner's own direct chat: the only one that sees the owner's private files. */
const isOwnerView = (request: TurnRequest) =>
  allOwner(trustsOf(request)) && request.channel.chatKind === "dm";

/** Where the files sent with these messages were saved (their senders may read them back). */
const attachedPaths = (messages: InboundMessage[]) =>
  messages.flatMap((m) => m.attachments ?? []).flatMap((a) => (a.path ? [a.path] : []));

/** The images saved from these messages, read from the workspace; a missing file is skipped. */
async function turnImages(deps: TurnDeps, messages: InboundMessage[]): Promise<ImagePart[]> {
  const parts: ImagePart[] = [];
  for (const attachment of messages.flatMap((m) => m.attachments ?? [])) {
    if (attachment.kind !== "image" || !attachment.path) continue;
    const bytes = await deps.workspace.read(attachment.path).catch(() => null);
    if (bytes) parts.push({ type: "image", image: bytes, mediaType: imageMediaType(attachment) });
  }
  return parts;
}

/** Telegram sends photos as JPEG; documents carry their own type. */
function imageMediaType(attachment: { mediaType?: string; path?: string }): string {
  if (attachment.mediaType?.startsWith("image/")) return attachment.mediaType;
  return /\.png$/i.test(attachment.path ?? "") ? "image/png" : "image/jpeg";
}

const addUsage = (a: TokenUsage, b: TokenUsage): TokenUsage => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
});
