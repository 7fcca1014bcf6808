// AgentCore Runtime's data plane on loopback, for `aws dev --turns agentcore` and the tests: the real
// BedrockAgentCoreClient talks to it through `endpoint` (restJson1). InvokeAgentRuntime starts one
// `agent-claw runtime` process per runtime session id and streams its answer back; StopRuntimeSession
// ends one. Errors come back as AgentCore sends them: status, `x-amzn-errortype` and `{"message"}`.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultRuntimeCommand, type RuntimeCommand } from "./agentcore-emulator-process.ts";
import {
  ColdStartError,
  createSessionPool,
  type Session,
  sessionDirName,
  type SessionStats,
} from "./agentcore-emulator-sessions.ts";
import { listenOnLoopback } from "../../../util/listen-loopback.ts";

export const SESSION_HEADER = "x-amzn-bedrock-agentcore-runtime-session-id";

export interface AgentCoreEmulatorOptions {
  /** The one runtime it serves; any other ARN gets ResourceNotFoundException. */
  runtimeArn: string;
  /** Endpoint names that exist (default ["DEFAULT"]). */
  qualifiers?: string[];
  /** How a session's process starts (default: this checkout's runtime bundle under this Node). */
  command?: RuntimeCommand;
  /** Every runtime process's environment; AGENT_CLAW_RUNTIME_DIR is set per session. */
  env: Record<string, string>;
  /** How often each session's /ping is read (AgentCore: about every 2 s). */
  pingIntervalMs?: number;
  /** AgentCore's idleRuntimeSessionTimeout (default 900 s). */
  idleTimeoutMs?: number;
  /** AgentCore's maxLifetime (default 8 h). */
  maxLifetimeMs?: number;
  /** How long a cold start may take before /ping answers (AgentCore: 30 s). */
  initTimeoutMs?: number;
  now?: () => number;
  /** The runtimes' output and the stand-in's own events, line by line (CloudWatch's place). */
  log?(line: string): void;
}

export interface AgentCoreEmulator {
  /** http://127.0.0.1:<port>: the client's `endpoint`. */
  endpoint: string;
  runtimeArn: string;
  /** The next `count` cold starts fail fast, as AgentCore answers a runtime that could not start. */
  failNextColdStarts(count: number): void;
  stats(): SessionStats;
  /** The process serving a session now, if any. */
  session(id: string): { pid: number; url: string; startedAt: number } | undefined;
  /** The sessions with a live process now. */
  sessions(): Array<{ id: string; pid: number; url: string; startedAt: number }>;
  close(): Promise<void>;
}

/** The message AgentCore gives for a session whose runtime did not come up, crashed ones included. */
export const INIT_FAILED_MESSAGE =
  "Runtime initialization time exceeded. Please make sure that initialization completes in 30s.";

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { "content-type": "application/json", "x-amzn-errortype": type });
  res.end(JSON.stringify({ message }));
}

/** The operation and runtime ARN a path names, or undefined for any other path. */
function route(method: string, url: URL): { op: "invoke" | "stop"; arn: string } | undefined {
  const match = /^\/runtimes\/([^/]+)\/(invocations|stopruntimesession)$/.exec(url.pathname);
  if (method !== "POST" || !match) return undefined;
  return { op: match[2] === "invocations" ? "invoke" : "stop", arn: decodeURIComponent(match[1]!) };
}

export async function startAgentCoreEmulator(options: AgentCoreEmulatorOptions): Promise<AgentCoreEmulator> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[agentcore] ${line}\n`));
  const now = options.now ?? Date.now;
  const qualifiers = options.qualifiers ?? ["DEFAULT"];
  const command = options.command ?? defaultRuntimeCommand();
  const disks = await mkdtemp(join(tmpdir(), "agent-claw-agentcore-"));
  const pool = createSessionPool({
    command,
    env: (id) => ({ ...options.env, AGENT_CLAW_RUNTIME_DIR: join(disks, sessionDirName(id)) }),
    limits: {
      idleTimeoutMs: options.idleTimeoutMs ?? 900_000,
      maxLifetimeMs: options.maxLifetimeMs ?? 28_800_000,
    },
    pingIntervalMs: options.pingIntervalMs ?? 2_000,
    initTimeoutMs: options.initTimeoutMs ?? 30_000,
    now,
    log,
  });

  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  /** Forwards the invocation to the session's runtime and pipes its answer back as it comes. */
  const forward = (session: Session, req: IncomingMessage, body: Buffer, res: ServerResponse) =>
    new Promise<void>((resolve) => {
      const upstream = httpRequest(
        `${session.process.url}/invocations`,
        {
          method: "POST",
          headers: {
            "content-type": req.headers["content-type"] ?? "application/json",
            accept: req.headers["accept"] ?? "application/json",
            "content-length": body.length,
            [SESSION_HEADER]: session.id,
          },
        },
        (answer) => {
          const status = answer.statusCode ?? 500;
          if (status >= 300) {
            // AgentCore does not pass the runtime's error body on; it is in the runtime's logs.
            void readBody(answer).then((text) => {
              log(
                `[${session.id.slice(0, 12)}…] /invocations answered ${status}: ${text.toString("utf8").slice(0, 500)}`,
              );
              sendError(
                res,
                424,
                "RuntimeClientError",
                `Received error (${status}) from runtime. Please check your CloudWatch logs for more information.`,
              );
              resolve();
            });
            return;
          }
          log(
            `[${session.id.slice(0, 12)}…] /invocations answered ${status} (${answer.headers["content-type"]})`,
          );
          res.writeHead(200, {
            "content-type": answer.headers["content-type"] ?? "application/json",
            [SESSION_HEADER]: session.id,
          });
          answer.pipe(res);
          answer.once("end", resolve);
          answer.once("error", () => {
            res.destroy();
            resolve();
          });
        },
      );
      // The caller going away (a killed runner) closes the runtime's stream, which aborts its turn.
      res.once("close", () => {
        if (!res.writableFinished) upstream.destroy();
        resolve();
      });
      upstream.once("error", (error) => {
        log(`[${session.id.slice(0, 12)}…] the runtime's connection failed: ${error.message}`);
        sendError(res, 424, "RuntimeClientError", "The runtime session ended while serving the request.");
        resolve();
      });
      upstream.end(body);
    });

  const invoke = async (req: IncomingMessage, res: ServerResponse, sessionId: string) => {
    const body = await readBody(req);
    let session: Session;
    try {
      session = await pool.acquire(sessionId);
    } catch (error) {
      if (!(error instanceof ColdStartError)) throw error;
      log(`cold start of session ${sessionId} failed: ${error.message}`);
      return sendError(res, 424, "RuntimeClientError", INIT_FAILED_MESSAGE);
    }
    try {
      await forward(session, req, body, res);
    } finally {
      pool.release(session);
    }
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://agentcore");
    const target = route(req.method ?? "GET", url);
    if (!target) {
      return sendError(
        res,
        404,
        "UnknownOperationException",
        `No operation at ${req.method} ${url.pathname}.`,
      );
    }
    const qualifier = url.searchParams.get("qualifier") ?? "DEFAULT";
    if (target.arn !== options.runtimeArn || !qualifiers.includes(qualifier)) {
      return sendError(
        res,
        404,
        "ResourceNotFoundException",
        `No agent runtime endpoint ${qualifier} for ${target.arn} (this stand-in serves ${options.runtimeArn}).`,
      );
    }
    const sessionId = req.headers[SESSION_HEADER];
    if (typeof sessionId !== "string" || sessionId.length < 33 || sessionId.length > 256) {
      return sendError(
        res,
        400,
        "ValidationException",
        "1 validation error detected: Value at 'runtimeSessionId' failed to satisfy constraint: Member must have length between 33 and 256",
      );
    }
    const work =
      target.op === "invoke"
        ? invoke(req, res, sessionId)
        : pool.stop(sessionId).then((stopped) => {
            req.resume();
            if (!stopped) {
              return sendError(
                res,
                404,
                "ResourceNotFoundException",
                `No runtime session ${sessionId} is running.`,
              );
            }
            res.writeHead(200, { "content-type": "application/json", [SESSION_HEADER]: sessionId });
            res.end("{}");
          });
    work.catch((error: unknown) => {
      log(`internal error: ${error instanceof Error ? error.message : String(error)}`);
      sendError(res, 500, "InternalServerException", "The AgentCore stand-in failed; see its log.");
    });
  });
  // Streams of long turns stay open; AgentCore allows 60 min.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 60_000;
  const origin = await listenOnLoopback(server);

  return {
    endpoint: origin,
    runtimeArn: options.runtimeArn,
    failNextColdStarts: (count) => pool.failNextColdStarts(count),
    stats: () => pool.stats(),
    session(id) {
      const session = pool.get(id);
      return session && { pid: session.process.pid, url: session.process.url, startedAt: session.startedAt };
    },
    sessions: () =>
      pool.list().map((s) => ({ id: s.id, pid: s.process.pid, url: s.process.url, startedAt: s.startedAt })),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pool.close();
      await rm(disks, { recursive: true, force: true });
    },
  };
}
