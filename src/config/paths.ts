// Where agent-claw keeps its files: one home folder (~/.agent-claw, or AGENT_CLAW_HOME).
import { homedir } from "node:os";
import { join, resolve } from "node:path";

export interface Paths {
  home: string;
  configFile: string;
  /** Written beside the config so editors can validate it. */
  schemaFile: string;
  stateDb: string;
  /** The memory index: rebuildable from the workspace and the transcripts, so kept apart from state.db. */
  memoryDb: string;
  sessionsDir: string;
  logsDir: string;
  defaultWorkspace: string;
}

/** Resolves the home folder from the environment; "~" in AGENT_CLAW_HOME means the user's home. */
export function resolvePaths(env: NodeJS.ProcessEnv = process.env): Paths {
  const raw = env.AGENT_CLAW_HOME?.trim();
  const home = raw ? resolve(expandHome(raw)) : join(homedir(), ".agent-claw");
  return {
    home,
    configFile: join(home, "config.json"),
    schemaFile: join(home, "config.schema.json"),
    stateDb: join(home, "state.db"),
    memoryDb: join(home, "memory.db"),
    sessionsDir: join(home, "sessions"),
    logsDir: join(home, "logs"),
    defaultWorkspace: join(home, "workspace"),
  };
}

export function expandHome(path: string): string {
  if (path === "~") return homedir();
  if (path.startsWith("~/")) return join(homedir(), path.slice(2));
  return path;
}
