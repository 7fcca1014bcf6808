// Keeps one bot's calls within Telegram's limits (a pause after a 429, about 1 message/s per chat, 30/s
// per bot) and the retry policy every call shares. It is per process: with many processes sending for
// one bot (Lambdas) it is politeness only; the guarantee is that every send and edit waits out a 429.
import { GrammyError, HttpError } from "grammy";
import type { Clock } from "../../ports/clock.ts";

/** When the calls of one bot may go out. */
export interface RateLimiter {
  /**
   * Resolves when one call may go out: after any flood-control pause, at least `perChatMs` after the
   * previous call to the same chat (when a chat is given), and within the bot's calls-per-second budget.
   * Contract: never rejects; callers waiting for one chat are let through in the order they asked.
   */
  acquire(chatId?: string): Promise<void>;
  /**
   * Contract: holds every call, waiting or future, until `ms` from now (Telegram's retry_after);
   * a shorter pause never shortens a longer one already running.
   */
  pause(ms: number): void;
  /** Milliseconds left in the current pause; 0 when none. */
  pausedFor(): number;
}

/** Telegram's documented limits: "about one message per second" per chat, 30 per second per bot. */
export interface RateLimits {
  perChatMs: number;
  perSecond: number;
}

export const TELEGRAM_LIMITS: RateLimits = { perChatMs: 1000, perSecond: 30 };

// Chats whose next slot has passed are forgotten once the map grows past this, so it stays small.
const PRUNE_AT = 1000;

/**
 * A limiter on the given clock. The overall budget is a token bucket (`perSecond` tokens, refilled
 * evenly), kept as GCRA's one "theoretical arrival time" so a reservation is a single comparison.
 */
export function createRateLimiter(clock: Clock, limits: RateLimits = TELEGRAM_LIMITS): RateLimiter {
  const interval = 1000 / limits.perSecond;
  const burst = (limits.perSecond - 1) * interval;
  const chats = new Map<string, number>();
  let tat = -Infinity;
  let pausedUntil = -Infinity;

  const sleepUntil = async (at: number) => {
    const ms = at - clock.now();
    if (ms > 0) await clock.sleep(ms);
  };

  const reserveChat = (chatId: string): number => {
    const now = clock.now();
    if (chats.size > PRUNE_AT) for (const [id, next] of chats) if (next <= now) chats.delete(id);
    const at = Math.max(now, chats.get(chatId) ?? -Infinity);
    chats.set(chatId, at + limits.perChatMs);
    return at;
  };

  // Taken when the call is about to go, not when its chat slot was booked: a slot booked far ahead
  // must not hold up other chats' calls in the meantime.
  const reserveToken = (): number => {
    const now = clock.now();
    const at = Math.max(now, tat - burst);
    tat = Math.max(tat, at) + interval;
    return Math.ceil(at); // whole milliseconds, as a clock counts them
  };

  return {
    async acquire(chatId) {
      for (;;) {
        await sleepUntil(pausedUntil);
        if (chatId !== undefined) await sleepUntil(reserveChat(chatId));
        await sleepUntil(reserveToken());
        if (clock.now() >= pausedUntil) return;
        // A 429 arrived while this call waited: the slot it booked is stale, so book again after the pause.
      }
    },
    pause(ms) {
      pausedUntil = Math.max(pausedUntil, clock.now() + ms);
    },
    pausedFor: () => Math.max(0, pausedUntil - clock.now()),
  };
}

// Keyed by clock as well as token: tests run many fake clocks over one fake token, and a limiter's
// times only mean something on its own clock. A process has one real clock, so one limiter per token.
const shared = new WeakMap<Clock, Map<string, RateLimiter>>();

/** Contract: the same limiter for every caller with this token and clock. */
export function rateLimiterFor(token: string, clock: Clock): RateLimiter {
  let byToken = shared.get(clock);
  if (byToken === undefined) shared.set(clock, (byToken = new Map()));
  let limiter = byToken.get(token);
  if (limiter === undefined) byToken.set(token, (limiter = createRateLimiter(clock)));
  return limiter;
}

/** Telegram refused a call, or it kept failing; the message says what Telegram answered. */
export class TelegramApiError extends Error {
  readonly method: string;
  /** Telegram's error_code (403, 400, …); undefined when the network failed. */
  readonly code: number | undefined;
  /** Telegram's description, e.g. "Forbidden: bot was blocked by the user". */
  readonly description: string;
  constructor(
    method: string,
    code: number | undefined,
    description: string,
    message: string,
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = "TelegramApiError";
    this.method = method;
    this.code = code;
    this.description = description;
  }
}

/** What one call needs to run within the limits. */
export interface LimitedCall<T> {
  limiter: RateLimiter;
  clock: Clock;
  log: (level: "warn", message: string) => void;
  /** Bot API method name, for messages. */
  method: string;
  chatId: string;
  run: () => Promise<T>;
}

const BACKOFF_MS = [1000, 2000, 4000];
// A bot under a long flood ban would otherwise wait forever; past this many 429s in a row a call fails.
const MAX_FLOOD_WAITS = 10;

/**
 * Runs one call after the limiter lets it through. A 429 pauses the whole bot for retry_after seconds and
 * the call goes again; a 5xx or network failure is retried after 1, 2 and 4 s.
 * Contract: any other failure, or one that outlasts the retries, rejects with a TelegramApiError.
 */
export async function callWithinLimits<T>(call: LimitedCall<T>): Promise<T> {
  const { limiter, clock, log } = call;
  const where = `${call.method} to chat ${call.chatId}`;
  let retries = 0;
  let floods = 0;
  for (;;) {
    await limiter.acquire(call.chatId);
    try {
      return await call.run();
    } catch (error) {
      if (error instanceof GrammyError && error.error_code === 429 && floods++ < MAX_FLOOD_WAITS) {
        const seconds = error.parameters.retry_after ?? 1;
        log("warn", `flood control on ${where}; every call of this bot waits ${seconds} s`);
        limiter.pause(seconds * 1000);
        continue;
      }
      if (isTransient(error) && retries < BACKOFF_MS.length) {
        const wait = BACKOFF_MS[retries++]!;
        log("warn", `${where} failed (${describeError(error)}); retry ${retries} in ${wait} ms`);
        await clock.sleep(wait);
        continue;
      }
      throw toApiError(call.method, where, error, retries);
    }
  }
}

/** A 5xx answer or a failed connection: worth another try. */
export const isTransient = (error: unknown): boolean =>
  error instanceof HttpError || (error instanceof GrammyError && error.error_code >= 500);

/** Telegram's answer ("403 Forbidden: …") or the network failure, for logs and error messages. */
export function describeError(error: unknown): string {
  if (error instanceof GrammyError) return `${error.error_code} ${error.description}`;
  if (error instanceof HttpError) {
    return `network error: ${error.error instanceof Error ? error.error.message : String(error.error)}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function toApiError(method: string, where: string, error: unknown, retries: number): TelegramApiError {
  const tries = retries > 0 ? ` after ${retries + 1} attempts` : "";
  if (error instanceof GrammyError) {
    const message = `Telegram refused ${where}${tries}: ${error.error_code} ${error.description}`;
    return new TelegramApiError(method, error.error_code, error.description, message, error);
  }
  const message = `Telegram ${where} failed${tries}: ${describeError(error)}`;
  return new TelegramApiError(method, undefined, describeError(error), message, error);
}
