// Starts the gateway: the local assistant, the durable job runner, the HTTP + WebSocket server, and a
// drain on shutdown. One gateway per home folder (a pid lock), loopback unless a token is set.
import type { Server as HttpServer } from "node:http";
import { join } from "node:path";
import { WebSocketServer } from "ws";
import pkg from "../../package.json" with { type: "json" };
import { updateConfigFile } from "../config/edit.ts";
import { ConfigError } from "../config/errors.ts";
import { loadConfig } from "../config/load.ts";
import { resolvePaths } from "../config/paths.ts";
import { configSecretValues, secretsToHide } from "../config/secrets.ts";
import type { Config } from "../config/schema.ts";
import { createIntakeGate } from "../core/intake/intake-gate.ts";
import { openLocalAssistant } from "../engines/local/assistant.ts";
import type { Clock } from "../ports/clock.ts";
import { redact } from "../util/redact.ts";
import { createGatewayApp, type RouteModule } from "./app.ts";
import { allowAlwaysWith } from "./approval/allow-always.ts";
import { createApprovals } from "./approval/approvals.ts";
import { withWebApproval } from "./approval/web-approval.ts";
import { isLoopback, resolveGatewayAuth } from "./auth.ts";
import { restartNeededKeys, warnRestartNeeded, watchGatewayConfig } from "./config-reload.ts";
import { createEventHub } from "./event-hub.ts";
import type { GatewayContext } from "./gateway-context.ts";
import { createGatewayWork } from "./gateway-work.ts";
import { openLastRoute } from "./last-route.ts";
import { createLogBuffer } from "./log-buffer.ts";
import { listen } from "./listen.ts";
import { publishGatewayAddress } from "./gateway-address.ts";
import { takePidLock } from "./pid-lock.ts";
import { routeModules } from "./routes.ts";
import { type GatewayChannels, openGatewayChannels } from "./channel-host.ts";
import { createChannelRegistry } from "../channels/registry.ts";
import { withTurnLog } from "./turn-log.ts";

/** How long a stopping gateway waits for open connections before cutting them. */
const CLOSE_GRACE_MS = 2_000;

export interface GatewayOptions {
  env?: NodeJS.ProcessEnv;
  /** Overrides gateway.port (0 picks a free port). */
  port?: number;
  /** Overrides gateway.bind. */
  bind?: string;
  clock?: Clock;
  /** Where log lines go besides the buffer (default: stderr). */
  write?: (text: string) => void;
  /** Route modules to mount (default: all of them). */
  modules?: RouteModule[];
  /**
   * Wait before retrying a failed turn, times the tries so far (default 2 s); when given, also the
   * wait before each retry of a failed delivery (default 5, 30 and 120 s).
   */
  retryDelayMs?: number;
}

export interface RunningGateway {
  /** http://host:port */
  url: string;
  port: number;
  ctx: GatewayContext;
  /** Drains and stops; resolves when everything is closed. Safe to call twice. */
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const paths = resolvePaths(env);
  const initial = await loadConfig(paths, env);
  const bind = options.bind ?? initial.gateway.bind;
  const port = options.port ?? initial.gateway.port;
  const auth = await resolveGatewayAuth(env, initial, paths);
  if (!isLoopback(bind) && auth.source === "generated") {
    throw new ConfigError(
      `Refusing to listen on ${bind} without a gateway token: anyone who can reach it could use your assistant. Set AGENT_CLAW_GATEWAY_TOKEN (or gateway.token, 16+ characters), or bind to 127.0.0.1.`,
    );
  }
  const lock = await takePidLock(paths.home);

  const assistant = await openLocalAssistant({
    env,
    clock: options.clock,
    config: initial,
    checkState: true,
    secrets: [auth.token],
    // Called only when a transcript loads, after `logs` exists.
    warn: (message) => logs.log("warn", message),
  }).catch(async (error: unknown) => {
    // A damaged state.db: no gateway.pid left for `doctor --repair` to wonder about.
    await lock.release();
    throw error;
  });
  const clock = assistant.ports.clock;
  // Secrets from the environment and from config.json, kept out of log lines and stored replies.
  const secrets = [...secretsToHide(initial, env), auth.token];
  const logs = createLogBuffer({
    now: () => clock.now(),
    secrets,
    write: options.write ?? ((text) => process.stderr.write(text)),
  });
  const events = createEventHub();
  let config: Config = initial;
  let ready = false;
  let draining = false;
  const shutdown = new AbortController();
  // Aborted as soon as the gateway starts to stop: a hook callback in flight is cut short and retried
  // by the next start (the queue keeps its message).
  const stopping = new AbortController();

  // Telegram's webhook calls are acknowledged before turns start (see intake-gate.ts).
  const intake = createIntakeGate({ clock });
  const lastRoute = openLastRoute(assistant.ports.values, join(paths.home, "last-route.json"), (m) =>
    logs.log("warn", m),
  );
  const { runner, heartbeat, cronExecute } = createGatewayWork({
    assistant,
    config: () => config,
    channels: () => ctx.channels,
    events,
    intake,
    lastRoute,
    // A chat channel's turn is readied by its channel (Telegram: files downloaded first, so the model is
    // told where they are). Web and chat turns ask their owner there before exec runs a command the
    // allowlist does not cover.
    // Each turn leaves one line in the log (the Logs page): session, channel, time, tokens, outcome.
    runTurn: withTurnLog(
      async (request) =>
        assistant.turn(
          (await ctx.channels.get(request.channel.channel)?.prepareTurn(request)) ??
            withWebApproval(request, approvals),
        ),
      { clock, log: (level, message) => logs.log(level, message) },
    ),
    stopping: stopping.signal,
    ...(options.retryDelayMs !== undefined && { retryDelayMs: options.retryDelayMs }),
    log: (level, message) => logs.log(level, message),
    redact: (text) => redact(text, secrets),
  });

  const applyConfig = (next: Config) => {
    config = next;
    // A secret saved while running (the web UI's setup card, config set) is masked from now on too.
    for (const value of configSecretValues(next)) if (!secrets.includes(value)) secrets.push(value);
    assistant.reconfigure(next);
    heartbeat.reconfigure();
    void gatewayChannels.reconfigure();
  };

  const ctx: GatewayContext = {
    version: pkg.version,
    config: () => config,
    async patchConfig(patch) {
      await updateConfigFile(paths.configFile, patch);
      const effective = await loadConfig(paths, env);
      const restart = restartNeededKeys(config, effective);
      applyConfig(effective);
      logs.log("info", `config changed: ${Object.keys(patch).join(", ")}`);
      warnRestartNeeded(logs, restart);
      return effective;
    },
    assistant,
    runner,
    intake,
    lastRoute,
    heartbeat,
    events,
    channels: createChannelRegistry(),
    get gatewayChannels() {
      return gatewayChannels;
    },
    get approvals() {
      return approvals;
    },
    logs,
    auth,
    bind,
    startedAt: clock.now(),
    ready: () => ready && !draining,
    shutdown: shutdown.signal,
    draining: () => draining,
  };

  const approvals = createApprovals({
    clock,
    timeoutMs: () => config.tools.exec.approvalTimeoutSeconds * 1000,
    allowAlways: allowAlwaysWith(ctx),
    log: (level, message) => logs.log(level, message),
  });
  const gatewayChannels: GatewayChannels = await openGatewayChannels(ctx);
  const app = createGatewayApp(ctx, options.modules ?? routeModules);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  const server = await listen({ fetch: app.fetch, websocket: wss, port, bind }).catch(
    async (error: unknown) => {
      // Nothing has started yet: close what is open and leave no gateway.pid behind.
      await assistant.close();
      await lock.release();
      throw error;
    },
  );
  const http = server as HttpServer;
  http.on("request", (_req, res) => {
    res.once("finish", () => {
      if (draining) setImmediate(() => http.closeIdleConnections());
    });
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const unpublishPort = await publishGatewayAddress(paths.home, { port: actualPort, bind });
  const host = bind.includes(":") ? `[${bind}]` : bind;

  const released = await assistant.ports.releaseInFlight();
  if (released > 0)
    logs.log("warn", `retrying ${released} message(s) that were being answered when the gateway stopped`);
  runner.start();
  await gatewayChannels.start();
  heartbeat.start(shutdown.signal);
  if (config.cron.enabled) await assistant.cron.start(cronExecute, shutdown.signal);
  ready = true;
  logs.log(
    "info",
    `gateway ${pkg.version} listening on http://${host}:${actualPort} (model ${config.model ?? "not set"})`,
  );

  // Edits to config.json apply without a restart (restart-only keys are logged as such).
  const configWatcher = watchGatewayConfig({
    file: paths.configFile,
    load: () => loadConfig(paths, env),
    current: () => config,
    apply: applyConfig,
    logs,
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      configWatcher.close();
      draining = true;
      stopping.abort(new Error("gateway shutting down"));
      logs.log("info", "draining: finishing running turns; queued messages stay for the next start");
      await gatewayChannels.stop();
      // A turn waiting for an approval would hold the stop for minutes: its command is not run.
      approvals.cancelAll();
      await runner.stop();
      // Whoever still waits for a queued message is told to come back: it will be answered after the restart.
      shutdown.abort(new Error("gateway shutting down"));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const client of wss.clients) client.close(1001, "gateway shutting down");
        http.closeIdleConnections();
        // Keep-alive sockets still writing a response close as soon as it is sent (see the request
        // hook above); whatever is left after a grace period (a peer that never answers a WebSocket
        // close) is cut so that a stop never hangs.
        setTimeout(() => {
          http.closeAllConnections();
          for (const client of wss.clients) client.terminate();
        }, CLOSE_GRACE_MS).unref();
      });
      wss.close();
      await assistant.close();
      await unpublishPort();
      await lock.release();
    })();
    return closing;
  };

  return { url: `http://${host}:${actualPort}`, port: actualPort, ctx, close };
}
