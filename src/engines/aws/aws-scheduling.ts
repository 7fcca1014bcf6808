// The heartbeat and the cron jobs on the aws engine, for the runner and the schedule handlers. No timers:
// EventBridge Scheduler fires the beats and the jobs, and a wake (a system event posted) beats at once,
// awaited, because a Lambda frozen after its answer would never run a coalescing timer.
import { createCronExecutor } from "../../core/cron/cron-executor.ts";
import type { CronExecute, CronService } from "../../core/cron/cron-service.ts";
import { createHeartbeat, type Heartbeat } from "../../core/heartbeat/heartbeat.ts";
import { readHeartbeatChecklist } from "../../core/heartbeat/heartbeat-text.ts";
import { mainSessionKey } from "../../core/session-key.ts";
import { heartbeatSettings } from "../../gateway/heartbeat-settings.ts";
import { systemTimeZone } from "../assistant-settings.ts";
import { createEngineCron } from "../engine-cron.ts";
import type { AwsEngine } from "./aws-engine.ts";

/** The user's zone as the assistant works it out (agent.timezone, else the process's: UTC on Lambda). */
export const awsTimeZone = (engine: AwsEngine) => systemTimeZone(engine.config);

export interface AwsScheduling {
  heartbeat: Heartbeat;
  /** What a cron firing does: queue its turn or post its system event (and beat). */
  execute: CronExecute;
  /** Beats now for a system event (the aws engine's wake). */
  wake(reason: string): Promise<void>;
}

/** The cron service over the engine's store and alarm, as createAssistant builds it (for the schedule handler). */
export function awsCronService(engine: AwsEngine): CronService {
  return createEngineCron(engine.ports, {
    config: engine.config,
    timeZone: () => awsTimeZone(engine),
    log: engine.log,
  });
}

export function awsScheduling(engine: AwsEngine): AwsScheduling {
  const { ports, config } = engine;
  const heartbeat = createHeartbeat({
    clock: ports.clock,
    settings: () => heartbeatSettings(config.heartbeat, () => awsTimeZone(engine)),
    sessionKey: mainSessionKey(),
    readChecklist: () => readHeartbeatChecklist(ports.workspace),
    cron: ports.cron,
    claims: ports.claims,
    submit: engine.submit,
    log: engine.log,
  });
  const wake = async (reason: string) => {
    const outcome = await heartbeat.beat("wake");
    engine.log(
      "info",
      `heartbeat woken (${reason}): ${outcome.ran ? `turn ${outcome.turnId}` : outcome.reason}`,
    );
  };
  const execute = createCronExecutor({
    clock: ports.clock,
    cron: ports.cron,
    mainSessionKey: mainSessionKey(),
    submit: engine.submit,
    lastRoute: () => engine.lastRoute.target(),
    wakeHeartbeat: wake,
  });
  return { heartbeat, execute, wake };
}
