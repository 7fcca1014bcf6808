// One control-protocol request to the gateway running on this home folder, for CLI commands whose
// effect the running gateway must carry out itself (a pairing approval it announces on Telegram).
import WebSocket from "ws";
import pkg from "../../package.json" with { type: "json" };
import type { LocalAssistant } from "../engines/local/assistant.ts";
import { resolveGatewayAuth } from "../gateway/auth.ts";
import { runningGatewayPid } from "../gateway/pid-lock.ts";

/** Hosts a wildcard bind listens on are reached on loopback. */
const hostFor = (bind: string) =>
  bind === "0.0.0.0" ? "127.0.0.1" : bind === "::" ? "[::1]" : bind.includes(":") ? `[${bind}]` : bind;

type Answer = { ok: true; payload: unknown } | { ok: false; error: { code: string; message: string } };

/**
 * Sends `method` to the running gateway. Resolves undefined when none runs or it cannot be reached
 * (the caller does the work locally); otherwise with the gateway's answer, error answers included.
 */
export async function callRunningGateway(
  assistant: Pick<LocalAssistant, "config" | "paths">,
  env: NodeJS.ProcessEnv,
  method: string,
  params: unknown,
): Promise<Answer | undefined> {
  if ((await runningGatewayPid(assistant.paths.home)) === undefined) return undefined;
  const { token } = await resolveGatewayAuth(env, assistant.config, assistant.paths);
  const { port, bind } = assistant.config.gateway;
  const ws = new WebSocket(`ws://${hostFor(bind)}:${port}/ws`);
  const client = { name: "agent-claw cli", version: pkg.version };
  return new Promise<Answer | undefined>((resolve) => {
    const done = (answer: Answer | undefined) => {
      ws.terminate();
      resolve(answer);
    };
    ws.on("error", () => done(undefined));
    ws.on("close", () => done(undefined));
    ws.on("open", () =>
      ws.send(JSON.stringify({ type: "req", id: "connect", method: "connect", params: { token, client } })),
    );
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
