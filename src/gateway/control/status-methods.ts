// health and status: is the gateway up, and what it is doing (model, readiness, running turns).
import { z } from "zod";
import type { GatewayContext } from "../gateway-context.ts";
import { type MethodTable, method } from "./methods.ts";

const noParams = z.object({}).strict();

function uptimeMs(gateway: GatewayContext): number {
  return gateway.assistant.ports.clock.now() - gateway.startedAt;
}

export const statusMethods: MethodTable = {
  health: method(noParams, (_params, { gateway }) => ({
    ok: true,
    version: gateway.version,
    uptimeMs: uptimeMs(gateway),
  })),

  status: method(noParams, async (_params, { gateway }) => ({
    version: gateway.version,
    model: gateway.config().model ?? null,
    ready: gateway.ready(),
    draining: gateway.draining(),
    runningTurns: gateway.runner.running,
    sessions: (await gateway.assistant.ports.sessions.list()).length,
    uptimeMs: uptimeMs(gateway),
  })),
};
