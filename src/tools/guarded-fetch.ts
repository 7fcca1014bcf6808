// HTTP GET for web_fetch with the SSRF guard applied where it counts: on the addresses actually
// connected to (a lookup that validates every resolved address, so DNS rebinding cannot slip
// through), on literal-IP hosts, and again on each redirect hop, which are followed by hand.
import type { LookupAddress } from "node:dns";
import { lookup as dnsLookup } from "node:dns";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream";
import zlib from "node:zlib";
import { describeAddress, isPublicAddress, urlRefusal } from "./net-guard.ts";

/** A request the guard refused; its message is written for the model. */
export class FetchRefusedError extends Error {
  override readonly name = "FetchRefusedError";
  readonly code = "ERR_FETCH_REFUSED";
}

/** How guardedFetch connects. */
export interface GuardedFetchOptions {
  signal: AbortSignal;
  /** Default 5. */
  maxRedirects?: number;
  /** dns.lookup-compatible; injectable so tests can resolve names to loopback test servers. */
  lookup?: LookupFunction;
  /** Default: isPublicAddress. Injectable only so tests can treat a 127.0.0.x test server as public. */
  isAllowedAddress?: (address: string) => boolean;
  headers?: Record<string, string>;
}

/** A response whose headers have arrived; the body is read (capped) or discarded by the caller. */
export interface GuardedResponse {
  /** The URL that answered, after redirects. */
  url: string;
  redirects: number;
  status: number;
  statusText: string;
  /** Lower-cased media type without parameters ("text/html"), "" when absent. */
  mediaType: string;
  charset: string | undefined;
  contentLength: number | undefined;
  /** Reads the decoded body, stopping once it passes `maxBytes` (then `truncated` is true). */
  readBody(maxBytes: number): Promise<{ body: Buffer; truncated: boolean }>;
  discard(): void;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Wraps `lookup` so that every address a name resolves to must pass `isAllowed`; one bad address
 * refuses the name (the connection would otherwise pick any of them).
 */
export function guardLookup(lookup: LookupFunction, isAllowed: (address: string) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, result, family) => {
      if (error) return callback(error, "", 0);
      const all: LookupAddress[] = Array.isArray(result)
        ? result
        : [{ address: result, family: family ?? 4 }];
      const bad = all.find((entry) => !isAllowed(entry.address));
      if (bad || all.length === 0) {
        const why = bad
          ? `it resolves to ${bad.address}, ${describeAddress(bad.address)}`
          : "it has no address";
        return callback(new FetchRefusedError(`Refused to connect to ${hostname}: ${why}.`), "", 0);
      }
      if (options.all) return callback(null, all);
      callback(null, all[0]!.address, all[0]!.family);
    });
  };
}

/**
 * GETs `url`, following up to maxRedirects redirects, each hop checked by the guard. Rejects with
 * FetchRefusedError for a refused URL or address, and with the request's error otherwise.
 */
export async function guardedFetch(url: string, options: GuardedFetchOptions): Promise<GuardedResponse> {
  const isAllowed = options.isAllowedAddress ?? isPublicAddress;
  const lookup = guardLookup(options.lookup ?? (dnsLookup as LookupFunction), isAllowed);
  const maxRedirects = options.maxRedirects ?? 5;
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw new FetchRefusedError(
      `${JSON.stringify(url)} is not a valid URL; give a full URL like https://example.com/page.`,
    );
  }
  for (let hop = 0; ; hop++) {
    const refusal = urlRefusal(current, isAllowed);
    if (refusal) {
      const via = hop > 0 ? " (reached through a redirect)" : "";
      throw new FetchRefusedError(`Refused to fetch ${current.href}${via}: ${refusal}.`);
    }
    const response = await requestOnce(current, lookup, isAllowed, options);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode ?? 0) || location === undefined) {
      return wrap(response, current, hop);
    }
    response.destroy();
    if (hop >= maxRedirects)
      throw new FetchRefusedError(`Stopped after ${maxRedirects} redirects (last: ${current.href}).`);
    try {
      current = new URL(location, current);
    } catch {
      throw new FetchRefusedError(
        `${current.href} redirected to an invalid URL: ${JSON.stringify(location)}.`,
      );
    }
  }
}

function requestOnce(
  url: URL,
  lookup: LookupFunction,
  isAllowed: (address: string) => boolean,
  options: GuardedFetchOptions,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === "https:" ? https : http;
    // agent: false: no pooled socket from an earlier request (checked under another policy) is reused.
    const request = client.request(
      url,
      { headers: options.headers, lookup, agent: false, signal: options.signal },
      resolve,
    );
    request.on("error", reject);
    request.on("socket", (socket) => {
      // Second line of defence, for any path that connects without our lookup.
      socket.once("connect", () => {
        const address = socket.remoteAddress;
        if (address !== undefined && !isAllowed(address)) {
          request.destroy(
            new FetchRefusedError(
              `Refused: ${url.host} connected to ${address}, ${describeAddress(address)}.`,
            ),
          );
        }
      });
    });
    request.end();
  });
}

function wrap(response: IncomingMessage, url: URL, redirects: number): GuardedResponse {
  const [type = "", ...params] = (response.headers["content-type"] ?? "").split(";");
  const charset = params
    .map((p) => p.trim().match(/^charset="?([^";]+)"?$/i)?.[1])
    .find((c) => c !== undefined);
  const length = Number(response.headers["content-length"]);
  return {
    url: url.href,
    redirects,
    status: response.statusCode ?? 0,
    statusText: response.statusMessage ?? "",
    mediaType: type.trim().toLowerCase(),
    charset,
    contentLength:
      Number.isFinite(length) && response.headers["content-length"] !== undefined ? length : undefined,
    readBody: (maxBytes) => readCapped(response, maxBytes),
    discard: () => response.destroy(),
  };
}

async function readCapped(
  response: IncomingMessage,
  maxBytes: number,
): Promise<{ body: Buffer; truncated: boolean }> {
  const encoding = (response.headers["content-encoding"] ?? "").trim().toLowerCase();
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? zlib.createGunzip()
      : encoding === "deflate"
        ? zlib.createInflate()
        : encoding === "br"
          ? zlib.createBrotliDecompress()
          : undefined;
  const stream: Readable = decoder ? pipeline(response, decoder, () => {}) : response;
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  // The cap counts decoded bytes, so a small compressed bomb cannot expand without limit.
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (size + chunk.length > maxBytes) {
      chunks.push(chunk.subarray(0, maxBytes - size));
      truncated = true;
      break;
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  if (truncated) response.destroy();
  return { body: Buffer.concat(chunks), truncated };
}
