// aws dev's stand-in for an API Gateway HTTP API: each request on loopback becomes a payload format 2.0
// event for the ingest function, and the function's result becomes the HTTP answer, as API Gateway maps them.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";

export interface ApiGatewayFrontOptions {
  /** Calls the integrated function; a rejection is answered 500, as API Gateway answers a failed invocation. */
  invoke(event: APIGatewayProxyEventV2): Promise<unknown>;
  /** 0 (default): any free port. */
  port?: number;
  /** API Gateway's own limits: 10 MB payloads, a 30 s integration timeout. */
  maxBodyBytes?: number;
  timeoutMs?: number;
}

export interface ApiGatewayFront {
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

// API Gateway passes these content types as text and base64-encodes every other body.
const TEXTUAL = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;
const TIMED_OUT = Symbol("timed out");
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** API Gateway's requestContext.time: "07/Dec/2026:04:00:00 +0000". */
function requestTime(at: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return (
    `${two(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:` +
    `${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} +0000`
  );
}

/** The payload 2.0 event for one request: headers lower-cased and repeated ones joined with commas. */
export function toEventV2(request: IncomingMessage, body: Buffer, now = new Date()): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? "/", "http://localhost");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headersDistinct)) {
    if (name !== "cookie" && value) headers[name] = value.join(",");
  }
  const cookies = request.headers.cookie?.split(/;\s*/).filter(Boolean);
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const textual = TEXTUAL.test(headers["content-type"] ?? "text/plain");
  const host = headers["host"] ?? "127.0.0.1";
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies?.length && { cookies }),
    headers,
    ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: host,
      domainPrefix: host.split(".")[0] ?? host,
      http: {
        method: request.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: requestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 && { body: textual ? body.toString("utf8") : body.toString("base64") }),
    isBase64Encoded: body.length > 0 && !textual,
  };
}

/**
 * The HTTP answer for a function's result. Format 2.0 takes a result without statusCode as a JSON body
 * answered 200; a string is that body as it is.
 */
export function fromResultV2(result: unknown): Required<
  Pick<APIGatewayProxyStructuredResultV2, "statusCode">
> & {
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
} {
  if (typeof result !== "object" || result === null || !("statusCode" in result)) {
    const body = typeof result === "string" ? result : JSON.stringify(result ?? null);
    return {
      statusCode: 200,
      headers: { "content-type": "application/json" },
      cookies: [],
      body: Buffer.from(body),
    };
  }
  const structured = result as APIGatewayProxyStructuredResultV2;
  const headers = Object.fromEntries(
    Object.entries(structured.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  const text = structured.body ?? "";
  return {
    statusCode: structured.statusCode ?? 200,
    headers,
    cookies: structured.cookies ?? [],
    body: structured.isBase64Encoded ? Buffer.from(text, "base64") : Buffer.from(text),
  };
}

function answer(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ message }));
}

async function readBody(request: IncomingMessage, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Starts the front on 127.0.0.1. */
export async function startApiGatewayFront(options: ApiGatewayFrontOptions): Promise<ApiGatewayFront> {
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request, maxBody);
      if (!body) return answer(response, 413, "Request Entity Too Large");
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(resolve, timeoutMs, TIMED_OUT);
      });
      const result = await Promise.race([options.invoke(toEventV2(request, body)), timedOut]).finally(() =>
        clearTimeout(timer),
      );
      if (result === TIMED_OUT) return answer(response, 503, "Service Unavailable");
      const out = fromResultV2(result);
      const headers: Record<string, string | string[]> = { ...out.headers };
      if (out.cookies.length > 0) headers["set-cookie"] = out.cookies;
      response.writeHead(out.statusCode, headers).end(out.body);
    })().catch(() => {
      if (!response.headersSent) answer(response, 500, "Internal Server Error");
      else response.destroy();
    });
  });
  // API Gateway keeps a client's connection open far longer than Node's 5 s default; a poster that
  // pauses (Telegram between updates, a benchmark between rounds) must not find it closed under it.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
