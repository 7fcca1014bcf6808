// The agent's default tool set, configured in one place for the engines to wire.
import { createCronTool } from "./cron.ts";
import { createEditTool } from "./edit.ts";
import { createExecTool, type ExecToolOptions } from "./exec.ts";
import { createListTool } from "./list.ts";
import { createMemoryGetTool } from "./memory-get.ts";
import { createMemorySearchTool } from "./memory-search.ts";
import { createReadTool } from "./read.ts";
import { createSendFileTool } from "./send-file.ts";
import type { AgentTool } from "./tool.ts";
import { createWebFetchTool, type WebFetchToolOptions } from "./web-fetch.ts";
import { createWriteTool } from "./write.ts";

export type { ExecToolOptions } from "./exec.ts";
export type { WebFetchToolOptions } from "./web-fetch.ts";

/** Which optional tools to offer, and how. */
export interface DefaultToolsOptions {
  /** Offer exec, running commands in `cwd` (the workspace folder on disk). Absent: no exec tool. */
  exec?: ExecToolOptions;
  /** Offer web_fetch with these options (`{}` for the defaults). Absent: no web_fetch tool. */
  webFetch?: WebFetchToolOptions;
  /** Offer memory_search and memory_get (the engine wires a Memory). */
  memory?: boolean;
}

/**
 * read, write, edit, list, send_file and cron always (they only touch the Workspace port and the turn's
 * context, so they work on both engines); exec when `exec` is given; web_fetch when `webFetch` is given;
 * memory_search and memory_get when `memory` is set.
 */
export function createDefaultTools(options: DefaultToolsOptions = {}): AgentTool[] {
  const tools: AgentTool[] = [
    createReadTool(),
    createWriteTool(),
    createEditTool(),
    createListTool(),
    createSendFileTool(),
    createCronTool(),
  ];
  if (options.exec) tools.push(createExecTool(options.exec));
  if (options.webFetch) tools.push(createWebFetchTool(options.webFetch));
  if (options.memory) tools.push(createMemorySearchTool(), createMemoryGetTool());
  return tools;
}
