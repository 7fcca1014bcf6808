// Where a request was addressed and which web page sent it. A browser can be made to send requests to
// 127.0.0.1 by any site (a form post, or DNS rebinding under the attacker's own name), so the Host
// must be a name this gateway serves, and a page's Origin must be the gateway's own or a listed one.
import { isIP } from "node:net";

/** What the checks need to know about the gateway. */
export interface ServedNames {
  /** The address the gateway listens on (gateway.bind or --bind). */
  bind: string;
  /** gateway.allowedHosts: more names (reverse proxies, LAN names); ".example.com" covers its subdomains. */
  allowedHosts: readonly string[];
  /** gateway.allowedOrigins: browser origins besides the gateway's own. */
  allowedOrigins: readonly string[];
}

/** What a request says about itself. */
export interface RequestFacts {
  host: string | undefined;
  origin: string | undefined;
  /** Sec-Fetch-Site, which browsers send with every request. */
  fetchSite: string | undefined;
}

/** The lower-case host name of a Host header or an origin's host ("[::1]:18789" → "::1"), or undefined. */
function hostnameOf(host: string): string | undefined {
  // Only the characters a host and port may have: "user@evil" or a path must not be parsed as one.
  if (!/^[\w.\-[\]:]+$/.test(host)) return undefined;
  try {
    const name = new URL(`http://${host}`).hostname.replace(/\.$/, "");
    return name.startsWith("[") ? name.slice(1, -1) : name;
  } catch {
    return undefined;
  }
}

/**
 * Whether a Host header names this gateway: an IP address (no name to rebind), localhost and
 * *.localhost (browsers resolve them to loopback themselves), the bind address, or an allowed host.
 * No Host at all is not a browser (HTTP/1.0 clients, tests) and passes.
 */
export function hostAllowed(host: string | undefined, served: ServedNames): boolean {
  if (host === undefined) return true;
  const name = hostnameOf(host);
  if (!name) return false;
  if (isIP(name) !== 0 || name === "localhost" || name.endsWith(".localhost")) return true;
  if (name === served.bind.toLowerCase()) return true;
  return served.allowedHosts.some((entry) => {
    const allowed = entry.toLowerCase().replace(/\.$/, "");
    if (allowed.startsWith(".")) return name === allowed.slice(1) || name.endsWith(allowed);
    return name === allowed;
  });
}

/** Whether `origin` is the page the gateway itself serves: same host and port as the request's Host. */
export function ownOrigin(origin: string, host: string | undefined, served: ServedNames): boolean {
  if (host === undefined || !hostAllowed(host, served)) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && url.host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** Whether a browser page at `origin` may use the gateway: its own page, or one listed. No Origin: not a page. */
export function originAllowed(facts: RequestFacts, served: ServedNames): boolean {
  const { origin } = facts;
  if (origin === undefined) return true;
  return ownOrigin(origin, facts.host, served) || served.allowedOrigins.includes(origin);
}

/**
 * Whether a browser sent this request for a page other than the gateway's own (listed origins
 * included): such a request never gets the trust loopback clients get, only the token counts.
 */
export function sentForAnotherSite(facts: RequestFacts, served: ServedNames): boolean {
  if (facts.origin !== undefined) return !ownOrigin(facts.origin, facts.host, served);
  // A navigation or an <img> carries no Origin, but the browser says whether another site caused it.
  return facts.fetchSite === "cross-site" || facts.fetchSite === "same-site";
}

/**
 * What a refused page is told. An opaque origin ("null": a file, a sandboxed frame, any site can make
 * one) is never worth listing, so it gets no advice to list it.
 */
export function originRefusal(origin: string | undefined): string {
  if (origin === "null") {
    return "Requests from a page with no origin of its own (a local file or a sandboxed frame) are refused: open the web UI from the gateway's own address.";
  }
  return `Requests from the web page at ${origin} are refused: another site may not use this gateway. If that page is yours, add ${origin} to gateway.allowedOrigins.`;
}
