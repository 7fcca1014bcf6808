// The local engine's assistant: config.json from the home folder, the workspace folder, state.db,
// then the one assistant factory (engines/assistant.ts) over those ports.
import { isAbsolute, join, resolve } from "node:path";
import { damagedLinesMessage } from "../../adapters/sqlite/transcript-lines.ts";
import { loadConfig } from "../../config/load.ts";
import { expandHome, type Paths, resolvePaths } from "../../config/paths.ts";
import type { Config } from "../../config/schema.ts";
import { ensureWorkspace } from "../../core/workspace/ensure-workspace.ts";
import { createEmbedder } from "../../models/embedding-model.ts";
import type { Clock } from "../../ports/clock.ts";
import { type Assistant, createAssistant } from "../assistant.ts";
import { createLocalPorts, type LocalPorts } from "./wire.ts";

export { NoModelError, systemTimeZone, takesImages } from "../assistant.ts";

export interface LocalAssistant extends Assistant<LocalPorts> {
  paths: Paths;
  workspaceDir: string;
  /** Files written because the workspace was new (empty when it existed). */
  createdFiles: string[];
  close(): Promise<void>;
}

/** The workspace folder: config `agent.workspace` (relative to the home folder), else <home>/workspace. */
export function workspaceDirFor(config: Config, paths: Paths): string {
  const configured = config.agent.workspace;
  if (!configured) return paths.defaultWorkspace;
  const expanded = expandHome(configured);
  return isAbsolute(expanded) ? expanded : resolve(paths.home, expanded);
}

export interface LocalAssistantOptions {
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  config?: Config;
  /** Read all of state.db at open, so damage is reported at start (see openStateDb). */
  checkState?: boolean;
  /** Where a damaged transcript line and a model failover are reported (default: stderr). Contract: must not throw. */
  warn?: (message: string) => void;
  /** Secrets besides the environment's and config.json's to mask in tool results (the gateway's token). */
  secrets?: readonly string[];
}

export async function openLocalAssistant(options: LocalAssistantOptions = {}): Promise<LocalAssistant> {
  const env = options.env ?? process.env;
  const paths = resolvePaths(env);
  const config = options.config ?? (await loadConfig(paths, env));
  const workspaceDir = workspaceDirFor(config, paths);
  const warn = options.warn ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  const ports = createLocalPorts({
    workspaceDir,
    stateDb: paths.stateDb,
    sessionsDir: paths.sessionsDir,
    cronSignal: join(paths.home, "cron.changed"),
    cronStuckMs: config.cron.stuckMinutes * 60_000,
    clock: options.clock,
    checkState: options.checkState,
    onDamagedLines: ({ file, lines }) => warn(damagedLinesMessage(file, lines)),
    ...(config.memory.enabled && { memoryDb: paths.memoryDb }),
    ...(config.memory.enabled &&
      config.memory.embeddings.model && {
        memoryEmbedder: createEmbedder(config.memory.embeddings.model, config, env),
        memoryWarn: warn,
      }),
  });
  const createdFiles = await ensureWorkspace(ports.workspace);
  // The workspace folder and the state paths stay as opened: reconfigure changes model, tools and policies.
  const assistant = createAssistant({
    ports,
    config,
    env,
    engine: "local",
    workspaceDir,
    ...(options.secrets && { secrets: options.secrets }),
    log: (_level, message) => warn(message),
  });
  return Object.assign(assistant, { paths, workspaceDir, createdFiles, close: () => ports.close() });
}
