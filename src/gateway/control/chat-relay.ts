// Follows the turns of messages sent with chat.send and fans their events out as `chat` events: to
// the connection that sent each message and to every connection that sent one in the same session.
// One hub subscription and one outcome wait per job, dropped when nobody listens any more.
import type { AgentEvent, ApprovalOutcome } from "../../core/agent/events.ts";
import type { TokenUsage } from "../../core/transcript.ts";
import type { OutboxRecord } from "../../ports/outbox.ts";
import type { EventHub } from "../event-hub.ts";

/** The payload of a `chat` event. */
export type ChatEvent = { jobId: string; sessionKey: string } & (
  | { state: "delta"; text: string }
  | { state: "tool"; name: string; input: unknown }
  | { state: "final"; text: string; usage: TokenUsage }
  | { state: "error"; message: string }
  | { state: "approval"; id: string; tool: string; summary: string; expiresAt: number; always: boolean }
  | { state: "approval_result"; id: string; outcome: ApprovalOutcome }
);

/** A connection as the relay sees it. */
export interface ChatRecipient {
  readonly closed: boolean;
  /** Contract: never throws. */
  emit(event: "chat", payload: ChatEvent): void;
}

/** One sender's hold on a followed job. */
export interface ChatFollow {
  /** Lets the job's events flow (held until every sender released). Safe to call twice. */
  release(): void;
  /** The submit failed: stop following for this sender (the job is dropped when nobody else sent it). */
  cancel(): void;
}

export interface ChatRelay {
  /**
   * Follows a job for `sender`, who from now on also watches the job's session. Call it before the
   * job is submitted so no event is missed; its events are held until `release()`.
   */
  follow(job: { id: string; sessionKey: string }, sender: ChatRecipient): ChatFollow;
  /** Forgets a closed connection; a job nobody hears about any more stops being followed. */
  drop(client: ChatRecipient): void;
  /** Jobs followed now (for leak checks). */
  readonly following: number;
}

export interface ChatRelayOptions {
  events: Pick<EventHub, "subscribe">;
  /** The runner's outcome wait. Contract: rejects when `signal` aborts. */
  outcome(id: string, signal: AbortSignal): Promise<OutboxRecord>;
  /** Aborts every wait when the gateway shuts down. */
  shutdown: AbortSignal;
}

interface Followed {
  job: { id: string; sessionKey: string };
  senders: Set<ChatRecipient>;
  holds: number;
  held: ChatEvent[];
  controller: AbortController;
  unsubscribe: () => void;
}

function chatEventFor(job: Followed["job"], event: AgentEvent): ChatEvent | undefined {
  const base = { jobId: job.id, sessionKey: job.sessionKey };
  if (event.type === "text_delta") return { ...base, state: "delta", text: event.text };
  if (event.type === "tool_call") return { ...base, state: "tool", name: event.name, input: event.input };
  if (event.type === "approval") {
    const { id, tool, summary, expiresAt, always } = event;
    return { ...base, state: "approval", id, tool, summary, expiresAt, always };
  }
  if (event.type === "approval_result")
    return { ...base, state: "approval_result", id: event.id, outcome: event.outcome };
  return undefined;
}

export function createChatRelay(options: ChatRelayOptions): ChatRelay {
  const followed = new Map<string, Followed>();
  const watchers = new Map<string, Set<ChatRecipient>>();

  const recipients = (entry: Followed): Set<ChatRecipient> => {
    const all = new Set([...entry.senders, ...(watchers.get(entry.job.sessionKey) ?? [])]);
    for (const client of all) if (client.closed) all.delete(client);
    return all;
  };

  const deliver = (entry: Followed, payload: ChatEvent) => {
    if (entry.holds > 0) entry.held.push(payload);
    else for (const client of recipients(entry)) client.emit("chat", payload);
  };

  const unfollow = (entry: Followed) => {
    if (followed.get(entry.job.id) !== entry) return;
    followed.delete(entry.job.id);
    entry.unsubscribe();
    entry.controller.abort(new Error("nobody follows this job any more"));
  };

  const start = (job: Followed["job"]): Followed => {
    const entry: Followed = {
      job,
      senders: new Set(),
      holds: 0,
      held: [],
      controller: new AbortController(),
      unsubscribe: () => {},
    };
    followed.set(job.id, entry);
    entry.unsubscribe = options.events.subscribe({ jobId: job.id }, (hubEvent) => {
      // Messages collected into one turn: its events go out once, under the first followed job.
      if (hubEvent.jobIds.find((id) => followed.has(id)) !== job.id) return;
      const payload = chatEventFor(job, hubEvent.event);
      if (payload) deliver(entry, payload);
    });
    const signal = AbortSignal.any([entry.controller.signal, options.shutdown]);
    options.outcome(job.id, signal).then(
      (record) => {
        const base = { jobId: job.id, sessionKey: job.sessionKey };
        deliver(
          entry,
          record.status === "done"
            ? { ...base, state: "final", text: record.reply, usage: record.usage }
            : { ...base, state: "error", message: record.reply },
        );
        unfollow(entry);
      },
      () => unfollow(entry),
    );
    return entry;
  };

  return {
    follow(job, sender) {
      if (sender.closed) return { release() {}, cancel() {} };
      const watching = watchers.get(job.sessionKey) ?? new Set();
      watching.add(sender);
      watchers.set(job.sessionKey, watching);
      const entry = followed.get(job.id) ?? start(job);
      entry.senders.add(sender);
      entry.holds++;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        entry.holds--;
        if (entry.holds > 0) return;
        const held = entry.held.splice(0);
        for (const payload of held) for (const client of recipients(entry)) client.emit("chat", payload);
      };
      return {
        release,
        cancel() {
          release();
          entry.senders.delete(sender);
          if (entry.senders.size === 0) unfollow(entry);
        },
      };
    },

    drop(client) {
      for (const [key, set] of watchers) {
        set.delete(client);
        if (set.size === 0) watchers.delete(key);
      }
      for (const entry of [...followed.values()]) {
        entry.senders.delete(client);
        if (recipients(entry).size === 0) unfollow(entry);
      }
    },

    get following() {
      return followed.size;
    },
  };
}
