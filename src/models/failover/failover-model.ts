// A LanguageModelV4 over an ordered list of candidates (each model once per key of its provider): a call
// goes to the first one not cooling down, and a rate limit, overload, refused key, empty balance or
// unreachable endpoint moves it to the next, until something has streamed (then the error surfaces).
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
  SharedV4ProviderMetadata,
} from "@ai-sdk/provider";
import { classifyModelError } from "../../core/agent/model-error-kind.ts";
import { serverDelayMs } from "../../core/agent/model-step.ts";
import type { Clock } from "../../ports/clock.ts";
import type { ModelCandidate } from "../resolve-model.ts";
import {
  cooldownMs,
  cooldownScope,
  isRotatingKind,
  type RotatingKind,
  STRIKES_KEPT_MS,
  triesOtherKeys,
} from "./cooldown-policy.ts";
import type { Cooldown, CooldownStore } from "./cooldown-store.ts";

export interface FailoverOptions {
  /** In order of preference: the model with each of its keys, then each fallback with each of its keys. */
  candidates: readonly ModelCandidate[];
  cooldowns: CooldownStore;
  /** Times cooldowns, and the wait for a candidate's first content part. */
  clock: Pick<Clock, "now" | "sleep">;
  /**
   * How long a candidate may take to start its answer before the next one is asked (default 90 s). The
   * last candidate of the chain is never cut short: nothing comes after it.
   */
  firstContentTimeoutMs?: number;
  /** Contract: must not throw. Gets lines naming candidates by ref and key position, never a key. */
  log?: (level: "info" | "warn", message: string) => void;
}

/** Stream parts that come before anything the person could see: failover may still drop them. */
const PREAMBLE = new Set<LanguageModelV4StreamPart["type"]>([
  "stream-start",
  "response-metadata",
  "text-start",
  "reasoning-start",
  "ping",
  "raw",
]);

/** What one failed attempt left, for the log line. */
interface Attempt {
  candidate: ModelCandidate;
  kind: RotatingKind;
  coolMs: number;
}

/** Where one candidate stands before a call. */
interface Standing {
  candidate: ModelCandidate;
  /** The records that exist for it (cleared after it answers). */
  records: { subject: string; cooldown: Cooldown }[];
  /** Latest end of its cooldowns; <= now when it may be tried. */
  until: number;
}

const credentialSubject = (c: ModelCandidate) => `key:${c.credentialId}`;
const candidateSubject = (c: ModelCandidate) => `model:${c.ref}@${c.credentialId}`;

/** The answering candidate's ref on a finish part, for usage records (merged with the provider's metadata). */
function tagged(metadata: SharedV4ProviderMetadata | undefined, ref: string): SharedV4ProviderMetadata {
  return { ...metadata, failover: { ...metadata?.["failover"], ref } };
}

/** A candidate that had not started its answer in time; classifies as a timeout. */
class FirstContentTimeout extends Error {
  override readonly name = "TimeoutError";
  constructor(ms: number) {
    super(`the model had not started its answer after ${Math.round(ms / 1000)} s`);
  }
}

/**
 * The chain's last error, marked so the step's own retry (model-step.ts) does not run the whole chain again:
 * every candidate was tried, and a second round would only stack cooldown strikes on keys that are waiting.
 */
function notRetryable(error: unknown): unknown {
  if (
    error !== null &&
    typeof error === "object" &&
    (error as { isRetryable?: unknown }).isRetryable === true
  ) {
    Object.defineProperty(error, "isRetryable", { value: false, configurable: true });
  }
  return error;
}

/** Signals a stream error that arrived before any content, so it is handled like a refused call. */
class EarlyStreamError extends Error {
  readonly error: unknown;
  constructor(error: unknown) {
    super("the model stream failed before its first content");
    this.error = error;
  }
}

/**
 * Contract: a call is answered by the first candidate that is not cooling down and does not fail with a
 * rotating kind (cooldown-policy.ts) before its first content part. Any other failure (bad request, context
 * overflow, an aborted call) is thrown at once and cools nothing. When every candidate is cooling down, the
 * one whose cooldown ends first is tried, so the assistant never refuses without asking anyone.
 */
export function createFailoverModel(options: FailoverOptions): LanguageModelV4 {
  const { candidates, cooldowns, clock } = options;
  const first = candidates[0];
  if (!first) throw new Error("failover needs at least one model candidate");
  const log = options.log ?? (() => {});

  const standing = async (candidate: ModelCandidate): Promise<Standing> => {
    const subjects = [credentialSubject(candidate), candidateSubject(candidate)];
    // A store that cannot be read (DynamoDB throttled) must not stop the call: treat it as no cooldown.
    const found = await Promise.all(subjects.map((s) => cooldowns.get(s).catch(() => undefined)));
    const records = subjects.flatMap((subject, i) => {
      const cooldown = found[i];
      return cooldown ? [{ subject, cooldown }] : [];
    });
    return { candidate, records, until: Math.max(0, ...records.map((r) => r.cooldown.until)) };
  };

  const coolDown = async (at: Standing, kind: RotatingKind, error: unknown): Promise<number> => {
    const scope = cooldownScope(kind);
    const subject = scope === "credential" ? credentialSubject(at.candidate) : candidateSubject(at.candidate);
    const now = clock.now();
    const strikes = (at.records.find((r) => r.subject === subject)?.cooldown.strikes ?? 0) + 1;
    const asked = error !== null && typeof error === "object" ? serverDelayMs(error, now) : undefined;
    const ms = cooldownMs(kind, strikes, asked);
    await cooldowns
      .put(subject, { until: now + ms, strikes, kind }, ms + STRIKES_KEPT_MS)
      .catch((failure: unknown) =>
        log(
          "warn",
          `model failover: could not record the cooldown of ${name(at.candidate)}: ${String(failure)}`,
        ),
      );
    return ms;
  };

  /** Runs `attempt` on candidates in order; see the contract above. */
  async function failover<T>(
    call: LanguageModelV4CallOptions,
    attempt: (c: ModelCandidate) => Promise<T>,
  ): Promise<T> {
    const failed: Attempt[] = [];
    const cooling: Standing[] = [];
    const refusedKeys = new Set<string>();
    const downModels = new Set<string>();
    let lastError: unknown;

    const tryOne = async (at: Standing): Promise<{ answer: T } | undefined> => {
      const { candidate } = at;
      try {
        const answer = await attempt(candidate);
        if (at.records.length > 0) {
          await Promise.all(at.records.map((r) => cooldowns.clear(r.subject).catch(() => {})));
        }
        if (failed.length > 0) {
          const before = failed.map(
            (f) =>
              `${name(f.candidate)}: ${f.kind}${f.coolMs > 0 ? `, cooling ${seconds(f.coolMs)}` : " (this call only)"}`,
          );
          log("warn", `model failover: ${name(candidate)} answered after ${before.join("; ")}`);
        }
        return { answer };
      } catch (thrown) {
        const error = thrown instanceof EarlyStreamError ? thrown.error : thrown;
        const kind = classifyModelError(error);
        if (call.abortSignal?.aborted || !isRotatingKind(kind)) throw error;
        lastError = error;
        // A slow first answer is this call's problem (a long prompt, a busy local model), not the model's:
        // it moves this call on and cools nothing, or one session would send everyone to the fallback.
        const coolMs = error instanceof FirstContentTimeout ? 0 : await coolDown(at, kind, error);
        failed.push({ candidate, kind, coolMs });
        if (cooldownScope(kind) === "credential") refusedKeys.add(candidate.credentialId);
        if (!triesOtherKeys(kind)) downModels.add(candidate.ref);
        return undefined;
      }
    };

    for (const candidate of candidates) {
      if (refusedKeys.has(candidate.credentialId) || downModels.has(candidate.ref)) continue;
      const at = await standing(candidate);
      if (at.until > clock.now()) {
        cooling.push(at);
        continue;
      }
      const done = await tryOne(at);
      if (done) return done.answer;
    }
    if (failed.length === 0 && cooling.length > 0) {
      const soonest = cooling.reduce((a, b) => (b.until < a.until ? b : a));
      log(
        "info",
        `model failover: every candidate is cooling down; trying ${name(soonest.candidate)} anyway`,
      );
      const done = await tryOne(soonest);
      if (done) return done.answer;
    }
    const tried = failed.map((f) => `${name(f.candidate)}: ${f.kind}`).join("; ");
    log("warn", `model failover: no candidate answered (${tried})`);
    throw notRetryable(lastError);
  }

  return {
    specificationVersion: "v4",
    provider: first.model.provider,
    modelId: first.model.modelId,
    supportedUrls: first.model.supportedUrls,

    doGenerate: (call) =>
      failover(call, async (candidate): Promise<LanguageModelV4GenerateResult> => {
        const result = await candidate.model.doGenerate(call);
        return { ...result, providerMetadata: tagged(result.providerMetadata, candidate.ref) };
      }),

    doStream: (call) =>
      failover(call, (candidate) =>
        openStream(
          candidate,
          call,
          candidate === candidates.at(-1)
            ? undefined
            : { clock, ms: options.firstContentTimeoutMs ?? 90_000 },
        ),
      ),
  };
}

/**
 * Starts the candidate's stream and reads it up to its first content part. An error part before that
 * throws (EarlyStreamError), so failover can move on; so does no content within `deadline.ms` (the
 * request is aborted). After it, the stream is handed on unchanged but for the finish part's tag.
 */
async function openStream(
  candidate: ModelCandidate,
  call: LanguageModelV4CallOptions,
  deadline: { clock: Pick<Clock, "sleep">; ms: number } | undefined,
): Promise<LanguageModelV4StreamResult> {
  const giveUp = new AbortController();
  const stopTimer = new AbortController();
  // Rejects once the deadline passes; every wait below races it, so a provider that ignores the abort
  // signal cannot hold the call either.
  const late = new Promise<never>((_, reject) => {
    giveUp.signal.addEventListener("abort", () => reject(giveUp.signal.reason), { once: true });
  });
  late.catch(() => {});
  if (deadline) {
    deadline.clock.sleep(deadline.ms, stopTimer.signal).then(
      () => giveUp.abort(new FirstContentTimeout(deadline.ms)),
      () => {},
    );
  }
  const signal = deadline
    ? call.abortSignal
      ? AbortSignal.any([call.abortSignal, giveUp.signal])
      : giveUp.signal
    : call.abortSignal;
  // The caller's abort wins over the deadline: it is rethrown as it came, and cools nothing.
  const asTimeout = (error: unknown) =>
    giveUp.signal.aborted && !call.abortSignal?.aborted ? giveUp.signal.reason : error;
  const tag = (part: LanguageModelV4StreamPart): LanguageModelV4StreamPart =>
    part.type === "finish"
      ? { ...part, providerMetadata: tagged(part.providerMetadata, candidate.ref) }
      : part;
  let result: LanguageModelV4StreamResult;
  const head: LanguageModelV4StreamPart[] = [];
  let reader: ReadableStreamDefaultReader<LanguageModelV4StreamPart>;
  try {
    result = await Promise.race([
      candidate.model.doStream(signal === undefined ? call : { ...call, abortSignal: signal }),
      late,
    ]);
    reader = result.stream.getReader();
    for (;;) {
      let next: ReadableStreamReadResult<LanguageModelV4StreamPart>;
      try {
        next = await Promise.race([reader.read(), late]);
      } catch (error) {
        // Frees the connection of a stream nobody will read further.
        reader.cancel().catch(() => {});
        throw new EarlyStreamError(asTimeout(error));
      }
      if (next.done) break;
      if (next.value.type === "error") {
        reader.cancel().catch(() => {});
        throw new EarlyStreamError(next.value.error);
      }
      head.push(tag(next.value));
      if (!PREAMBLE.has(next.value.type)) break;
    }
  } catch (error) {
    throw error instanceof EarlyStreamError ? error : asTimeout(error);
  } finally {
    stopTimer.abort();
  }
  const stream = new ReadableStream<LanguageModelV4StreamPart>({
    start(controller) {
      for (const part of head) controller.enqueue(part);
    },
    async pull(controller) {
      try {
        const next = await reader.read();
        if (next.done) controller.close();
        else controller.enqueue(tag(next.value));
      } catch (error) {
        controller.error(error);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { ...result, stream };
}

/** "anthropic/claude-sonnet-4-5 (anthropic key #2)". */
function name(candidate: ModelCandidate): string {
  return `${candidate.ref} (${candidate.credential})`;
}

function seconds(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}
