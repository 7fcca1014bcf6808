// A fake Telegram Bot API on 127.0.0.1 speaking the real wire protocol at `/bot<token>/<method>`:
// long polling, webhooks, messages with Telegram's own error bodies, scripted failures and stalls.
// Point grammY at it with `new Bot(fake.token, { client: { apiRoot: fake.url } })`.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { BotCommand, Message, ResponseParameters, Update, User, UserFromGetMe } from "grammy/types";
import { createFileStore, type FileOptions } from "./telegram-files.ts";
import { createMessageMethods } from "./telegram-messages.ts";
import { buildMessageUpdate, createConversations, type MessageOptions } from "./telegram-updates.ts";
import {
  type ApiReply,
  bad,
  type Call,
  fail,
  type MethodHandler,
  num,
  ok,
  readParams,
  record,
  type UploadedFile,
  writeReply,
} from "./telegram-wire.ts";
import { listenOnLoopback } from "../../src/util/listen-loopback.ts";

export type { FileOptions } from "./telegram-files.ts";
export type { MessageOptions } from "./telegram-updates.ts";
export type { UploadedFile } from "./telegram-wire.ts";

/** Options of the fake. */
export interface TelegramFakeOptions {
  /** The only token accepted; others get 401. Its digits before `:` become the bot id. */
  token?: string;
  /** Overrides fields of the getMe answer. */
  botInfo?: Partial<UserFromGetMe>;
}

/** One API call as received (failed and long-poll calls included). */
export interface RecordedCall {
  method: string;
  /** Decoded parameters: the same shape whether sent as JSON, form or multipart. */
  params: Record<string, unknown>;
  /** Files of a multipart upload (sendPhoto, sendDocument). */
  files: UploadedFile[];
  /** Date.now() when the request arrived. */
  at: number;
}

/** An error to answer instead of running a method, in Telegram's shape. */
export type ScriptedFailure =
  | { status: 429; retryAfter: number }
  | { status: 500; description?: string }
  | { status: 400 | 403 | 404 | 409; description: string; parameters?: ResponseParameters };

/** The webhook registered with setWebhook. */
export interface WebhookState {
  url: string;
  secretToken?: string;
  allowedUpdates?: string[];
  maxConnections: number;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

/** A method name, or a predicate over recorded calls. */
export type CallMatcher = string | ((call: RecordedCall) => boolean);

/** A running fake Bot API and the handles tests drive it with. */
export interface TelegramFake {
  /** The API root for grammY's `client.apiRoot` (no trailing slash). */
  readonly url: string;
  readonly token: string;
  /** What getMe answers; pass as `botInfo` to skip `bot.init()`. */
  readonly botInfo: UserFromGetMe;
  /** Every call with the right token, oldest first. */
  readonly sent: RecordedCall[];
  /** Updates queued and not yet confirmed by an offset (or dropped). */
  readonly pending: readonly Update[];
  /** The registered webhook (a copy), or undefined when polling is possible. */
  readonly webhook: WebhookState | undefined;
  /**
   * The bot's messages in a chat as the person sees them now: edits applied (a preview or notice
   * replaced by the reply), deleted ones gone, oldest first.
   */
  botMessages(chatId: number): Message[];
  /** Builds a realistic `message` Update with the next update_id (does not queue it). */
  message(options?: MessageOptions): Update;
  /** Stamps the next update_id on any other update kind, e.g. `{ callback_query: … }`. */
  update(fields: Omit<Update, "update_id">): Update;
  /**
   * A press of an inline button under the bot's message `messageId` in `chatId`, by `from` (default
   * Ada): a `callback_query` Update whose id answerCallbackQuery then accepts once.
   */
  buttonPress(options: { chatId: number; messageId: number; data: string; from?: Partial<User> }): Update;
  /**
   * Sets the bytes getFile and `GET /file/bot<token>/<file_path>` serve for a file id (one a
   * builder attached, or a new one); `fileSize` changes what getFile reports (null: left out).
   */
  setFile(fileId: string, bytes: Uint8Array, options?: FileOptions): void;
  /** Queues an update for getUpdates; a waiting long poll answers at once. */
  pushUpdate(update: Update): void;
  /**
   * Resolves with the matching calls once `count` have been recorded (a number waits for that
   * many calls of any method). Contract: resolves from the request handler, never by polling.
   * `timeoutMs` (default 10 s) only bounds a wait that fails: a loaded CI machine can take seconds
   * for what takes milliseconds here.
   */
  waitFor(match: CallMatcher | number, timeoutMs?: number, count?: number): Promise<RecordedCall[]>;
  /** The next `times` calls of `method` answer this failure instead (they are still recorded). */
  failNext(method: string, failure: ScriptedFailure, times?: number): void;
  /**
   * While on, getUpdates (waiting or new) never answers, like a dead connection; turning it off
   * answers them normally. Turn it off before `bot.stop()`, whose confirming getUpdates would hang too.
   */
  stallGetUpdates(on: boolean): void;
  /**
   * POSTs the update to the webhook with `X-Telegram-Bot-Api-Secret-Token` as Telegram does and
   * resolves the HTTP status; a non-2xx sets getWebhookInfo's last_error_*; a `{ method }` reply runs.
   */
  postToWebhook(update: Update): Promise<number>;
  /** Answers waiting polls, stops listening and drops open connections. */
  close(): Promise<void>;
}

interface Poll {
  limit: number;
  timer?: ReturnType<typeof setTimeout>;
  settle(reply: ApiReply): void;
}

/** Update kinds Telegram leaves out when allowed_updates is empty. */
const OPT_IN_UPDATES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

/** Starts the fake on 127.0.0.1 and a random port. */
export async function startTelegramFake(options: TelegramFakeOptions = {}): Promise<TelegramFake> {
  const token = options.token ?? "123456789:AAFakeTokenForAgentClawTests_0123456";
  const botInfo: UserFromGetMe = {
    id: Number(token.split(":")[0]) || 123456789,
    is_bot: true,
    first_name: "Claw Test Bot",
    username: "claw_test_bot",
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
    ...options.botInfo,
  };
  const bot = { id: botInfo.id, is_bot: true, first_name: botInfo.first_name, username: botInfo.username };
  const conversations = createConversations();
  const files = createFileStore();
  const sent: RecordedCall[] = [];
  const waiters = new Set<() => void>();
  const failures = new Map<string, { failure: ScriptedFailure; remaining: number }[]>();
  const commands = new Map<string, BotCommand[]>();
  // Callback queries handed out by buttonPress, and whether each was answered.
  const queries = new Map<string, boolean>();
  let queue: Update[] = [];
  let allowedUpdates: string[] = [];
  let webhook: WebhookState | undefined;
  let poll: Poll | undefined;
  let stall: { promise: Promise<void>; release(): void } | undefined;
  let updateId = 500_000_000;
  const nextUpdateId = () => ++updateId;

  const allowed = (update: Update) => {
    const kind = Object.keys(update).find((key) => key !== "update_id") ?? "";
    return allowedUpdates.length === 0 ? !OPT_IN_UPDATES.has(kind) : allowedUpdates.includes(kind);
  };
  // Telegram never queues update kinds the bot did not ask for, so they are dropped here.
  const take = (limit: number) => (queue = queue.filter(allowed)).slice(0, limit);

  const getUpdates = async ({ params, aborted, onAbort }: Call): Promise<ApiReply> => {
    if (stall !== undefined) await stall.promise;
    if (aborted()) return ok([]); // the client gave up while stalled; nobody reads this answer
    if (webhook !== undefined) {
      return fail(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = num(params["offset"]);
    // A positive offset confirms every update below it; a negative one keeps only the last -offset.
    if (offset !== undefined && offset > 0) queue = queue.filter((u) => u.update_id >= offset);
    if (offset !== undefined && offset < 0) queue = queue.slice(offset);
    if (Array.isArray(params["allowed_updates"])) allowedUpdates = params["allowed_updates"].map(String);
    const limit = Math.min(Math.max(num(params["limit"]) ?? 100, 1), 100);
    const timeout = Math.max(num(params["timeout"]) ?? 0, 0);
    poll?.settle(
      fail(
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
      ),
    );
    const ready = take(limit);
    if (ready.length > 0 || timeout === 0) return ok(ready);
    return new Promise<ApiReply>((resolve) => {
      const waiting: Poll = {
        limit,
        settle(reply) {
          clearTimeout(waiting.timer);
          if (poll === waiting) poll = undefined;
          resolve(reply);
        },
      };
      waiting.timer = setTimeout(() => waiting.settle(ok([])), timeout * 1000);
      poll = waiting;
      onAbort(() => waiting.settle(ok([])));
    });
  };

  const methods: Record<string, MethodHandler> = {
    getMe: () => ok(botInfo),
    getUpdates,
    getFile: files.getFile,
    ...createMessageMethods(bot, conversations),
    setWebhook({ params }) {
      const url = typeof params["url"] === "string" ? params["url"] : "";
      if (url === "")
        return methods["deleteWebhook"]!({ params, files: [], aborted: () => false, onAbort() {} });
      if (!URL.canParse(url)) return bad("bad webhook: Failed to resolve host: Name or service not known");
      const secret = params["secret_token"];
      if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(String(secret))) {
        return bad("secret token contains unallowed characters");
      }
      if (params["drop_pending_updates"] === true) queue = [];
      if (Array.isArray(params["allowed_updates"])) allowedUpdates = params["allowed_updates"].map(String);
      webhook = {
        url,
        ...(secret !== undefined && { secretToken: String(secret) }),
        ...(Array.isArray(params["allowed_updates"]) && { allowedUpdates }),
        maxConnections: num(params["max_connections"]) ?? 40,
      };
      poll?.settle(fail(409, "Conflict: terminated by setWebhook request"));
      return ok(true, "Webhook was set");
    },
    deleteWebhook({ params }) {
      if (params["drop_pending_updates"] === true) queue = [];
      const had = webhook !== undefined;
      webhook = undefined;
      return ok(true, had ? "Webhook was deleted" : "Webhook is already deleted");
    },
    getWebhookInfo: () =>
      ok({
        url: webhook?.url ?? "",
        has_custom_certificate: false,
        pending_update_count: queue.length,
        ...(webhook !== undefined && {
          ip_address: "127.0.0.1",
          max_connections: webhook.maxConnections,
          ...(webhook.allowedUpdates !== undefined && { allowed_updates: webhook.allowedUpdates }),
          ...(webhook.lastErrorDate !== undefined && {
            last_error_date: webhook.lastErrorDate,
            last_error_message: webhook.lastErrorMessage,
          }),
        }),
      }),
    setMyCommands({ params }) {
      const list = Array.isArray(params["commands"]) ? params["commands"].map(record) : undefined;
      if (list === undefined) return bad('parameter "commands" is required');
      if (list.some((c) => !/^[a-z0-9_]{1,32}$/.test(String(c["command"]))))
        return bad("BOT_COMMAND_INVALID");
      commands.set(
        scopeKey(params),
        list.map((c) => ({ command: String(c["command"]), description: String(c["description"] ?? "") })),
      );
      return ok(true);
    },
    getMyCommands: ({ params }) => ok(commands.get(scopeKey(params)) ?? []),
    answerCallbackQuery({ params }) {
      const id = String(params["callback_query_id"] ?? "");
      // Telegram's one answer for an unknown, already answered or expired query.
      if (queries.get(id) !== false)
        return bad("query is too old and response timeout expired or query ID is invalid");
      if (String(params["text"] ?? "").length > 200) return bad("MESSAGE_TOO_LONG");
      queries.set(id, true);
      return ok(true);
    },
  };
  // Telegram matches method names case-insensitively.
  const lookup = new Map(Object.entries(methods).map(([name, run]) => [name.toLowerCase(), run]));

  const recordCall = (call: RecordedCall) => {
    sent.push(call);
    for (const waiter of [...waiters]) waiter();
  };

  const scripted = (method: string): ApiReply | undefined => {
    const queued = failures.get(method.toLowerCase());
    const head = queued?.[0];
    if (head === undefined) return undefined;
    if (--head.remaining <= 0) queued!.shift();
    const { failure } = head;
    if (failure.status === 429) {
      return fail(429, `Too Many Requests: retry after ${failure.retryAfter}`, {
        retry_after: failure.retryAfter,
      });
    }
    if (failure.status === 500) return fail(500, failure.description ?? "Internal Server Error");
    return fail(failure.status, failure.description, failure.parameters);
  };

  const dispatch = (method: string, call: Call): ApiReply | Promise<ApiReply> => {
    recordCall({ method, params: call.params, files: call.files, at: Date.now() });
    const run = lookup.get(method.toLowerCase());
    if (run === undefined) return fail(404, "Not Found");
    return scripted(method) ?? run(call);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(path);
    if (download !== null && req.method === "GET") {
      if (download[1] !== token) return writeReply(res, fail(401, "Unauthorized"));
      return files.serve(res, download[2]!);
    }
    const route = /^\/bot([^/]+)\/([A-Za-z0-9_]+)$/.exec(path);
    if (route === null) return writeReply(res, fail(404, "Not Found"));
    if (route[1] !== token) return writeReply(res, fail(401, "Unauthorized"));
    const read = await readParams(req);
    if ("error" in read) return writeReply(res, fail(400, read.error));
    const listeners: (() => void)[] = [];
    let aborted = false;
    res.on("close", () => {
      if (res.writableFinished) return;
      aborted = true;
      for (const listener of listeners) listener();
    });
    const call = { ...read, aborted: () => aborted, onAbort: (l: () => void) => listeners.push(l) };
    writeReply(res, await dispatch(route[2]!, call));
  };

  const server = createServer((req, res) => {
    res.on("error", () => {});
    handle(req, res).catch((error: unknown) =>
      writeReply(res, fail(500, `Internal Server Error: ${String(error)}`)),
    );
  });
  const origin = await listenOnLoopback(server);

  return {
    url: origin,
    token,
    botInfo,
    sent,
    get pending() {
      return [...queue];
    },
    get webhook() {
      return webhook === undefined ? undefined : { ...webhook };
    },
    botMessages: (chatId) => conversations.fromBot(chatId, bot.id),
    message: (messageOptions) =>
      buildMessageUpdate({ bot, conversations, nextUpdateId, files }, messageOptions),
    update: (fields) => ({ ...fields, update_id: nextUpdateId() }),
    buttonPress({ chatId, messageId, data, from }) {
      const message = conversations.find(chatId, messageId);
      if (message === undefined) throw new Error(`telegram fake: no message ${messageId} in chat ${chatId}`);
      const id = String(4_000_000_000_000 + queries.size);
      queries.set(id, false);
      const user: User = { id: 1001, is_bot: false, first_name: "Ada", username: "ada", ...from };
      const query = { id, from: user, message, chat_instance: String(-chatId), data };
      return { update_id: nextUpdateId(), callback_query: query } as Update;
    },
    setFile: (fileId, bytes, fileOptions) => files.set(fileId, bytes, fileOptions),
    pushUpdate(update) {
      if (update.message !== undefined) conversations.remember(update.message);
      queue.push(update);
      if (poll !== undefined && stall === undefined) {
        const ready = take(poll.limit);
        if (ready.length > 0) poll.settle(ok(ready));
      }
    },
    waitFor(match, timeoutMs = 10_000, count = 1) {
      const [test, needed] =
        typeof match === "number"
          ? [() => true, match]
          : [typeof match === "string" ? (c: RecordedCall) => c.method === match : match, count];
      return new Promise((resolve, reject) => {
        // Each check looks only at calls recorded since the last one: a bench with hundreds of
        // waiters and thousands of calls would otherwise spend its time re-filtering `sent`.
        const hits: RecordedCall[] = [];
        let seenUpTo = 0;
        const check = () => {
          for (; seenUpTo < sent.length; seenUpTo++) if (test(sent[seenUpTo]!)) hits.push(sent[seenUpTo]!);
          if (hits.length < needed) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(hits);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const seen = sent.map((c) => c.method).join(", ") || "none";
          reject(new Error(`telegram fake: waitFor timed out after ${timeoutMs} ms; calls so far: ${seen}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    failNext(method, failure, times = 1) {
      const key = method.toLowerCase();
      failures.set(key, [...(failures.get(key) ?? []), { failure, remaining: times }]);
    },
    stallGetUpdates(on) {
      if (on && stall === undefined) {
        let release = () => {};
        const promise = new Promise<void>((resolve) => (release = resolve));
        stall = { promise, release };
        const parked = poll;
        poll = undefined;
        if (parked !== undefined) {
          clearTimeout(parked.timer);
          void promise.then(() => parked.settle(ok(take(parked.limit))));
        }
      } else if (!on && stall !== undefined) {
        const { release } = stall;
        stall = undefined;
        release();
      }
    },
    async postToWebhook(update) {
      const target = webhook;
      if (target === undefined)
        throw new Error("telegram fake: postToWebhook needs a webhook (setWebhook first)");
      if (update.message !== undefined) conversations.remember(update.message);
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      if (target.secretToken !== undefined) headers["X-Telegram-Bot-Api-Secret-Token"] = target.secretToken;
      const response = await fetch(target.url, { method: "POST", headers, body: JSON.stringify(update) });
      const body = await response.text();
      if (!response.ok) {
        target.lastErrorDate = Math.floor(Date.now() / 1000);
        target.lastErrorMessage = `Wrong response from the webhook: ${response.status} ${response.statusText}`;
      }
      // A webhook reply (`{ method, ...params }` in the response body) is executed like an API call.
      const webhookReply = response.ok && body.startsWith("{") ? record(JSON.parse(body)) : {};
      if (typeof webhookReply["method"] === "string") {
        const { method, ...params } = webhookReply;
        await dispatch(method as string, { params, files: [], aborted: () => false, onAbort() {} });
      }
      return response.status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        stall?.release();
        poll?.settle(ok([]));
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function scopeKey(params: Record<string, unknown>): string {
  return JSON.stringify([params["scope"] ?? { type: "default" }, params["language_code"] ?? ""]);
}
