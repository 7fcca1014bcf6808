// The daemon as a ChatWorld: the gateway in-process, Telegram in webhook mode, on a temporary home,
// against the fake Bot API and a fake model. With a fake clock it is also a ScheduleWorld.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { expect } from "vitest";
import { type RunningGateway, startGateway } from "../../../src/gateway/server.ts";
import type { FakeClock } from "../../../src/util/fake-clock.ts";
import { startOpenAIChatFake } from "../../fakes/openai-chat-server.ts";
import { startTelegramFake } from "../../fakes/telegram-bot-api.ts";
import { type ChatWorld, type ScheduleWorld, SECRET, telegramSettings } from "./chat-world.ts";

export interface DaemonWorldOptions {
  /** Drives the gateway's time (cron, heartbeat): needed for fire(). */
  clock?: FakeClock;
  /** Config beside channels.telegram. */
  config?: Record<string, unknown>;
}

export interface DaemonWorld extends ScheduleWorld {
  readonly home: string;
  readonly gateway: RunningGateway;
}

const OWNER_SCOPE = { kind: "owner" } as const;

/** Starts a gateway world; close() stops everything and removes the home. */
export async function startDaemonWorld(options: DaemonWorldOptions = {}): Promise<DaemonWorld> {
  const home = await mkdtemp(join(tmpdir(), "ac-behaviour-daemon-"));
  const [model, telegram] = await Promise.all([startOpenAIChatFake(), startTelegramFake()]);
  await writeFile(
    join(home, "config.json"),
    JSON.stringify({ channels: { telegram: telegramSettings() }, ...options.config }),
  );
  const env = {
    AGENT_CLAW_HOME: home,
    AGENT_CLAW_MODEL: "openai-compatible/fake",
    OPENAI_COMPATIBLE_BASE_URL: model.url,
    AGENT_CLAW_GATEWAY_TOKEN: "test-token-0123456789",
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.url,
    TZ: "UTC",
  };
  const start = () =>
    startGateway({
      env,
      port: 0,
      retryDelayMs: 0,
      write: () => {},
      ...(options.clock && { clock: options.clock }),
    });
  let gateway = await start();
  // A second connection, read-only, to see what the gateway's queue still holds.
  const state = new DatabaseSync(join(home, "state.db"), { readOnly: true });
  const queued = state.prepare("SELECT grp, attempts, visible_at, receipt FROM queue_messages");
  const cron = () => gateway.ctx.assistant.cron;

  /** What keeps the engine busy, in words; "" when idle. */
  const busy = async () => {
    const rows = queued.all().map((row) => JSON.stringify(row));
    // Outcomes for a chat not sent yet (heartbeat and web outcomes have no address: nothing to send).
    const undelivered = (await gateway.ctx.assistant.ports.outbox.undelivered(500)).filter(
      (record) => record.deliverTo !== undefined,
    );
    const running = gateway.ctx.runner.running;
    return [
      ...(rows.length > 0 ? [`queued: ${rows.join(", ")}`] : []),
      ...(running > 0 ? [`turns running: ${running}`] : []),
      ...(undelivered.length > 0 ? [`undelivered: ${undelivered.map((r) => r.key).join(", ")}`] : []),
    ].join("; ");
  };

  const world: DaemonWorld = {
    engine: "daemon",
    home,
    telegram,
    model,
    get gateway() {
      return gateway;
    },
    async post(update) {
      const response = await fetch(`${gateway.url}/telegram/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify(update),
      });
      return response.status;
    },
    async approvePairing(code) {
      const approved = await gateway.ctx.assistant.ports.pairings.approve("telegram", code);
      if (!approved) throw new Error(`no pending pairing request with code ${code}`);
    },
    async quiet(timeoutMs = 20_000) {
      await expect.poll(busy, { timeout: timeoutMs, interval: 20 }).toBe("");
    },
    deadLetters: async () => [],
    now: () => gateway.ctx.assistant.ports.clock.now(),
    addJob: (input) => cron().add(input, OWNER_SCOPE),
    runs: (jobId) => cron().runs(jobId, OWNER_SCOPE),
    async removeJob(jobId) {
      await cron().remove(jobId, OWNER_SCOPE);
    },
    writeWorkspace: (path, text) => gateway.ctx.assistant.ports.workspace.write(path, text),
    settleMemory: async () => {},
    async fire(at, fireOptions = {}) {
      const clock = options.clock;
      if (!clock) throw new Error("daemon world: fire() needs the world started with a fake clock");
      const due = (await cron().list(OWNER_SCOPE)).filter(
        (job) => job.enabled && job.state.nextRunAt !== undefined && job.state.nextRunAt <= at,
      );
      const { heartbeat } = gateway.ctx;
      const beatDue = heartbeat.nextAt !== undefined && heartbeat.nextAt <= at;
      const lastBeat = heartbeat.last?.at;
      await clock.advance(Math.max(0, at - clock.now()));
      // Handled: each due job started or ran, and the heartbeat beat if one was due.
      const handled = async () => {
        const jobs = await Promise.all(due.map((job) => cron().get(job.id, OWNER_SCOPE)));
        const started = jobs.every(
          (job, i) =>
            job.state.running !== undefined || (job.state.lastRunAt ?? 0) >= due[i]!.state.nextRunAt!,
        );
        return started && (!beatDue || heartbeat.last?.at !== lastBeat);
      };
      await expect.poll(handled, { timeout: 10_000, interval: 10 }).toBe(true);
      if (fireOptions.twice) {
        // The daemon's alarm is one timer in one process: the same slot comes again only when the
        // gateway starts again at that instant (a crash right after the firing) and catches up.
        await gateway.close();
        gateway = await start();
      }
    },
    async close() {
      state.close();
      await gateway.close();
      await Promise.all([telegram.close(), model.close()]);
      await rm(home, { recursive: true, force: true });
    },
  };
  return world;
}

/** Narrows a world to the daemon's, for the few checks only it can make. */
export function isDaemon(world: ChatWorld): world is DaemonWorld {
  return world.engine === "daemon";
}
