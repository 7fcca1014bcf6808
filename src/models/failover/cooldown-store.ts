// Where failover remembers which key or model is cooling down: in the process for the local engine (one
// daemon makes every call), through the Values port on AWS so every Lambda and runtime skips the same ones.
import type { ModelErrorKind } from "../../core/agent/model-error-kind.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Values } from "../../ports/values.ts";

/** One cooling subject (a key, or a model with a key). */
export interface Cooldown {
  /** Clock milliseconds when the subject may be tried again. */
  until: number;
  /** Failures in a row: each one lengthens the next cooldown. */
  strikes: number;
  /** What the last failure was, for logs and status. */
  kind: ModelErrorKind;
}

/** Cooldown records by subject. Subjects never contain a key, only its hash (provider-credentials.ts). */
export interface CooldownStore {
  /** Contract: the record, or undefined when there is none or it was forgotten; never throws for a missing one. */
  get(subject: string): Promise<Cooldown | undefined>;
  /** Contract: replaces the record; it may be forgotten once `keepMs` have passed. */
  put(subject: string, cooldown: Cooldown, keepMs: number): Promise<void>;
  /** Contract: forgets the record; forgetting a missing one is not an error. */
  clear(subject: string): Promise<void>;
}

/** Records in this process's memory, forgotten by the clock. A restart forgets them, which only costs a retry. */
export function createMemoryCooldownStore(clock: Pick<Clock, "now">): CooldownStore {
  const records = new Map<string, { cooldown: Cooldown; forgetAt: number }>();
  return {
    async get(subject) {
      const held = records.get(subject);
      if (held && held.forgetAt <= clock.now()) records.delete(subject);
      return held && held.forgetAt > clock.now() ? held.cooldown : undefined;
    },
    async put(subject, cooldown, keepMs) {
      records.set(subject, { cooldown, forgetAt: clock.now() + keepMs });
    },
    async clear(subject) {
      records.delete(subject);
    },
  };
}

const PREFIX = "model-cooldown:";

/** Records as Values items (`model-cooldown:<subject>`, with a ttl), shared by every process of a deployment. */
export function createValuesCooldownStore(values: Values): CooldownStore {
  return {
    get: (subject) => values.get<Cooldown>(PREFIX + subject),
    put: (subject, cooldown, keepMs) => values.put(PREFIX + subject, cooldown, { ttlMs: keepMs }),
    clear: (subject) => values.remove(PREFIX + subject),
  };
}
