// The `connect` handshake: who the client is, whether its token is right, and the hello it gets back
// (protocol version, methods, events, the main session and the model).
import { z } from "zod";
import { mainSessionKey } from "../../core/session-key.ts";
import { authenticatedBy } from "../auth.ts";
import { ControlError, PROTOCOL_VERSION } from "./frames.ts";
import type { ControlServices } from "./methods.ts";

/** Events a connection may receive. */
export const EVENTS = ["chat", "notice", "log"] as const;

/** Unknown keys are ignored here (not refused as elsewhere), so newer clients can still connect. */
export const connectParams = z.object({
  token: z.string({ error: "expected the gateway token as a string" }).max(1000).optional(),
  client: z
    .object({
      name: z.string({ error: "expected a string" }).min(1, "must not be empty").max(100),
      version: z.string({ error: "expected a string" }).min(1, "must not be empty").max(100),
    })
    .optional(),
});

export type ConnectParams = z.output<typeof connectParams>;

/** What the client presented besides `connect`'s params: the upgrade request's token and address. */
export interface UpgradeCredentials {
  /** From `Authorization: Bearer` or `?token=` on the upgrade request. */
  token: string | undefined;
  remoteAddress: string | undefined;
  /** A browser opened the socket for a page other than the gateway's own: no loopback trust. */
  forAnotherSite: boolean;
}

/**
 * Checks the token (connect's, else the upgrade's; loopback passes when trusted) and says which let
 * the client in. Contract: throws a ControlError "unauthorized" that says where a token comes from.
 */
export function authenticate(
  services: ControlServices,
  params: ConnectParams,
  upgrade: UpgradeCredentials,
): "token" | "loopback" {
  const presented = params.token ?? upgrade.token;
  const peer = { address: upgrade.remoteAddress, forAnotherSite: upgrade.forAnotherSite };
  const by = authenticatedBy(services.gateway.auth, presented, peer);
  if (by) return by;
  throw new ControlError(
    "unauthorized",
    presented
      ? "Wrong gateway token."
      : 'No gateway token: send connect {"token":"..."} (AGENT_CLAW_GATEWAY_TOKEN, gateway.token, or <home>/gateway.token), or ?token= in the WebSocket URL.',
  );
}

/** The payload of a successful `connect`. */
export function hello(services: ControlServices, methods: readonly string[]) {
  return {
    protocol: PROTOCOL_VERSION,
    server: { version: services.gateway.version },
    methods: [...methods],
    events: [...EVENTS],
    sessionKey: mainSessionKey(),
    model: services.gateway.config().model ?? null,
  };
}
