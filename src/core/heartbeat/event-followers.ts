// Who waits on a system event: a cron reminder's run follows its event until the heartbeat beat that
// took it ends, so the run can say whether the reminder reached the user.
import type { HeartbeatOutcome } from "./heartbeat.ts";

/** One follow of one event. */
export interface EventFollow {
  /** The outcome of the beat that took the event; rejects when that beat broke after taking it. */
  outcome: Promise<HeartbeatOutcome>;
  /** Stops following (the promise then never settles). */
  cancel(): void;
}

export interface EventFollowers {
  follow(eventId: string): EventFollow;
  /** The beat that took the events `ids` ended with `result`: their followers hear it, once. */
  tell(ids: readonly string[], result: HeartbeatOutcome | Error): void;
}

export function createEventFollowers(): EventFollowers {
  const followers = new Map<string, Set<(result: HeartbeatOutcome | Error) => void>>();
  return {
    follow(eventId) {
      let listener!: (result: HeartbeatOutcome | Error) => void;
      const outcome = new Promise<HeartbeatOutcome>((resolve, reject) => {
        listener = (result) => (result instanceof Error ? reject(result) : resolve(result));
      });
      const set = followers.get(eventId) ?? new Set();
      set.add(listener);
      followers.set(eventId, set);
      return {
        outcome,
        cancel() {
          set.delete(listener);
          if (set.size === 0 && followers.get(eventId) === set) followers.delete(eventId);
        },
      };
    },
    tell(ids, result) {
      for (const id of ids) {
        for (const listener of followers.get(id) ?? []) listener(result);
        followers.delete(id);
      }
    },
  };
}
