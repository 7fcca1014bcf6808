// One control-protocol request to the gateway running on this home folder, for CLI commands whose
// effect the running gateway must carry out itself (a pairing approval it announces on Telegram).
import type { LocalAssistant } from "../engines/local/assistant.ts";
import { openGatewaySocket } from "./gateway-socket.ts";
import { UsageError } from "./io.ts";

/** How long a running gateway may take to answer before the command gives up on it. */
export const GATEWAY_CALL_TIMEOUT_MS = 10_000;

type Answer = { ok: true; payload: unknown } | { ok: false; error: { code: string; message: string } };

/**
 * Sends `method` to the running gateway. Resolves undefined when none runs or it cannot be reached
 * (the caller does the work locally); otherwise with the gateway's answer, error answers included.
 * A gateway that takes the connection but does not answer within `timeoutMs` is an error: doing the
 * work locally then could do it twice, if the gateway did it after all.
 */
export async function callRunningGateway(
  assistant: Pick<LocalAssistant, "config" | "paths">,
  env: NodeJS.ProcessEnv,
  method: string,
  params: unknown,
  timeoutMs = GATEWAY_CALL_TIMEOUT_MS,
): Promise<Answer | undefined> {
  const ws = await openGatewaySocket(assistant, env, "agent-claw cli");
  if (!ws) return undefined;
  return new Promise<Answer | undefined>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(
        new UsageError(
          `The gateway running on ${assistant.paths.home} did not answer within ${timeoutMs / 1000} s. ` +
            "Look at its log (`agent-claw daemon logs` when it runs as a service) or restart it, then try again.",
        ),
      );
    }, timeoutMs);
    const done = (answer: Answer | undefined) => {
      clearTimeout(timer);
      ws.terminate();
      resolve(answer);
    };
    ws.on("error", () => done(undefined));
    ws.on("close", () => done(undefined));
    ws.on("message", (data) => {
      let frame: { type?: string; id?: string } & Partial<Answer>;
      try {
        frame = JSON.parse(String(data)) as typeof frame;
      } catch {
        return;
      }
      if (frame.type !== "res") return;
      if (frame.id === "connect") {
        if (!frame.ok) return done(undefined);
        ws.send(JSON.stringify({ type: "req", id: "call", method, params }));
      } else if (frame.id === "call") {
        done(frame as Answer);
      }
    });
  });
}
