// A ToolContext builder for tool tests: an in-memory workspace, a fake clock, no approver.
import type { Clock } from "../../ports/clock.ts";
import type { Workspace } from "../../ports/workspace.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import type { ApprovalRequest, ToolContext } from "../tool.ts";
import { createMemoryWorkspace } from "./memory-workspace.ts";

/** A ToolContext that records approval requests; `approvals` lists them in order. */
export interface TestToolContext extends ToolContext {
  approvals: ApprovalRequest[];
}

/** Builds a context; `approve` defaults to denying, like a channel with nobody to ask. */
export function toolContext(
  overrides: {
    workspace?: Workspace;
    clock?: Clock;
    signal?: AbortSignal;
    approve?: (request: ApprovalRequest) => boolean | Promise<boolean>;
  } = {},
): TestToolContext {
  const approvals: ApprovalRequest[] = [];
  const approve = overrides.approve ?? (() => false);
  return {
    workspace: overrides.workspace ?? createMemoryWorkspace(),
    clock: overrides.clock ?? createFakeClock(),
    signal: overrides.signal ?? new AbortController().signal,
    approvals,
    async approve(request) {
      approvals.push(request);
      return approve(request);
    },
  };
}
