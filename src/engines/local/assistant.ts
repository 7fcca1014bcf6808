// Everything a local command needs to run turns: config, ports, workspace, tools and the model.
import { randomUUID } from "node:crypto";
import { isAbsolute, join, resolve } from "node:path";
import { loadConfig } from "../../config/load.ts";
import { expandHome, type Paths, resolvePaths } from "../../config/paths.ts";
import { configSecretValues } from "../../config/secrets.ts";
import type { Config } from "../../config/schema.ts";
import { ModelSetupError } from "../../core/agent/model-call-error.ts";
import { createCronService, type CronService } from "../../core/cron/cron-service.ts";
import { runTurn, type TurnRequest, type TurnResult } from "../../core/turn/run-turn.ts";
import { ensureWorkspace } from "../../core/workspace/ensure-workspace.ts";
import { noModelMessage } from "../../models/model-ref.ts";
import { detectOllama, type ResolvedModel, resolveModel } from "../../models/resolve-model.ts";
import type { Clock } from "../../ports/clock.ts";
import { createDefaultTools } from "../../tools/index.ts";
import type { AgentTool } from "../../tools/tool.ts";
import { redact, secretValues } from "../../util/redact.ts";
import { damagedLinesMessage } from "../../adapters/sqlite/transcript-lines.ts";
import { createLocalPorts, type LocalPorts } from "./wire.ts";

/** Raised when no model is set; the message lists what to set (and a local Ollama if one answers). */
export class NoModelError extends ModelSetupError {
  override readonly name = "NoModelError";
}

export interface LocalAssistant {
  paths: Paths;
  /** The environment it was opened with: provider keys and endpoints are read from it first. */
  env: NodeJS.ProcessEnv;
  config: Config;
  ports: LocalPorts;
  workspaceDir: string;
  timeZone: string;
  tools: AgentTool[];
  /** Files written because the workspace was new (empty when it existed). */
  createdFiles: string[];
  /**
   * Applies a new config to the running assistant: model, tools and policies change with the next
   * turn. The workspace folder and the state paths stay as they were (they need a restart).
   */
  reconfigure(config: Config): void;
  /** Resolves the configured model once; throws NoModelError when none is set. */
  model(): Promise<ResolvedModel>;
  turn(request: TurnRequest): Promise<TurnResult>;
  /** The cron jobs (stored here; run by the gateway, which calls cron.start). */
  cron: CronService;
  close(): Promise<void>;
}

/** The workspace folder: config `agent.workspace` (relative to the home folder), else <home>/workspace. */
export function workspaceDirFor(config: Config, paths: Paths): string {
  const configured = config.agent.workspace;
  if (!configured) return paths.defaultWorkspace;
  const expanded = expandHome(configured);
  return isAbsolute(expanded) ? expanded : resolve(paths.home, expanded);
}

/** Whether the configured model is shown images (agent.imageInput; auto: not openai-compatible or ollama ones). */
export function takesImages(config: Config): boolean {
  const setting = config.agent.imageInput;
  if (setting !== "auto") return setting === "on";
  return Boolean(config.model) && !/^(openai-compatible|ollama)\//.test(config.model!);
}

export function systemTimeZone(config: Config): string {
  return config.agent.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC";
}

function toolsFor(config: Config, workspaceDir: string): AgentTool[] {
  return createDefaultTools({
    exec: config.tools.exec.enabled
      ? {
          cwd: workspaceDir,
          allowlist: config.tools.exec.allowlist,
          timeoutMs: config.tools.exec.timeoutSeconds * 1000,
          maxOutputChars: config.tools.exec.maxOutputChars,
        }
      : undefined,
    webFetch: config.tools.webFetch.enabled
      ? { maxChars: config.tools.webFetch.maxChars, timeoutMs: config.tools.webFetch.timeoutSeconds * 1000 }
      : undefined,
  });
}

export interface LocalAssistantOptions {
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  config?: Config;
  /** Read all of state.db at open, so damage is reported at start (see openStateDb). */
  checkState?: boolean;
  /** Where a damaged transcript line is reported (default: stderr). Contract: must not throw. */
  warn?: (message: string) => void;
  /** Secrets besides the environment's and config.json's to mask in tool results (the gateway's token). */
  secrets?: readonly string[];
}

export async function openLocalAssistant(options: LocalAssistantOptions = {}): Promise<LocalAssistant> {
  const env = options.env ?? process.env;
  const paths = resolvePaths(env);
  let config = options.config ?? (await loadConfig(paths, env));
  const workspaceDir = workspaceDirFor(config, paths);
  const ports = createLocalPorts({
    workspaceDir,
    stateDb: paths.stateDb,
    sessionsDir: paths.sessionsDir,
    cronSignal: join(paths.home, "cron.changed"),
    clock: options.clock,
    checkState: options.checkState,
    onDamagedLines: ({ file, lines }) =>
      (options.warn ?? ((m) => process.stderr.write(`warning: ${m}\n`)))(damagedLinesMessage(file, lines)),
  });
  const createdFiles = await ensureWorkspace(ports.workspace);
  let tools = toolsFor(config, workspaceDir);
  // Worked out on first use: asking Intl loads ICU's time zone data (8 MB), which an idle gateway never needs.
  let timeZone: string | undefined;
  // Tool results are masked with these before the model, the transcript or a reply sees them.
  const secrets = [...secretValues(env), ...(options.secrets ?? [])];
  let resolved: Promise<ResolvedModel> | undefined;
  const model = () => {
    const current = config;
    resolved ??= (async () => {
      if (!current.model) {
        const base = env.OPENAI_COMPATIBLE_BASE_URL || current.providers.openaiCompatible.baseURL;
        throw new NoModelError(noModelMessage(await detectOllama(base)));
      }
      return resolveModel(current.model, current, env);
    })();
    // A failed resolution (no model yet) is tried again next time, so a later config fixes it.
    resolved.catch(() => {
      resolved = undefined;
    });
    return resolved;
  };
  // Other models by ref (heartbeat.model), resolved once each while the config stays the same.
  let byRef = new Map<string, Promise<ResolvedModel>>();
  const modelByRef = (ref: string) => {
    let found = byRef.get(ref);
    if (!found) {
      found = Promise.resolve().then(() => resolveModel(ref, config, env));
      found.catch(() => byRef.delete(ref));
      byRef.set(ref, found);
    }
    return found;
  };
  const cron = createCronService({
    scheduler: ports.scheduler,
    clock: ports.clock,
    timeZone: () => assistant.timeZone,
    newId: () => randomUUID().replaceAll("-", "").slice(0, 12),
    stuckMs: config.cron.stuckMinutes * 60_000,
  });
  const assistant: LocalAssistant = {
    paths,
    env,
    config,
    ports,
    workspaceDir,
    get timeZone() {
      return (timeZone ??= systemTimeZone(config));
    },
    tools,
    createdFiles,
    model,
    reconfigure(next) {
      config = next;
      tools = toolsFor(next, workspaceDir);
      timeZone = undefined;
      resolved = undefined;
      byRef = new Map();
      Object.assign(assistant, { config, tools });
    },
    cron,
    async turn(request) {
      return runTurn(
        {
          sessions: ports.sessions,
          workspace: ports.workspace,
          clock: ports.clock,
          model: request.options?.model ? await modelByRef(request.options.model) : await model(),
          cron: { service: cron, chatJobsDeliverAnywhere: config.cron.chatJobsDeliverAnywhere },
          tools,
          toolPolicy: config.tools.policy,
          settings: {
            maxSteps: config.agent.maxSteps,
            bootstrapMaxChars: config.agent.bootstrapMaxChars,
            timeZone: assistant.timeZone,
            imageInput: takesImages(config),
          },
          newId: randomUUID,
          redact: (text) => redact(text, [...secrets, ...configSecretValues(config)]),
        },
        request,
      );
    },
    close: () => ports.close(),
  };
  return assistant;
}
