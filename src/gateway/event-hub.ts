// In-process pub/sub for what turns emit, so a WebSocket client or an SSE response can follow the
// turn of the message it sent (by job id) or everything in a session (by session key).
import type { AgentEvent } from "../core/agent/events.ts";
import type { TurnJob } from "../core/intake/turn-job.ts";

export interface HubEvent {
  /** The jobs whose turn this is (several when messages were collected into one turn). */
  jobIds: string[];
  sessionKey: string;
  event: AgentEvent;
}

export type HubListener = (event: HubEvent) => void;

export interface EventHub {
  publish(jobs: TurnJob[], event: AgentEvent): void;
  /** Listens to one job's turn, one session, or (no filter) everything. Returns the unsubscribe. */
  subscribe(filter: { jobId?: string; sessionKey?: string }, listener: HubListener): () => void;
}

export function createEventHub(): EventHub {
  const listeners = new Set<{ filter: { jobId?: string; sessionKey?: string }; listener: HubListener }>();
  return {
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
