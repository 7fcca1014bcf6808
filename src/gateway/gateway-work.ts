// The daemon's work: the job runner draining the queue through processDeliveries, the channels its
// outcomes are delivered to (awaited), web notices, the after-turn work stored with each job, the
// heartbeat and the cron executor. The runner Lambda builds the same pieces over the same core.
import type { ChannelRegistry } from "../channels/registry.ts";
import type { Config } from "../config/schema.ts";
import { createCronExecutor } from "../core/cron/cron-executor.ts";
import type { CronExecute } from "../core/cron/cron-service.ts";
import { createHeartbeat, type Heartbeat } from "../core/heartbeat/heartbeat.ts";
import { readHeartbeatChecklist } from "../core/heartbeat/heartbeat-text.ts";
import { createAfterTurn } from "../core/intake/after-turn.ts";
import type { IntakeGate } from "../core/intake/intake-gate.ts";
import { createJobRunner, type JobRunner } from "../core/intake/job-runner.ts";
import type { TurnJob } from "../core/intake/turn-job.ts";
import type { LastRoute } from "../core/last-route.ts";
import { mainSessionKey } from "../core/session-key.ts";
import type { TurnRequest, TurnResult } from "../core/turn/run-turn.ts";
import type { LocalAssistant } from "../engines/local/assistant.ts";
import type { OutboxRecord } from "../ports/outbox.ts";
import { type EventHub, noticeFor } from "./event-hub.ts";
import { heartbeatSettings } from "./heartbeat-settings.ts";

export interface GatewayWorkDeps {
  assistant: LocalAssistant;
  config(): Config;
  /** The channels running here (read on every use: they register after this is built). */
  channels(): ChannelRegistry;
  events: EventHub;
  intake: IntakeGate;
  lastRoute: LastRoute;
  /** Runs one turn (the assistant's, with the channel's preparation and approvals). */
  runTurn(request: TurnRequest): Promise<TurnResult>;
  /** Aborted when the gateway starts to stop: a hook callback in flight is retried by the next start. */
  stopping: AbortSignal;
  /** Overrides every retry wait (tests: 0). */
  retryDelayMs?: number;
  log(level: "info" | "warn" | "error", message: string): void;
  redact(text: string): string;
}

export interface GatewayWork {
  runner: JobRunner;
  heartbeat: Heartbeat;
  cronExecute: CronExecute;
}

export function createGatewayWork(deps: GatewayWorkDeps): GatewayWork {
  const { assistant, log } = deps;
  const { ports } = assistant;
  const settings = () => heartbeatSettings(deps.config().heartbeat, () => assistant.timeZone);
  const noticed = new Set<string>();

  /** Sends a stored outcome to the channel of its address; the web chat reads the session instead. */
  const deliverToChannel = async (record: OutboxRecord, job: TurnJob, turnJobs: TurnJob[]) => {
    const id = record.deliverTo?.channel;
    if (id === undefined || id === "web") return;
    const channel = deps.channels().get(id);
    if (!channel) throw new Error(`cannot deliver to the ${id} channel: it does not run here`);
    await channel.deliver(record, job, turnJobs);
  };

  const retry = deps.retryDelayMs;
  const runner: JobRunner = createJobRunner({
    intake: deps.intake,
    queue: ports.queue,
    outbox: ports.outbox,
    clock: ports.clock,
    runTurn: deps.runTurn,
    runCommand: (job) => {
      const channel = deps.channels().get(job.channel.channel);
      if (!channel) throw new Error(`no ${job.channel.channel} channel runs here to answer /${job.command}`);
      return channel.runCommand(job);
    },
    deliver: async (record, job, turnJobs) => {
      // Heartbeats, reminders, hooks and cron turns are shown live in the web chats (once per process).
      if (!noticed.has(record.key)) {
        noticed.add(record.key);
        if (noticed.size > 1_000) noticed.delete(noticed.values().next().value!);
        const notice = noticeFor(record, job, deps.config().heartbeat.ackMaxChars, turnJobs);
        if (notice) deps.events.notify(notice);
      }
      await deliverToChannel(record, job, turnJobs);
    },
    afterTurn: (record, job, attempt) => afterTurn(record, job, attempt),
    maxConcurrent: deps.config().lanes.maxConcurrent,
    ...(retry !== undefined && { retryDelayMs: retry, deliveryRetryDelaysMs: [retry, retry, retry] }),
    onEvent: (jobs, event) => {
      deps.events.publish(jobs, event);
      // Typing and previews go to the chat the reply goes to (a cron turn's too).
      const to = jobs.at(-1)?.deliverTo?.channel;
      if (to) deps.channels().get(to)?.onEvent(jobs, event);
    },
    log,
    redact: deps.redact,
  });

  const heartbeat = createHeartbeat({
    clock: ports.clock,
    settings,
    sessionKey: mainSessionKey(),
    readChecklist: () => readHeartbeatChecklist(ports.workspace),
    cron: ports.cron,
    claims: ports.claims,
    submit: (job) => runner.submit(job),
    log,
  });
  const afterTurn = createAfterTurn({
    clock: ports.clock,
    outbox: ports.outbox,
    claims: ports.claims,
    cron: ports.cron,
    heartbeat: settings,
    lastRoute: () => deps.lastRoute.target(),
    deliver: deliverToChannel,
    finishRun: (run, result) => assistant.cron.finishRun(run, result),
    wakeHeartbeat: (reason) => heartbeat.wake(reason),
    onHeartbeat: (outcome) => heartbeat.settled(outcome),
    signal: deps.stopping,
    log,
  });
  const cronExecute = createCronExecutor({
    clock: ports.clock,
    cron: ports.cron,
    mainSessionKey: mainSessionKey(),
    submit: (job) => runner.submit(job),
    lastRoute: () => deps.lastRoute.target(),
    wakeHeartbeat: (reason) => heartbeat.wake(reason),
  });
  return { runner, heartbeat, cronExecute };
}
