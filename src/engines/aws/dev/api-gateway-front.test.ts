// The API Gateway front: requests become payload 2.0 events as API Gateway builds them, and results
// become answers as API Gateway maps them (structured, bare, base64, failed, too slow, too large).
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { type ApiGatewayFront, startApiGatewayFront } from "./api-gateway-front.ts";

describe("startApiGatewayFront", () => {
  let front: ApiGatewayFront | undefined;
  afterEach(async () => {
    await front?.close();
    front = undefined;
  });

  async function serve(result: (event: APIGatewayProxyEventV2) => unknown, options = {}) {
    const events: APIGatewayProxyEventV2[] = [];
    front = await startApiGatewayFront({
      invoke: async (event) => {
        events.push(event);
        return result(event);
      },
      ...options,
    });
    return events;
  }

  it("turns a JSON POST into a 2.0 event and answers with the structured result", async () => {
    const events = await serve(() => ({
      statusCode: 201,
      headers: { "X-Answer": "yes", "content-type": "text/plain" },
      cookies: ["a=1", "b=2"],
      body: "made",
    }));
    const response = await fetch(`${front!.url}/telegram/webhook?x=1&x=2&y=3`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "X-Telegram-Bot-Api-Secret-Token": "s3cret",
        cookie: "c=3; d=4",
      },
      body: JSON.stringify({ update_id: 7 }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-answer")).toBe("yes");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(await response.text()).toBe("made");

    const [event] = events;
    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "$default",
      rawPath: "/telegram/webhook",
      rawQueryString: "x=1&x=2&y=3",
      queryStringParameters: { x: "1,2", y: "3" },
      cookies: ["c=3", "d=4"],
      body: '{"update_id":7}',
      isBase64Encoded: false,
      requestContext: {
        stage: "$default",
        http: {
          method: "POST",
          path: "/telegram/webhook",
          protocol: "HTTP/1.1",
          sourceIp: expect.any(String),
        },
      },
    });
    expect(event!.headers["x-telegram-bot-api-secret-token"]).toBe("s3cret");
    expect(event!.headers).not.toHaveProperty("cookie");
    expect(event!.requestContext.time).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
  });

  it("base64-encodes a binary body, and sends none for an empty request", async () => {
    const events = await serve(() => ({
      statusCode: 200,
      body: Buffer.from([1, 2, 255]).toString("base64"),
      isBase64Encoded: true,
    }));
    const bytes = await fetch(front!.url, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: new Uint8Array([0, 159, 146]),
    });
    expect(new Uint8Array(await bytes.arrayBuffer())).toEqual(new Uint8Array([1, 2, 255]));
    await fetch(`${front!.url}/health`);
    expect(events[0]).toMatchObject({
      body: Buffer.from([0, 159, 146]).toString("base64"),
      isBase64Encoded: true,
    });
    expect(events[1]).toMatchObject({ rawPath: "/health", isBase64Encoded: false });
    expect(events[1]).not.toHaveProperty("body");
  });

  it("answers a result without statusCode as a 200 JSON body", async () => {
    await serve(() => ({ ok: true }));
    const response = await fetch(front!.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ ok: true });
  });

  it("answers 500 when the function fails, 503 when it is too slow and 413 for a body too large", async () => {
    await serve(
      (event) => {
        if (event.rawPath === "/fail") throw new Error("boom");
        return new Promise(() => {});
      },
      { timeoutMs: 200, maxBodyBytes: 10 },
    );
    const failed = await fetch(`${front!.url}/fail`);
    expect([failed.status, await failed.json()]).toEqual([500, { message: "Internal Server Error" }]);
    const slow = await fetch(`${front!.url}/slow`);
    expect([slow.status, await slow.json()]).toEqual([503, { message: "Service Unavailable" }]);
    const large = await fetch(front!.url, { method: "POST", body: "x".repeat(11) });
    expect(large.status).toBe(413);
  });
});
