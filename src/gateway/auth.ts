// Who may talk to the gateway: a bearer token (constant-time compare), or, when trusted, a client on
// this machine that is not a browser acting for another site. The token comes from the environment,
// the config, or is generated once.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
import { ConfigError } from "../config/errors.ts";
import type { Paths } from "../config/paths.ts";
import type { Config } from "../config/schema.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";

export interface GatewayAuth {
  token: string;
  /** "generated": made by the gateway and kept in <home>/gateway.token (loopback use only). */
  source: "env" | "config" | "generated";
  trustLoopback: boolean;
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith("::ffff:") ? address.slice(7) : address;
  return a === "::1" || (isIP(a) === 4 && a.startsWith("127.")) || a === "localhost";
}

/** True when `presented` equals the token; the comparison takes the same time wherever they differ. */
export function tokenMatches(presented: string | undefined | null, token: string): boolean {
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  if (a.length !== b.length) {
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** "Bearer <token>" → the token. */
export function bearer(header: string | undefined | null): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? "");
  return match?.[1]?.trim();
}

/** Who is asking, as far as loopback trust is concerned. */
export interface Peer {
  /** The client's address. */
  address: string | undefined;
  /** A browser sent it for a page other than the gateway's own (see request-origin.ts). */
  forAnotherSite: boolean;
}

/**
 * How a request may pass: "token" (the right token), "loopback" (gateway.trustLoopback and a client
 * on this machine that is not a browser acting for another site), or undefined: refused.
 */
export function authenticatedBy(
  auth: GatewayAuth,
  presented: string | undefined,
  peer: Peer,
): "token" | "loopback" | undefined {
  if (tokenMatches(presented, auth.token)) return "token";
  if (auth.trustLoopback && isLoopback(peer.address) && !peer.forAnotherSite) return "loopback";
  return undefined;
}

/** The shortest token accepted; gateway.token has the same limit in the config schema. */
const MIN_TOKEN_CHARS = 16;

/**
 * The token in force: AGENT_CLAW_GATEWAY_TOKEN, gateway.token, or one generated on first start and
 * kept (mode 0600) in <home>/gateway.token.
 */
export async function resolveGatewayAuth(
  env: NodeJS.ProcessEnv,
  config: Config,
  paths: Paths,
): Promise<GatewayAuth> {
  const trustLoopback = config.gateway.trustLoopback;
  const fromEnv = env.AGENT_CLAW_GATEWAY_TOKEN?.trim();
  if (fromEnv) {
    if (fromEnv.length < MIN_TOKEN_CHARS) {
      throw new ConfigError(
        `AGENT_CLAW_GATEWAY_TOKEN is ${fromEnv.length} characters; use at least ${MIN_TOKEN_CHARS} (for example: openssl rand -base64 24).`,
      );
    }
    return { token: fromEnv, source: "env", trustLoopback };
  }
  if (config.gateway.token) return { token: config.gateway.token, source: "config", trustLoopback };
  const file = `${paths.home}/gateway.token`;
  const existing = await readFile(file, "utf8").then(
    (text) => text.trim(),
    () => "",
  );
  if (existing.length >= MIN_TOKEN_CHARS) return { token: existing, source: "generated", trustLoopback };
  const token = randomBytes(24).toString("base64url");
  await writeFileAtomic(file, `${token}\n`, { mode: 0o600 });
  return { token, source: "generated", trustLoopback };
}
