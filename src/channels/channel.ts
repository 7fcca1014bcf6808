// The Channel contract: how a chat platform plugs in. verify and parse are pure and run on both
// engines (the gateway's webhook route and a Lambda); outbound sends replies back to a chat;
// ChannelRuntime is one running account, driven the same way by the gateway and by the Lambdas.
import type { AgentEvent } from "../core/agent/events.ts";
import type { TurnJob } from "../core/intake/turn-job.ts";
import type { InboundMessage } from "../core/messages.ts";
import type { TurnRequest } from "../core/turn/run-turn.ts";
import type { OutboxRecord } from "../ports/outbox.ts";

/** What a channel's chats can show, so delivery can adapt (chunk size, preview edits, typing). */
export interface ChannelCapabilities {
  /** Longest text one message may hold. */
  maxText: number;
  /** A sent message can be edited (streaming by editing one preview). */
  edit: boolean;
  /** A "typing…" indicator can be shown. */
  typing: boolean;
  markup: "html" | "mrkdwn" | "none";
}

/** Where a reply goes: a chat, and inside it a forum topic or the message being answered. */
export interface DeliveryTarget {
  chatId: string;
  threadId?: string;
  replyToMessageId?: string;
}

/** Sends to one account of a channel. */
export interface ChannelOutbound {
  /**
   * Contract: delivers the whole text, split to the channel's limits, formatted where it can be and
   * as plain text where the platform refuses the markup; resolves with the platform ids of the
   * messages sent, in order.
   */
  send(target: DeliveryTarget, text: string): Promise<string[]>;
  /** Contract: replaces the text of a message sent before; a no-op change is not an error. */
  edit?(target: DeliveryTarget, messageId: string, text: string): Promise<void>;
  /** Contract: shows "typing…" for a few seconds; failures are swallowed (it is only a hint). */
  typing?(target: DeliveryTarget): Promise<void>;
}

export interface Channel<Account> {
  /** "telegram" */
  readonly id: string;
  readonly capabilities: ChannelCapabilities;
  /** Contract: a constant-time check of the platform's secret or signature; runs before any parsing. */
  verify(headers: Headers, account: Account): boolean;
  /** Contract: validates the payload; [] for update kinds it ignores; never throws on unknown ones. */
  parse(body: unknown, account: Account): InboundMessage[];
  outbound(account: Account): ChannelOutbound;
}

/**
 * One channel account running in a process (the gateway, or a Lambda): takes the platform's calls,
 * queues turn jobs, and delivers their outcomes. Nothing in it assumes a long-lived process.
 */
export interface ChannelRuntime {
  /** The id the registry routes `/<id>/webhook` by ("telegram"). */
  readonly id: string;
  /**
   * An HTTP webhook call. Contract: checks the platform's secret BEFORE `body` is read (401, body never
   * read), then accepts; 200 only once every update in it is durable; rejects when one could not be
   * queued (the caller answers 5xx so that the platform retries).
   */
  webhook(headers: Headers, body: () => Promise<unknown>): Promise<{ status: number; text: string }>;
  /** Contract: resolves once every update is durable; rejects when one could not be queued (retry them all). */
  accept(updates: unknown[]): Promise<void>;
  /**
   * Sends a stored outcome to its chat and marks it delivered. Contract: resolves once the platform took
   * it (or it was delivered before); rejects when it could not, so that the caller retries.
   */
  deliver(record: OutboxRecord, job: TurnJob, turnJobs: TurnJob[]): Promise<void>;
  /** A running turn's events: typing indicators and streamed previews. Contract: never throws. */
  onEvent(jobs: TurnJob[], event: AgentEvent): void;
  /** Contract: never rejects. Readies a turn's request for this channel (its files, where send_file goes). */
  prepareTurn(request: TurnRequest): Promise<TurnRequest>;
  /** The reply to a bot-command job (`job.command`), without the model. */
  runCommand(job: TurnJob): Promise<string>;
}
