// The Bot API client for one bot. Callers load this file with a dynamic import, so grammY (and its
// fetch shim) loads only when a bot is configured; importing grammY itself dynamically would not
// work in the bundle, where a split CommonJS module exposes only its default export.
import { Api, type ApiClientOptions } from "grammy";

export type BotApi = Api;

type GrammyFetch = NonNullable<ApiClientOptions["fetch"]>;

/**
 * Node's own fetch for grammY, instead of its node-fetch shim (which Node warns about: url.parse,
 * punycode). grammY hands over an abort-controller polyfill signal, which Node's fetch refuses, so
 * it is mirrored onto a native one; a streamed body (file uploads) needs duplex "half".
 */
const nativeFetch = ((url: string, init: Record<string, unknown> = {}) => {
  const {
    signal: polyfill,
    agent: _agent,
    compress: _compress,
    ...rest
  } = init as {
    signal?: { aborted: boolean; addEventListener(type: "abort", listener: () => void): void };
    agent?: unknown;
    compress?: unknown;
  } & RequestInit;
  let signal: AbortSignal | undefined;
  if (polyfill) {
    const controller = new AbortController();
    if (polyfill.aborted) controller.abort();
    else polyfill.addEventListener("abort", () => controller.abort());
    signal = controller.signal;
  }
  const body = rest.body as unknown;
  const streamed = body !== null && typeof body === "object" && Symbol.asyncIterator in body;
  return fetch(url, {
    ...rest,
    ...(signal && { signal }),
    ...(streamed && { duplex: "half" }),
  } as RequestInit);
}) as unknown as GrammyFetch;

/** Contract: makes no call; `apiRoot` has no trailing slash. */
export function createBotApi(
  token: string,
  apiRoot: string,
  options: { timeoutSeconds?: number } = {},
): BotApi {
  return new Api(token, {
    apiRoot,
    fetch: nativeFetch,
    ...(options.timeoutSeconds !== undefined && { timeoutSeconds: options.timeoutSeconds }),
  });
}
