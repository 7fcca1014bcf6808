// Runs one turn in an AgentCore Runtime session: InvokeAgentRuntime with the turn as JSON, the answer's
// server-sent events passed on as the turn's events, and its last frame made the TurnResult.
//
// Who owns a long turn: the runner Lambda holds the SQS message (invisible for 6 x its 900 s timeout)
// while it streams; it stops a turn at the cap (AGENT_CLAW_AGENTCORE_TURN_CAP_SECONDS, default 600 s)
// by closing the stream, which the runtime sees and stops the turn on. The chat sees typing and previews
// meanwhile, and at the cap what was written so far with a sentence saying the turn was stopped.
import {
  type BedrockAgentCoreClient,
  InvokeAgentRuntimeCommand,
  type InvokeAgentRuntimeCommandOutput,
} from "@aws-sdk/client-bedrock-agentcore";
import type { AgentEvent } from "../../../core/agent/events.ts";
import type { TurnRequest, TurnResult } from "../../../core/turn/run-turn.ts";
import type { Clock } from "../../../ports/clock.ts";
import { toTurnInvocation } from "../../../runtime/turn-body.ts";
import { RuntimeTurnAborted, RuntimeTurnError, turnFailureError } from "../../../runtime/turn-failure.ts";
import { isColdStartFailure, refusalMessage } from "./invoke-errors.ts";
import { parseFailure, parseJsonAnswer, parseStreamFrame, type RuntimeResult } from "./runtime-frames.ts";
import { createSseParser } from "./sse-frames.ts";
import { createTurnTally, type TurnTally } from "./turn-tally.ts";

/** Shown while a runtime session starts (a cold microVM takes a few seconds before its first frame). */
export const WAKING_NOTICE = "Waking up… (starting a fresh session, this takes a few seconds)";

export interface InvokeRuntimeOptions {
  client: BedrockAgentCoreClient;
  runtimeArn: string;
  /** The runtime endpoint's name ("DEFAULT"). */
  qualifier: string;
  clock: Clock;
  /** The turn is stopped this long after it was sent. */
  turnCapMs: number;
  /** Without a frame after this long, the chat is told a session is waking up (default 5 s). */
  wakingNoticeMs?: number;
  /**
   * The waits before each further try of a session that could not start (default 0.5 s, then 2 s: three
   * tries). Every try names the same session id, so a retry never starts a second microVM for the chat.
   */
  retryDelaysMs?: readonly number[];
  /** Contract: must not throw. */
  log?: (level: "info" | "warn" | "error", message: string) => void;
}

/** Runs `request` in the runtime session `runtimeSessionId`; resolves its result or rejects as the turn failed. */
export type RuntimeInvoker = (request: TurnRequest, runtimeSessionId: string) => Promise<TurnResult>;

const DEFAULT_RETRY_DELAYS_MS = [500, 2_000] as const;

/** The turn ran into the cap; caught below and answered with what was written so far. */
class TurnCapReached extends Error {
  override readonly name = "TurnCapReached";
}

export function createRuntimeInvoker(options: InvokeRuntimeOptions): RuntimeInvoker {
  const { clock } = options;
  const log = options.log ?? (() => {});
  const wakingNoticeMs = options.wakingNoticeMs ?? 5_000;

  return async (request, runtimeSessionId) => {
    const payload = new TextEncoder().encode(JSON.stringify(toTurnInvocation(request)));
    const tally = createTurnTally();
    const emit = (event: AgentEvent) => {
      try {
        request.onEvent?.(event);
      } catch {
        // A listener's failure must not end the turn (AgentEventListener's contract).
      }
    };
    // `call` ends the request and its stream; `timers` ends the two timers once the call is over.
    const call = new AbortController();
    const timers = new AbortController();
    const stopped = () => call.abort(request.signal?.reason);
    request.signal?.addEventListener("abort", stopped, { once: true });
    if (request.signal?.aborted) stopped();
    const cap = clock.sleep(options.turnCapMs, timers.signal).then(
      () => call.abort(new TurnCapReached(`the turn ran past its ${options.turnCapMs} ms cap`)),
      () => {},
    );
    const waking = clock.sleep(wakingNoticeMs, timers.signal).then(
      () => {
        if (!tally.framed) emit({ type: "notice", text: WAKING_NOTICE });
      },
      () => {},
    );
    try {
      const output = await send(options, runtimeSessionId, payload, call.signal, log);
      return await readAnswer(output, request, tally, emit, call.signal);
    } catch (error) {
      if (call.signal.reason instanceof TurnCapReached) {
        log(
          "warn",
          `turn for ${request.sessionKey} stopped at the ${options.turnCapMs / 1000} s cap in runtime session ${runtimeSessionId}`,
        );
        return tally.stoppedAtCap(request.sessionKey, options.turnCapMs);
      }
      if (request.signal?.aborted)
        throw new RuntimeTurnAborted("the turn was stopped before the AgentCore runtime finished it", {
          cause: error,
        });
      throw error;
    } finally {
      request.signal?.removeEventListener("abort", stopped);
      timers.abort();
      await Promise.all([cap, waking]);
    }
  };
}

/** InvokeAgentRuntime, tried again on the same session id while the session fails to start. */
async function send(
  options: InvokeRuntimeOptions,
  runtimeSessionId: string,
  payload: Uint8Array,
  signal: AbortSignal,
  log: NonNullable<InvokeRuntimeOptions["log"]>,
): Promise<InvokeAgentRuntimeCommandOutput> {
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await options.client.send(
        new InvokeAgentRuntimeCommand({
          agentRuntimeArn: options.runtimeArn,
          qualifier: options.qualifier,
          // Always named: left out, the SDK invents one and every turn would get a fresh microVM.
          runtimeSessionId,
          payload,
          contentType: "application/json",
          accept: "text/event-stream",
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      if (signal.aborted) throw error;
      const delay = delays[attempt - 1];
      if (!isColdStartFailure(error) || delay === undefined) {
        throw new RuntimeTurnError(refusalMessage(error, options, attempt), { cause: error });
      }
      log(
        "warn",
        `AgentCore session ${runtimeSessionId} did not start (${(error as Error).name}: ${(error as Error).message}); try ${attempt + 1} in ${delay} ms`,
      );
      await options.clock.sleep(delay, signal);
    }
  }
}

/** Reads the answer: SSE frames (events, then the result or a failure), or one JSON object. */
async function readAnswer(
  output: InvokeAgentRuntimeCommandOutput,
  request: TurnRequest,
  tally: TurnTally,
  emit: (event: AgentEvent) => void,
  signal: AbortSignal,
): Promise<TurnResult> {
  const body = output.response as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
  if (!body) throw new RuntimeTurnError("AgentCore answered the turn without a body");
  // The SDK ends the request on abort; destroying the body as well ends the read loop at once.
  const close = () => body.destroy?.();
  signal.addEventListener("abort", close, { once: true });
  try {
    if (output.contentType?.startsWith("application/json")) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of body) chunks.push(chunk);
      tally.framed = true;
      const answer = parseJsonAnswer(Buffer.concat(chunks).toString("utf8"));
      if ("failure" in answer) throw answer.failure;
      return withKey(answer, request);
    }
    let outcome: { result: TurnResult } | { failure: Error } | undefined;
    const parser = createSseParser((frame) => {
      tally.framed = true;
      if (outcome) return;
      if (frame.event === "error") {
        outcome = { failure: turnFailureError(parseFailure(frame.data)) };
        return;
      }
      const parsed = parseStreamFrame(frame.data);
      if (parsed.type === "result") {
        outcome = { result: withKey(parsed, request) };
        return;
      }
      tally.add(parsed.event);
      emit(parsed.event);
    });
    for await (const chunk of body) {
      parser.push(chunk);
      if (outcome) break;
    }
    if (!outcome) parser.end();
    if (!outcome)
      throw new RuntimeTurnError(
        "the AgentCore runtime's event stream ended before the turn's result (the session may have been stopped); the turn is tried again",
      );
    if ("failure" in outcome) throw outcome.failure;
    return outcome.result;
  } finally {
    signal.removeEventListener("abort", close);
  }
}

/** The runtime's result as this turn's: the session key is the request's. */
function withKey(frame: RuntimeResult, request: TurnRequest): TurnResult {
  return {
    reply: frame.reply,
    sessionKey: request.sessionKey,
    sessionId: frame.sessionId,
    usage: frame.usage,
    steps: frame.steps,
    stopReason: frame.stopReason,
  };
}
