// A local EventBridge Scheduler on loopback that the real @aws-sdk/client-scheduler talks to through
// `endpoint`: schedules and groups over restJson1, fired into a callback (the schedule Lambda) with the
// context attributes substituted, retried per RetryPolicy, one-shots deleted after completion. Time is
// the injected clock: tests call fire(now); aws dev lets it fire on its own (`auto`).
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { Clock } from "../../../ports/clock.ts";
import { route, ServiceError } from "./scheduler-emulator-api.ts";
import { createScheduleBook, type Schedule } from "./scheduler-emulator-book.ts";
import { slotAfter, substitute } from "./scheduler-emulator-timing.ts";
import { listenOnLoopback } from "../../../util/listen-loopback.ts";

/** One attempt at delivering a firing to a schedule's target. */
export interface Firing {
  schedule: string;
  group: string;
  targetArn: string;
  /** The target's Input with <aws.scheduler.*> substituted. */
  input: string;
  scheduledAt: number;
  attempt: number;
}

export interface SchedulerEmulatorOptions {
  clock: Clock;
  /** Invokes the target; a rejection is a failed attempt, retried per the schedule's RetryPolicy. */
  invoke(firing: Firing): Promise<void>;
  /** Delivers every firing twice, at once (Scheduler delivers at least once): "fires twice, runs once". */
  duplicate?: boolean;
  /** Fires due schedules by the clock on its own (aws dev); otherwise only fire() fires them (tests). */
  auto?: boolean;
  /** Told when an automatic firing fails outside the target (a bug); aws dev logs it. */
  onError?(error: unknown): void;
  /** Groups that exist from the start, besides "default". */
  groups?: string[];
  region?: string;
  accountId?: string;
}

export interface SchedulerEmulator {
  /** http://127.0.0.1:<port>, for the SDK client's `endpoint`. */
  endpoint: string;
  /** Delivers every firing due by `now` (default: the clock's now), in time order; returns the delivered ones. */
  fire(now?: number): Promise<Firing[]>;
  /** The schedules as they stand, with their next firing: for tests and aws dev's status line. */
  schedules(): Array<{ name: string; group: string; expression: string; timeZone: string; next?: number }>;
  /** Firings whose every attempt failed (sent to the DeadLetterConfig queue on AWS). */
  readonly deadLetters: Firing[];
  stop(): Promise<void>;
}

/** Scheduler's default when a schedule gives no RetryPolicy. */
const DEFAULT_RETRIES = 185;
/** The longest single sleep in auto mode, so a changed wall clock is noticed. */
const MAX_SLEEP_MS = 60_000;

export async function startSchedulerEmulator(options: SchedulerEmulatorOptions): Promise<SchedulerEmulator> {
  const { clock } = options;
  const deadLetters: Firing[] = [];
  const book = createScheduleBook({
    clock,
    region: options.region ?? "us-east-1",
    account: options.accountId ?? "000000000000",
    groups: options.groups ?? [],
    changed: () => changed(),
  });
  const { ops, schedules, key, arn } = book;

  /** One firing: attempts until one succeeds or the RetryPolicy is used up (then the dead letters). */
  async function deliver(s: Schedule, scheduledAt: number, delivered: Firing[]): Promise<void> {
    const retries = s.body.Target.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_RETRIES;
    const executionId = randomUUID();
    let last: Firing | undefined;
    for (let attempt = 1; attempt <= retries + 1; attempt++) {
      const input = substitute(s.body.Target.Input ?? "", {
        scheduleArn: arn(s.group, s.name),
        scheduledAt,
        executionId,
        attempt,
      });
      last = { schedule: s.name, group: s.group, targetArn: s.body.Target.Arn, input, scheduledAt, attempt };
      try {
        await options.invoke(last);
        delivered.push(last);
        return;
      } catch {
        // retried below, as Scheduler retries a failed invocation
      }
    }
    deadLetters.push(last!);
  }

  /** The enabled schedule with the earliest next slot. */
  const earliest = () => {
    let best: Schedule | undefined;
    for (const s of schedules.values()) {
      if ((s.body.State ?? "ENABLED") !== "ENABLED" || s.next === undefined) continue;
      if (!best || s.next < best.next!) best = s;
    }
    return best;
  };

  async function fireDue(now: number): Promise<Firing[]> {
    const delivered: Firing[] = [];
    for (let guard = 0; guard < 100_000; guard++) {
      const s = earliest();
      if (!s || s.next! > now) break;
      const slot = s.next!;
      const next = slotAfter(s.timing, slot);
      const end = s.body.EndDate === undefined ? Infinity : s.body.EndDate * 1000;
      if (next === undefined || next > end) delete s.next;
      else s.next = next;
      const copies = options.duplicate ? 2 : 1;
      await Promise.all(Array.from({ length: copies }, () => deliver(s, slot, delivered)));
      // A completed one-shot goes, unless the target changed it meanwhile (the record is then a new one).
      const current = schedules.get(key(s.group, s.name));
      if (current === s && s.next === undefined && s.body.ActionAfterCompletion === "DELETE") {
        schedules.delete(key(s.group, s.name));
      }
    }
    return delivered;
  }

  // One firing pass at a time, whether a test or the automatic timer asked for it.
  let queue: Promise<unknown> = Promise.resolve();
  const fire = (now?: number) => {
    const pass = queue.then(() => fireDue(now ?? clock.now()));
    queue = pass.catch(() => {});
    return pass;
  };

  let stopped = false;
  let sleeping: AbortController | undefined;
  function changed() {
    if (!options.auto || stopped) return;
    sleeping?.abort();
    const next = earliest()?.next;
    if (next === undefined) return;
    const controller = new AbortController();
    sleeping = controller;
    clock.sleep(Math.min(Math.max(0, next - clock.now()), MAX_SLEEP_MS), controller.signal).then(
      () => {
        if (sleeping !== controller) return;
        sleeping = undefined;
        fire().then(changed, (error: unknown) => {
          options.onError?.(error);
          changed();
        });
      },
      () => {},
    );
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://localhost");
      let status = 200;
      let payload: Record<string, unknown>;
      const headers: Record<string, string> = { "content-type": "application/json" };
      try {
        const text = Buffer.concat(chunks).toString("utf8");
        payload = route(ops, request.method ?? "GET", url, text ? JSON.parse(text) : {});
      } catch (error) {
        const e =
          error instanceof ServiceError
            ? error
            : new ServiceError("ValidationException", (error as Error).message);
        status = e.status;
        headers["x-amzn-errortype"] = e.type;
        payload = { Message: e.message };
      }
      response.writeHead(status, headers).end(JSON.stringify(payload));
    });
  });
  const origin = await listenOnLoopback(server);

  return {
    endpoint: origin,
    fire,
    deadLetters,
    schedules: () =>
      [...schedules.values()].map((s) => ({
        name: s.name,
        group: s.group,
        expression: s.body.ScheduleExpression,
        timeZone: s.body.ScheduleExpressionTimezone ?? "UTC",
        ...(s.next !== undefined && { next: s.next }),
      })),
    async stop() {
      stopped = true;
      sleeping?.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await queue;
    },
  };
}
