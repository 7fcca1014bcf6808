// The web_fetch tool: fetch an http(s) URL and return readable text (HTML as text, JSON pretty,
// plain text as is), with the SSRF guard on every hop and caps on what is downloaded and returned.
import type { LookupFunction } from "node:net";
import { z } from "zod";
import { formatBytes } from "../util/format-bytes.ts";
import { FetchRefusedError, type GuardedResponse, guardedFetch } from "./guarded-fetch.ts";
import type { AgentTool, ToolOutput } from "./tool.ts";
import { toolError } from "./tool-result.ts";

/** Caps and, for tests only, the network seams. */
export interface WebFetchToolOptions {
  /** Characters of text returned per call; default 50 000. */
  maxChars?: number;
  /** Bytes of (decoded) body downloaded at most; default 5 MB. */
  maxBytes?: number;
  /** For the whole fetch, redirects and body included; default 30 000. */
  timeoutMs?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** dns.lookup-compatible resolver. Only for tests. */
  lookup?: LookupFunction;
  /** Which resolved addresses may be connected to; default public unicast only. Only for tests. */
  isAllowedAddress?: (address: string) => boolean;
}

const webFetchInput = z.object({
  url: z.string().describe("The full http or https URL to fetch, e.g. https://example.com/article."),
  offset: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("Character position in the page's text to start at, to continue a long page. Default 0."),
});

/** The web_fetch tool's input, as validated by its schema. */
export type WebFetchInput = z.infer<typeof webFetchInput>;

const HEADERS = {
  "user-agent": "Mozilla/5.0 (compatible; agent-claw/0.1; web_fetch)",
  accept: "text/html,application/xhtml+xml,application/json;q=0.9,text/plain;q=0.8,*/*;q=0.5",
  "accept-encoding": "gzip, deflate, br",
};

type Kind = "html" | "json" | "text";

function kindOf(mediaType: string): Kind | undefined {
  if (mediaType === "text/html" || mediaType === "application/xhtml+xml") return "html";
  if (mediaType === "application/json" || mediaType.endsWith("+json") || mediaType === "text/json")
    return "json";
  if (mediaType.startsWith("text/") || mediaType.endsWith("+xml") || mediaType === "application/xml")
    return "text";
  if (/^application\/(x-)?(javascript|ecmascript|yaml|toml|x-ndjson|ndjson)$/.test(mediaType)) return "text";
  return undefined;
}

/** Creates the `web_fetch` tool. */
export function createWebFetchTool(options: WebFetchToolOptions = {}): AgentTool<WebFetchInput> {
  const maxChars = options.maxChars ?? 50_000;
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    name: "web_fetch",
    description:
      "Fetch a public web page or API over http(s) and return it as readable text: HTML converted to " +
      "text (headings as #, list items as -, links as 'text (url)'), JSON pretty-printed, plain text as is. " +
      `Returns at most ${maxChars} characters per call; a note gives the offset to read on. Images, PDFs and ` +
      "other binary types are refused, and so are local and private network addresses.",
    input: webFetchInput,
    async run({ url, offset = 0 }, { signal, clock }) {
      const timeout = new AbortController();
      const stopTimer = new AbortController();
      clock.sleep(timeoutMs, stopTimer.signal).then(
        () => timeout.abort(new Error("timeout")),
        () => {},
      );
      try {
        const response = await guardedFetch(url, {
          signal: AbortSignal.any([signal, timeout.signal]),
          maxRedirects: options.maxRedirects,
          lookup: options.lookup,
          isAllowedAddress: options.isAllowedAddress,
          headers: HEADERS,
        });
        return await render(response, url, offset, maxChars, maxBytes);
      } catch (error) {
        if (timeout.signal.aborted) {
          return toolError(
            `Fetching ${url} timed out after ${timeoutMs / 1000} s. The site may be slow or down; try again later or another source.`,
          );
        }
        if (signal.aborted) return toolError(`Fetching ${url} was cancelled with the turn.`);
        if (error instanceof FetchRefusedError)
          return toolError(`${error.message} web_fetch only reaches public web sites.`);
        // Node's messages name the cause and the host ("getaddrinfo ENOTFOUND example.invalid").
        const reason = error instanceof Error ? error.message : String(error);
        return toolError(`Could not fetch ${url}: ${reason}. Check the URL, or try another source.`);
      } finally {
        stopTimer.abort();
      }
    },
  };
}

async function render(
  response: GuardedResponse,
  requested: string,
  offset: number,
  maxChars: number,
  maxBytes: number,
): Promise<ToolOutput> {
  let kind = kindOf(response.mediaType);
  if (kind === undefined && response.mediaType !== "") {
    response.discard();
    const size = response.contentLength === undefined ? "" : ` (${formatBytes(response.contentLength)})`;
    return toolError(
      `${response.url} is ${response.mediaType}${size}, which web_fetch cannot show as text. ` +
        "It reads HTML pages, JSON and text only.",
    );
  }
  const { body, truncated } = await response.readBody(maxBytes);
  if (kind === undefined) {
    // No Content-Type: decide from the bytes.
    if (body.subarray(0, 8192).includes(0))
      return toolError(`${response.url} has no content type and looks binary; web_fetch reads text only.`);
    kind = /^\s*(<!doctype html|<html)/i.test(body.subarray(0, 1024).toString("latin1")) ? "html" : "text";
  }
  const raw = decode(body, response.charset, kind);
  let title = "";
  let text = raw;
  if (kind === "html") {
    // Loaded on first use: the HTML parser is a fifth of the gateway's start-up code otherwise.
    const { htmlToText } = await import("./html-to-text.ts");
    ({ title, text } = htmlToText(raw, response.url));
  } else if (kind === "json") {
    try {
      text = JSON.stringify(JSON.parse(raw), null, 2);
    } catch {
      // Cut off by the size cap, or not JSON after all: show it as it came.
    }
  }

  const head = [`URL: ${response.url}${response.redirects > 0 ? ` (redirected from ${requested})` : ""}`];
  if (title) head.push(`Title: ${title}`);
  head.push(`Content-Type: ${response.mediaType || "unknown"}`);
  const notes: string[] = [];
  if (truncated)
    notes.push(
      `[Only the first ${formatBytes(maxBytes)} of the response were downloaded; the rest is missing.]`,
    );
  if (offset > 0 && offset >= text.length) {
    return toolError(`offset ${offset} is past the end of the text, which has ${text.length} characters.`);
  }
  const part = text.slice(offset, offset + maxChars);
  const end = offset + part.length;
  if (offset > 0 || end < text.length) {
    const next =
      end < text.length
        ? ` Call web_fetch with the same url and offset=${end} to read on.`
        : " This is the end.";
    notes.push(`[Showing characters ${offset}-${end} of ${text.length}.${next}]`);
  }
  const body_ = [head.join("\n"), part || "(empty)", ...notes].join("\n\n");
  if (response.status >= 400) return toolError(`HTTP ${response.status} ${response.statusText}\n${body_}`);
  return { text: body_ };
}

function decode(body: Buffer, charset: string | undefined, kind: Kind): string {
  let label = charset;
  if (label === undefined && kind === "html") {
    label = body
      .subarray(0, 2048)
      .toString("latin1")
      .match(/<meta[^>]+charset=["']?([\w-]+)/i)?.[1];
  }
  try {
    return new TextDecoder(label ?? "utf-8").decode(body);
  } catch {
    return new TextDecoder("utf-8").decode(body);
  }
}
