// sessions.list, sessions.reset, sessions.delete: what the assistant remembers per conversation,
// the same operations as `agent-claw sessions`.
import { z } from "zod";
import type { GatewayContext } from "../gateway-context.ts";
import { ControlError } from "./frames.ts";
import { type MethodTable, method } from "./methods.ts";
import { sessionKeyParam } from "./params.ts";

const keyParams = z.object({ sessionKey: sessionKeyParam }).strict();

/** Refuses an unknown key with a message that says where the known ones are. */
async function requireSession(gateway: GatewayContext, method: string, key: string): Promise<void> {
  if (!(await gateway.assistant.ports.sessions.get(key))) {
    throw new ControlError(
      "invalid_params",
      `${method}: there is no session "${key}"; sessions.list shows the sessions there are.`,
    );
  }
}

export const sessionsMethods: MethodTable = {
  "sessions.list": method(z.object({}).strict(), async (_params, { gateway }) => ({
    sessions: await gateway.assistant.ports.sessions.list(),
  })),

  "sessions.reset": method(
    keyParams,
    async ({ sessionKey }, { gateway }) => {
      await requireSession(gateway, "sessions.reset", sessionKey);
      const session = await gateway.assistant.ports.sessions.reset(sessionKey);
      gateway.logs.log("info", `session ${sessionKey} reset from the control protocol`);
      return { session };
    },
    { refuseWhileDraining: true },
  ),

  "sessions.delete": method(
    keyParams,
    async ({ sessionKey }, { gateway }) => {
      await requireSession(gateway, "sessions.delete", sessionKey);
      await gateway.assistant.ports.sessions.reset(sessionKey, { forget: true });
      gateway.logs.log("info", `session ${sessionKey} deleted from the control protocol`);
      return { deleted: true };
    },
    { refuseWhileDraining: true },
  ),
};
