// What the behaviour suite needs from an engine, the same on the daemon and on `aws dev`: a Telegram
// webhook to post to, the fake Bot API and fake model it talks to, and the owner's few levers.
import type { Update } from "grammy/types";
import type { CronAddInput } from "../../../src/core/cron/cron-input.ts";
import type { CronJob, CronRun } from "../../../src/core/cron/cron-job.ts";
import type { FakeModelServer } from "../../fakes/fake-model-server.ts";
import { WAKING_NOTICE } from "../../../src/engines/aws/agentcore/invoke-runtime.ts";
import type { TelegramFake } from "../../fakes/telegram-bot-api.ts";

/** The webhook secret every world registers with the Bot API. */
export const SECRET = "behaviour-webhook-secret-0123";

/** The owner (the main session). */
export const OWNER = 1001;

/** Senders allowed by config: each test takes fresh ones from here (one chat each). */
export const ALLOWED_FIRST = 3000;
export const ALLOWED_COUNT = 400;

/** Engine-neutral handles on a running engine. */
export interface ChatWorld {
  readonly engine: "daemon" | "aws";
  readonly telegram: TelegramFake;
  readonly model: FakeModelServer;
  /** POSTs the update to the engine's Telegram webhook with the secret, as Telegram does: the HTTP status. */
  post(update: Update): Promise<number>;
  /** Approves a pairing code as the owner does (`agent-claw pairing approve telegram CODE`). */
  approvePairing(code: string): Promise<void>;
  /** Resolves once nothing is queued, running or stored undelivered; rejects after `timeoutMs`. */
  quiet(timeoutMs?: number): Promise<void>;
  /** Message bodies in the dead-letter queue (the daemon has none: it acks a job that failed for good). */
  deadLetters(): Promise<unknown[]>;
  close(): Promise<void>;
}

/** A world whose scheduler the test fires. */
export interface ScheduleWorld extends ChatWorld {
  /** The engine's time now. */
  now(): number;
  addJob(input: CronAddInput): Promise<CronJob>;
  runs(jobId: string): Promise<CronRun[]>;
  removeJob(jobId: string): Promise<void>;
  /** Writes a file of the assistant's workspace (HEARTBEAT.md, ...). */
  writeWorkspace(path: string, text: string): Promise<void>;
  /**
   * Lets memory finish what it does on its own time: on AWS, AgentCore's extraction of recorded turns
   * into records (minutes after a turn there; now, in the stand-in). The daemon's index is current already.
   */
  settleMemory(): Promise<void>;
  /**
   * Moves time to `at` and fires every schedule due by then; resolves once the firings are handled
   * (their turns may still run: wait with quiet()). `twice`: each firing is delivered a second time.
   */
  fire(at: number, options?: { twice?: boolean }): Promise<void>;
}

/** A world whose runner can be killed in the middle of a turn. */
export interface CrashWorld extends ChatWorld {
  /** Kills whatever runs the turn now (its invocation or process) and lets the engine carry on. */
  killRunner(): Promise<void>;
}

let nextChat = ALLOWED_FIRST;

/** `count` fresh allowed private chats (their ids are also the senders' ids). */
export function freshChats(count: number): number[] {
  if (nextChat + count > ALLOWED_FIRST + ALLOWED_COUNT) throw new Error("behaviour suite: out of chats");
  const ids = Array.from({ length: count }, (_, i) => nextChat + i);
  nextChat += count;
  return ids;
}

/** The telegram channel settings every world starts with. */
export function telegramSettings(): Record<string, unknown> {
  const allowed = Array.from({ length: ALLOWED_COUNT }, (_, i) => String(ALLOWED_FIRST + i));
  return {
    mode: "webhook",
    webhookSecret: SECRET,
    webhookUrl: "https://claw.example.com/telegram/webhook",
    allowFrom: [String(OWNER), ...allowed],
    owners: [String(OWNER)],
    streaming: false,
  };
}

/** What reading a chat needs of a world: its Telegram (aws dev's own tests have no more). */
export type ChatView = Pick<ChatWorld, "telegram">;

/**
 * The texts of the bot's messages in a chat as the person sees them now, oldest first: a message the
 * bot edited counts once with its last text (with turns in AgentCore a "Waking up…" notice is sent
 * first and edited into the reply).
 */
export function repliesTo(world: ChatView, chat: number): string[] {
  return world.telegram
    .botMessages(chat)
    .flatMap((message) => (message.text === undefined ? [] : [message.text]));
}

/**
 * Whether a message is still the "Waking up…" notice a slow cold start shows (with the preview's " …"
 * after it), waiting to be edited into the turn's reply.
 */
export const isWakingNotice = (text: string) => text.startsWith(WAKING_NOTICE);

/**
 * Waits until the chat shows `count` replies (a notice not yet replaced does not count); their texts.
 * Polled on the fake's own records: a reply may arrive as a new message or as the edit of a notice.
 */
export async function waitForReplies(
  world: ChatView,
  chat: number,
  count: number,
  timeoutMs = 20_000,
): Promise<string[]> {
  return waitForChat(world, chat, (replies) => replies.length >= count, timeoutMs, `${count} replies`);
}

/** Waits until the chat's replies (notices left out) satisfy `done`; they are returned. */
export async function waitForChat(
  world: ChatView,
  chat: number,
  done: (replies: string[]) => boolean,
  timeoutMs = 20_000,
  what = "the replies it waits for",
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = repliesTo(world, chat);
    const replies = shown.filter((text) => !isWakingNotice(text));
    if (replies.length === shown.length && done(replies)) return replies;
    if (Date.now() > deadline) {
      throw new Error(
        `chat ${chat} did not get ${what} within ${timeoutMs} ms; it shows ${JSON.stringify(shown)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** How many model requests had `needle` in their last user message. */
export function modelCallsAbout(world: ChatWorld, needle: string): number {
  return world.model.requests.filter((r) => (r.lastUserText ?? "").includes(needle)).length;
}
