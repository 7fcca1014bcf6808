// The in-memory Workspace passes the same contract suite as the real adapters.
import { workspaceContract } from "../../ports/workspace.contract.ts";
import { createMemoryWorkspace } from "./memory-workspace.ts";

workspaceContract("memory", async () => ({ workspace: createMemoryWorkspace(), cleanup: async () => {} }));
