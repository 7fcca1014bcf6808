// Telegram long polling for the daemon: getUpdates in a loop with the offset persisted by us only after the
// caller made a batch durable, a stall watchdog on the Clock, and backoff per Bot API error. Never deletes a
// webhook (grammY's bot.start() does, silently dropping a deployment's updates), so it is not used here.
import { GrammyError, HttpError } from "grammy";
import { type BotApi, createBotApi } from "./bot-api.ts";
import { TELEGRAM_UPDATE_KINDS } from "./parse.ts";
import { describeError } from "./rate-limiter.ts";
import type { Update } from "grammy/types";
import type { Clock } from "../../ports/clock.ts";

/** Options of createTelegramPoller. */
export interface TelegramPollerOptions {
  token: string;
  /** Bot API root without a trailing slash, e.g. "https://api.telegram.org". */
  apiRoot: string;
  /** Every wait (backoff, retry_after, stall watchdog) runs on this clock. */
  clock: Clock;
  /**
   * Contract: resolves only once the batch is durable (e.g. enqueued); the offset moves past it only then.
   * A rejection re-delivers the same batch after a backoff; a batch may arrive twice, so dedupe by update_id.
   */
  handle: (updates: Update[]) => Promise<void>;
  /** Contract: the offset last given to saveOffset, or undefined on first run. */
  loadOffset: () => Promise<number | undefined>;
  /** Contract: persists the next offset (last update_id + 1); a rejection is logged, not retried. */
  saveOffset: (offset: number) => Promise<void>;
  /** Long-poll timeout Telegram holds each getUpdates for; default 25. */
  timeoutSeconds?: number;
  /** How long a getUpdates may go unanswered before it is aborted and restarted; default timeout + 15 s. */
  stallMs?: number;
  /** Contract: must not throw. */
  log?: (level: "info" | "warn" | "error", message: string) => void;
}

/** What channels.status shows for the poller. */
export interface TelegramPollerStatus {
  state: "starting" | "polling" | "backoff" | "stopped" | "error";
  /** Clock time of the last answered getUpdates (an empty one counts). */
  lastPollAt?: number;
  /** Clock time of the last batch handed to `handle` successfully. */
  lastUpdateAt?: number;
  /** Long polls aborted by the stall watchdog. */
  restarts: number;
  /** Why the poller is in backoff or error. */
  detail?: string;
}

/** A long-polling loop over one bot token. */
export interface TelegramPoller {
  /**
   * Contract: checks getWebhookInfo first and rejects (state "error") when a webhook is set or the token is
   * rejected; transient failures of that check are retried. Resolves once polling has begun.
   */
  start(): Promise<void>;
  /**
   * Contract: aborts the poll or wait in flight; resolves once the loop has exited (after a running handle
   * settles) without another API call. One-shot: create a new poller to poll again.
   */
  stop(): Promise<void>;
  status(): TelegramPollerStatus;
}

const CONFLICT_WAIT_MS = 5_000;
const MAX_BACKOFF_MS = 30_000;
const STALLED = Symbol("stalled");

/** The refusal shown when a webhook is set: polling would need deleting it, which loses updates. */
export function webhookActiveMessage(url: string): string {
  return (
    `Telegram bot has a webhook at ${url}; refusing to long-poll. To poll from this daemon, run ` +
    '`agent-claw channels telegram delete-webhook`, or set channels.telegram.mode to "webhook".'
  );
}

/** Ends the loop: a wrong token or a webhook that polling must not fight with. */
class Fatal extends Error {}

export function createTelegramPoller(options: TelegramPollerOptions): TelegramPoller {
  const { clock, handle, loadOffset, saveOffset } = options;
  const timeoutSeconds = options.timeoutSeconds ?? 25;
  const stallMs = options.stallMs ?? (timeoutSeconds + 15) * 1000;
  const log = options.log ?? (() => {});
  // grammY's own request timeout (real time, default 500 s) is only a backstop for getWebhookInfo.
  const api = createBotApi(options.token, options.apiRoot, { timeoutSeconds: stallMs / 1000 + 5 });
  const lifetime = new AbortController();
  const current: TelegramPollerStatus = { state: "stopped", restarts: 0 };
  let failures = 0; // consecutive network/5xx/handle failures, for exponential backoff
  let running: Promise<void> | undefined;
  let started: Promise<void> | undefined;

  const set = (state: TelegramPollerStatus["state"], detail?: string) => {
    current.state = state;
    if (detail === undefined) delete current.detail;
    else current.detail = detail;
  };
  const wait = (ms: number, detail: string) => {
    set("backoff", detail);
    return clock.sleep(ms, lifetime.signal);
  };
  const nextBackoff = () => Math.min(1000 * 2 ** failures++, MAX_BACKOFF_MS);

  async function checkWebhook(): Promise<void> {
    const { url } = await api.getWebhookInfo(grammySignal(lifetime.signal));
    if (url !== undefined && url !== "") throw new Fatal(webhookActiveMessage(url));
  }

  /** One getUpdates under its own signal, aborted by stop() or by the watchdog after stallMs. */
  async function poll(offset: number | undefined): Promise<Update[] | typeof STALLED> {
    lifetime.signal.throwIfAborted(); // stop() came during an await since the loop last looked
    const call = new AbortController();
    const abort = () => call.abort();
    lifetime.signal.addEventListener("abort", abort, { once: true });
    let stalled = false;
    clock.sleep(stallMs, call.signal).then(
      () => {
        stalled = true;
        call.abort();
      },
      () => {}, // the call finished first: its abort cancelled this timer
    );
    try {
      const params = { timeout: timeoutSeconds, allowed_updates: TELEGRAM_UPDATE_KINDS };
      return await api.getUpdates(
        offset === undefined ? params : { ...params, offset },
        grammySignal(call.signal),
      );
    } catch (error) {
      if (stalled && !lifetime.signal.aborted) return STALLED;
      throw error;
    } finally {
      lifetime.signal.removeEventListener("abort", abort);
      call.abort();
    }
  }

  /** Hands a batch over until it is accepted, then persists the offset past it. */
  async function deliver(updates: Update[]): Promise<number> {
    for (;;) {
      try {
        await handle(updates);
        break;
      } catch (error) {
        const ms = nextBackoff();
        log(
          "error",
          `handling ${updates.length} Telegram updates failed (${describeError(error)}); retrying in ${ms / 1000}s`,
        );
        await wait(ms, `handle failed: ${describeError(error)}`);
      }
    }
    failures = 0;
    current.lastUpdateAt = clock.now();
    const next = updates[updates.length - 1]!.update_id + 1;
    // The batch is durable with the caller, so a failed save only risks a re-delivery (deduped) after a crash.
    await saveOffset(next).catch((error: unknown) =>
      log("warn", `saving the Telegram offset failed: ${describeError(error)}`),
    );
    return next;
  }

  /** Waits out one failed call, or throws Fatal when polling must end. */
  async function recover(error: unknown): Promise<"recheck" | void> {
    if (error instanceof Fatal) throw error;
    if (!(error instanceof GrammyError)) {
      const ms = nextBackoff();
      const what = `${error instanceof HttpError ? "network error" : "error"}: ${describeError(error)}`;
      log("warn", `Telegram polling ${what}; retrying in ${ms / 1000}s`);
      return wait(ms, what);
    }
    const code = error.error_code;
    if (code === 401) {
      throw new Fatal(
        "Telegram rejected the bot token (401 Unauthorized): the token is wrong or was revoked",
      );
    }
    if (code === 409) {
      log(
        "warn",
        `Telegram getUpdates conflict (${error.description}): another poller uses this token, or a webhook was set; re-checking in 5s`,
      );
      await wait(CONFLICT_WAIT_MS, `409 conflict: ${error.description}`);
      return "recheck";
    }
    if (code === 429) {
      const ms = (error.parameters.retry_after ?? 1) * 1000;
      log("warn", `Telegram rate limit (429); retrying in ${ms / 1000}s`);
      return wait(ms, `429: retry after ${ms / 1000}s`);
    }
    const ms = nextBackoff();
    log(
      code >= 500 ? "warn" : "error",
      `Telegram error ${code} (${error.description}); retrying in ${ms / 1000}s`,
    );
    return wait(ms, `${code}: ${error.description}`);
  }

  async function loop(began: () => void): Promise<void> {
    let offset: number | undefined;
    let loaded = false;
    let recheck = true;
    while (!lifetime.signal.aborted) {
      try {
        if (recheck) {
          if (current.lastPollAt === undefined) set("starting");
          await checkWebhook();
          if (!loaded) offset = await loadOffset();
          loaded = true;
          if (current.lastPollAt === undefined)
            log("info", `Telegram polling from offset ${offset ?? "none"}`);
          recheck = false;
          began();
        }
        set("polling");
        const updates = await poll(offset);
        if (updates === STALLED) {
          current.restarts++;
          log("warn", `getUpdates stalled for ${Math.round(stallMs / 1000)}s; restarting the long poll`);
          continue;
        }
        current.lastPollAt = clock.now();
        failures = 0;
        if (updates.length > 0) offset = await deliver(updates);
      } catch (error) {
        if (lifetime.signal.aborted) break;
        try {
          if ((await recover(error)) === "recheck") recheck = true;
        } catch (fatal) {
          if (!(fatal instanceof Fatal)) continue; // a wait aborted by stop(): the loop condition ends it
          set("error", fatal.message);
          log("error", `${fatal.message}; Telegram polling stopped`);
          throw fatal;
        }
      }
    }
    set("stopped");
  }

  return {
    start() {
      started ??= new Promise<void>((resolve, reject) => {
        running = loop(resolve).catch(reject);
        // Settles start() on stop() before polling began; no-op once resolved.
        void running.then(resolve);
      });
      return started;
    },
    async stop() {
      lifetime.abort(new Error("Telegram poller stopped"));
      await running;
      if (current.state !== "error") set("stopped");
    },
    status: () => ({ ...current }),
  };
}

/** grammY types its signals with the old abort-controller polyfill; a native AbortSignal works at runtime. */
const grammySignal = (signal: AbortSignal) => signal as unknown as Parameters<BotApi["getUpdates"]>[1];
