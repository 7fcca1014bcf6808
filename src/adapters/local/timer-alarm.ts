// The local engine's Alarm: one timer at the earliest moment any job needs looking at (a due time,
// or a running job's stuck deadline), re-armed whenever a job changes here or in another process
// (the store's change signal, watched through the file system rather than polled).
import { watch as watchFile, writeFileSync } from "node:fs";
import type { Alarm } from "../../ports/alarm.ts";
import type { Clock } from "../../ports/clock.ts";
import { PRIVATE_FILE_MODE } from "../../util/private-files.ts";
import type { SqliteCronStore } from "../sqlite/cron-store.ts";

export interface TimerAlarmOptions {
  store: Pick<SqliteCronStore, "nextWake" | "onChange">;
  clock: Clock;
  /** A running job not finished this long after it started is due for the sweep. */
  stuckMs: number;
  /** The file the store touches on every change (see SqliteCronStoreOptions.changeSignal). */
  changeSignal?: string;
}

/** A timer alarm always watches (see Alarm.watch). */
export type TimerAlarm = Required<Alarm>;

/**
 * The longest single sleep: the timer is re-armed at least this often, so a wall-clock change or a
 * machine waking from suspend makes a job late by at most a minute (one cheap query, not polling).
 */
const MAX_SLEEP_MS = 60_000;
/**
 * How long the alarm waits after an onWake failed (it could not save: a full disk), or left the same
 * moment due (a job it could not move on), before the next: a pause, not a loop that starves the process.
 */
const RETRY_WAKE_MS = 10_000;

export function createTimerAlarm(options: TimerAlarmOptions): TimerAlarm {
  const { store, clock, stuckMs, changeSignal } = options;
  const rearms = new Set<() => void>();
  const rearmAll = () => {
    for (const rearm of rearms) rearm();
  };
  store.onChange(rearmAll);

  return {
    // The store's change already re-armed the timer; set and clear make sure of it.
    async set() {
      rearmAll();
    },
    async clear() {
      rearmAll();
    },

    watch(onWake, signal) {
      let sleeping: AbortController | undefined;
      let scheduled = false;
      let waking = false;
      /** The moment the last wake-up was for: still due after it means it could not move on. */
      let lastWoken: number | undefined;

      const wake = () => {
        waking = true;
        void onWake().then(
          () => {
            waking = false;
            rearm();
          },
          () =>
            clock.sleep(RETRY_WAKE_MS, signal).then(
              () => {
                waking = false;
                // The pause is over: the same moment may be woken for again.
                lastWoken = undefined;
                rearm();
              },
              () => {},
            ),
        );
      };

      const arm = () => {
        scheduled = false;
        sleeping?.abort();
        sleeping = undefined;
        if (signal.aborted || waking) return;
        const next = store.nextWake(stuckMs);
        if (next === undefined) return;
        const wait = next - clock.now();
        if (wait <= 0 && next !== lastWoken) {
          lastWoken = next;
          return wake();
        }
        const controller = new AbortController();
        sleeping = controller;
        const pause = wait <= 0 ? RETRY_WAKE_MS : Math.min(wait, MAX_SLEEP_MS);
        clock.sleep(pause, controller.signal).then(
          () => {
            if (sleeping !== controller) return;
            if (wait <= 0) lastWoken = undefined;
            arm();
          },
          () => {},
        );
      };

      // Many changes in a row (a bulk import) re-arm once; changes during a wake-up are seen after it.
      const rearm = () => {
        if (scheduled || waking || signal.aborted) return;
        scheduled = true;
        queueMicrotask(arm);
      };

      rearms.add(rearm);
      let watcher: ReturnType<typeof watchFile> | undefined;
      if (changeSignal) {
        try {
          writeFileSync(changeSignal, String(clock.now()), { flag: "a", mode: PRIVATE_FILE_MODE });
          watcher = watchFile(changeSignal, { persistent: false }, rearm);
        } catch {
          // No file watching here: other processes' changes are seen within MAX_SLEEP_MS.
        }
      }
      signal.addEventListener(
        "abort",
        () => {
          rearms.delete(rearm);
          sleeping?.abort();
          watcher?.close();
        },
        { once: true },
      );
      rearm();
    },
  };
}
