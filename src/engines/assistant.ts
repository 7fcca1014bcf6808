// One assistant for both engines: config, model, tools, cron and turns over whatever Ports an engine
// wires. Each engine offers only the tools it can honour (no exec over an S3 workspace), and says so.
import { randomUUID } from "node:crypto";
import { configSecretValues } from "../config/secrets.ts";
import type { Config } from "../config/schema.ts";
import { ModelSetupError } from "../core/agent/model-call-error.ts";
import { turnUsageKind } from "../core/agent/usage-kind.ts";
import type { CronService } from "../core/cron/cron-service.ts";
import { resetPolicyFor } from "../core/session-reset/reset-policy.ts";
import { rememberTurn } from "../core/turn/remember-turn.ts";
import { runTurn, type TurnRequest, type TurnResult } from "../core/turn/run-turn.ts";
import { noModelMessage } from "../models/model-ref.ts";
import { createMemoryCooldownStore, createValuesCooldownStore } from "../models/failover/cooldown-store.ts";
import { resolveModelChain } from "../models/failover/model-chain.ts";
import { meteredModel } from "../models/metered-model.ts";
import { detectOllama, type ResolvedModel } from "../models/resolve-model.ts";
import type { Clock } from "../ports/clock.ts";
import type { Ports } from "../ports/index.ts";
import { createDefaultTools } from "../tools/index.ts";
import type { AgentTool } from "../tools/tool.ts";
import { redact, secretValues } from "../util/redact.ts";
import { systemTimeZone, takesImages } from "./assistant-settings.ts";
import { createEngineCron } from "./engine-cron.ts";
import { chainContextWindow } from "../core/context/tokens.ts";

export { systemTimeZone, takesImages } from "./assistant-settings.ts";

/** Raised when no model is set; the message lists what to set (and a local Ollama if one answers). */
export class NoModelError extends ModelSetupError {
  override readonly name = "NoModelError";
}

/**
 * Where the assistant runs: "local" has a real workspace folder; "aws" a Lambda over an S3 prefix;
 * "agentcore" an AgentCore Runtime microVM with a disk copy of that prefix (src/runtime/workspace-copy.ts).
 */
export type EngineName = "local" | "aws" | "agentcore";

export interface AssistantOptions<P extends Ports = Ports> {
  ports: P;
  config: Config;
  /** Provider keys and endpoints are read from it first; its secrets are masked in tool results. */
  env: NodeJS.ProcessEnv;
  engine: EngineName;
  /** The workspace as a folder on disk (local engine): exec runs there. Absent: no exec. */
  workspaceDir?: string;
  /** Secrets besides the environment's and the config's to mask in tool results (the gateway's token). */
  secrets?: readonly string[];
  /** Default: ports.clock. */
  clock?: Clock;
  /**
   * Where model failover says which candidate answered (keys named by position), and session resets
   * and failed memory flushes are told. Contract: must not throw.
   */
  log?: (level: "info" | "warn", message: string) => void;
}

export interface Assistant<P extends Ports = Ports> {
  engine: EngineName;
  env: NodeJS.ProcessEnv;
  config: Config;
  ports: P;
  /** The tools a turn may get (policy narrows them per sender). */
  tools: AgentTool[];
  timeZone: string;
  /** Applies a new config: model, tools and policies change with the next turn. */
  reconfigure(config: Config): void;
  /** Resolves the configured model once; throws NoModelError when none is set. */
  model(): Promise<ResolvedModel>;
  /** Another model by ref (heartbeat.model), resolved once per config; agent.fallbacks back it up too. */
  modelByRef(ref: string): Promise<ResolvedModel>;
  turn(request: TurnRequest): Promise<TurnResult>;
  /** The cron jobs over the engine's store and alarm. */
  cron: CronService;
}

/** What the model is told this engine cannot do (the system prompt's Runtime section), if anything. */
export function engineLimits(engine: EngineName): string | undefined {
  if (engine === "aws") {
    return (
      "This assistant runs serverless: the workspace is cloud storage, not a computer. There is no shell " +
      "(no exec tool): you cannot run commands or programs; use the file tools for files."
    );
  }
  // In AgentCore no person is on the line to approve a command, so exec refuses what the allowlist lacks.
  if (engine === "agentcore") {
    return (
      "This assistant runs in a cloud sandbox with a copy of the workspace on its disk. When exec is offered, only commands on the " +
      "owner's allowlist (tools.exec.allowlist) can run: nobody can approve others from here, so they are " +
      "refused. Files you write are saved after the turn."
    );
  }
  return undefined;
}

function toolsFor(
  config: Config,
  engine: EngineName,
  workspaceDir: string | undefined,
  memory: boolean,
): AgentTool[] {
  // exec needs a real folder and a machine to run on: the local engine and AgentCore have both, a Lambda neither.
  const exec = engine !== "aws" && workspaceDir !== undefined && config.tools.exec.enabled;
  return createDefaultTools({
    exec: exec
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
    memory,
  });
}

export function createAssistant<P extends Ports>(options: AssistantOptions<P>): Assistant<P> {
  const { ports, env, engine, workspaceDir } = options;
  const clock = options.clock ?? ports.clock;
  let config = options.config;
  let tools = toolsFor(config, engine, workspaceDir, ports.memory !== undefined);
  // Worked out on first use: asking Intl loads ICU's time zone data (8 MB), which an idle process never needs.
  let timeZone: string | undefined;
  // Tool results are masked with these before the model, the transcript or a reply sees them.
  const secrets = [...secretValues(env), ...(options.secrets ?? [])];
  // Which keys and models are cooling down: this process's memory on the daemon, Values on AWS, where
  // every Lambda and runtime must skip the same rate-limited key.
  const cooldowns =
    engine === "local" ? createMemoryCooldownStore(clock) : createValuesCooldownStore(ports.values);
  const chain = (ref: string, current: Config) =>
    resolveModelChain(ref, {
      config: current,
      env,
      cooldowns,
      clock,
      ...(options.log && { log: options.log }),
    });
  let resolved: Promise<ResolvedModel> | undefined;
  const model = () => {
    const current = config;
    resolved ??= (async () => {
      if (!current.model) {
        const base = env.OPENAI_COMPATIBLE_BASE_URL || current.providers.openaiCompatible.baseURL;
        throw new NoModelError(noModelMessage(await detectOllama(base)));
      }
      return chain(current.model, current);
    })();
    // A failed resolution (no model yet) is tried again next time, so a later config fixes it.
    resolved.catch(() => {
      resolved = undefined;
    });
    return resolved;
  };
  let byRef = new Map<string, Promise<ResolvedModel>>();
  const modelByRef = (ref: string) => {
    let found = byRef.get(ref);
    if (!found) {
      found = Promise.resolve().then(() => chain(ref, config));
      found.catch(() => byRef.delete(ref));
      byRef.set(ref, found);
    }
    return found;
  };
  const cron = createEngineCron({ ...ports, clock }, { config, timeZone: () => assistant.timeZone });
  const limits = engineLimits(engine);
  const assistant: Assistant<P> = {
    engine,
    env,
    config,
    ports,
    get timeZone() {
      return (timeZone ??= systemTimeZone(config));
    },
    tools,
    model,
    modelByRef,
    reconfigure(next) {
      config = next;
      tools = toolsFor(next, engine, workspaceDir, ports.memory !== undefined);
      timeZone = undefined;
      resolved = undefined;
      byRef = new Map();
      Object.assign(assistant, { config, tools });
    },
    cron,
    async turn(request) {
      const chosen = request.options?.model ? await modelByRef(request.options.model) : await model();
      // Every call of the turn is recorded and checked against the daily limits (see metered-model.ts).
      const metered = meteredModel(chosen.model, {
        ledger: ports.usage,
        clock,
        ref: chosen.ref,
        sessionKey: request.sessionKey,
        kind: turnUsageKind(request.messages),
        prices: config.models.prices,
        limits: config.limits,
        timeZone: assistant.timeZone,
      });
      const result = await runTurn(
        {
          sessions: ports.sessions,
          workspace: ports.workspace,
          clock,
          ...(ports.memory && { memory: ports.memory }),
          model: { ref: chosen.ref, model: metered },
          cron: { service: cron, chatJobsDeliverAnywhere: config.cron.chatJobsDeliverAnywhere },
          tools,
          toolPolicy: config.tools.policy,
          settings: {
            maxSteps: config.agent.maxSteps,
            bootstrapMaxChars: config.agent.bootstrapMaxChars,
            timeZone: assistant.timeZone,
            imageInput: takesImages(config),
            ...(limits && { engineLimits: limits }),
            compaction: {
              ...config.agent.compaction,
              // The config's window, else the smallest in the chain: any fallback may answer this turn.
              contextWindow:
                config.agent.contextWindow ??
                chainContextWindow([chosen.ref, ...(config.agent.fallbacks ?? [])]),
            },
          },
          newId: randomUUID,
          redact: (text) => redact(text, [...secrets, ...configSecretValues(config)]),
          lifecycle: {
            policy: (kind) => resetPolicyFor(config.session, kind),
            timeZone: () => assistant.timeZone,
            claims: ports.claims,
            values: ports.values,
            ...(options.log && { log: options.log }),
          },
        },
        request,
      );
      // Awaited (a Lambda is frozen after its answer), but a memory failure never costs the reply.
      if (ports.memory) {
        await rememberTurn(ports.memory, request, result, clock.now()).catch((error: unknown) =>
          options.log?.(
            "warn",
            `memory: the turn was not recorded (${error instanceof Error ? error.message : String(error)})`,
          ),
        );
      }
      return result;
    },
  };
  return assistant;
}
