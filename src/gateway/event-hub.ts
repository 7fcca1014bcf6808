// In-process pub/sub for what turns emit, so a WebSocket client or an SSE response can follow the
// turn of the message it sent (by job id) or everything in a session (by session key); and notices
// of the turns no person started (heartbeat, reminders, hooks, cron), for every web chat.
import type { AgentEvent } from "../core/agent/events.ts";
import { isQuietReply } from "../core/heartbeat/heartbeat-text.ts";
import type { TurnJob } from "../core/intake/turn-job.ts";
import type { EntryOrigin } from "../core/transcript.ts";
import { originNote } from "../core/transcript-text.ts";
import type { OutboxRecord } from "../ports/outbox.ts";

export interface HubEvent {
  /** The jobs whose turn this is (several when messages were collected into one turn). */
  jobIds: string[];
  sessionKey: string;
  event: AgentEvent;
}

export type HubListener = (event: HubEvent) => void;

/** An internal turn ended: the `notice` event's payload (docs/gateway-protocol.md). */
export interface Notice {
  jobId: string;
  sessionKey: string;
  origin: EntryOrigin;
  /** What its marker shows: the events a reminder relays, a hook's or cron job's message. */
  note: string;
  status: "done" | "failed";
  /** The assistant's reply (for "failed", what went wrong). */
  reply: string;
  /** The reply only said HEARTBEAT_OK: nothing to tell the user. */
  quiet: boolean;
  at: number;
}

/**
 * The notice for a stored outcome, or undefined when a person sent the job's message or one collected
 * into the same turn (`turnJobs`): that person's chat shows the turn and its reply already.
 */
export function noticeFor(
  record: OutboxRecord,
  job: TurnJob,
  ackMaxChars: number,
  turnJobs: readonly TurnJob[] = [job],
): Notice | undefined {
  const origin = job.message.internal;
  if (!origin || turnJobs.some((j) => !j.message.internal)) return undefined;
  const beat = origin === "heartbeat" || origin === "reminder";
  return {
    jobId: job.id,
    sessionKey: job.sessionKey,
    origin,
    note: originNote(origin, job.message.text),
    status: record.status,
    reply: record.reply,
    quiet: beat && record.status === "done" && isQuietReply(record.reply, ackMaxChars),
    at: record.createdAt,
  };
}

export interface EventHub {
  publish(jobs: TurnJob[], event: AgentEvent): void;
  /** Listens to one job's turn, one session, or (no filter) everything. Returns the unsubscribe. */
  subscribe(filter: { jobId?: string; sessionKey?: string }, listener: HubListener): () => void;
  notify(notice: Notice): void;
  /** Listens to every notice. Returns the unsubscribe. */
  onNotice(listener: (notice: Notice) => void): () => void;
}

export function createEventHub(): EventHub {
  const listeners = new Set<{ filter: { jobId?: string; sessionKey?: string }; listener: HubListener }>();
  const noticeListeners = new Set<(notice: Notice) => void>();
  return {
    notify(notice) {
      for (const listener of noticeListeners) {
        try {
          listener(notice);
        } catch {
          // one broken listener must not starve the others
        }
      }
    },
    onNotice(listener) {
      noticeListeners.add(listener);
      return () => noticeListeners.delete(listener);
    },
    publish(jobs, event) {
      if (jobs.length === 0 || listeners.size === 0) return;
      const hubEvent: HubEvent = { jobIds: jobs.map((j) => j.id), sessionKey: jobs[0]!.sessionKey, event };
      for (const { filter, listener } of listeners) {
        if (filter.jobId && !hubEvent.jobIds.includes(filter.jobId)) continue;
        if (filter.sessionKey && filter.sessionKey !== hubEvent.sessionKey) continue;
        try {
          listener(hubEvent);
        } catch {
          // one broken listener must not starve the others
        }
      }
    },
    subscribe(filter, listener) {
      const entry = { filter, listener };
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
  };
}
