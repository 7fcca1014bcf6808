// A control-protocol connection from the CLI to the gateway running on this home folder: a request
// the gateway must carry out itself (gateway-call.ts), the terminal chat's notices (gateway-notices.ts).
import WebSocket from "ws";
import pkg from "../../package.json" with { type: "json" };
import type { LocalAssistant } from "../engines/local/assistant.ts";
import { resolveGatewayAuth } from "../gateway/auth.ts";
import { runningGatewayAddress } from "../gateway/gateway-address.ts";

/** Hosts a wildcard bind listens on are reached on loopback. */
const hostFor = (bind: string) =>
  bind === "0.0.0.0" ? "127.0.0.1" : bind === "::" ? "[::1]" : bind.includes(":") ? `[${bind}]` : bind;

/**
 * Opens a connection to the running gateway, which sends `connect` (request id "connect") with the
 * token once open; undefined when no gateway runs on this home folder. The caller listens for errors.
 */
export async function openGatewaySocket(
  assistant: Pick<LocalAssistant, "config" | "paths">,
  env: NodeJS.ProcessEnv,
  clientName: string,
): Promise<WebSocket | undefined> {
  // The address the gateway published, never config.json's: the token goes to that gateway or nowhere.
  const address = await runningGatewayAddress(assistant.paths.home);
  if (address === undefined) return undefined;
  const { token } = await resolveGatewayAuth(env, assistant.config, assistant.paths);
  const { port, bind } = address;
  const ws = new WebSocket(`ws://${hostFor(bind)}:${port}/ws`);
  const client = { name: clientName, version: pkg.version };
  ws.on("open", () =>
    ws.send(JSON.stringify({ type: "req", id: "connect", method: "connect", params: { token, client } })),
  );
  return ws;
}
