import { APICallError, LoadAPIKeyError } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { classifyModelError } from "./model-error-kind.ts";

const api = (statusCode: number | undefined, message: string, cause?: unknown) =>
  new APICallError({
    message,
    url: "https://api.example.com/v1/chat/completions",
    requestBodyValues: {},
    statusCode,
    responseBody: statusCode ? JSON.stringify({ error: { message } }) : undefined,
    cause,
  });

describe("classifyModelError", () => {
  it("sorts providers' real answers into the kinds a reply (and failover) acts on", () => {
    expect(classifyModelError(api(401, "Incorrect API key provided"))).toBe("auth");
    expect(classifyModelError(api(403, "permission_error"))).toBe("auth");
    expect(classifyModelError(api(402, "Payment Required"))).toBe("billing");
    // OpenAI's quota error is a 429 too, but waiting does not help.
    expect(classifyModelError(api(429, "You exceeded your current quota"))).toBe("billing");
    expect(classifyModelError(api(400, "Your credit balance is too low to access the Anthropic API"))).toBe(
      "billing",
    );
    expect(classifyModelError(api(429, "Rate limit reached for requests"))).toBe("rate_limit");
    expect(classifyModelError(api(529, "Overloaded"))).toBe("overloaded");
    expect(classifyModelError(api(503, "Service Unavailable"))).toBe("overloaded");
    expect(classifyModelError(api(400, "prompt is too long: 210000 tokens > 200000 maximum"))).toBe(
      "context_overflow",
    );
    expect(classifyModelError(api(400, "This model's maximum context length is 8192 tokens"))).toBe(
      "context_overflow",
    );
    expect(classifyModelError(api(404, "model 'llama9' not found"))).toBe("bad_request");
    expect(classifyModelError(api(422, "messages: field required"))).toBe("bad_request");
  });

  it("tells an unreachable or slow provider apart from one that answered", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:11434"), {
      code: "ECONNREFUSED",
    });
    expect(classifyModelError(api(undefined, "Cannot connect to API", refused))).toBe("timeout");
    expect(classifyModelError(new DOMException("The operation timed out.", "TimeoutError"))).toBe("timeout");
    expect(classifyModelError(new TypeError("fetch failed"))).toBe("timeout");
    expect(classifyModelError(api(504, "Gateway Timeout"))).toBe("timeout");
  });

  it("reads errors reported inside a stream, and a missing key", () => {
    expect(classifyModelError({ type: "overloaded_error", message: "Overloaded" })).toBe("overloaded");
    expect(classifyModelError({ error: { type: "rate_limit_error", message: "slow down" } })).toBe(
      "rate_limit",
    );
    const missing = new LoadAPIKeyError({ message: "Anthropic API key is missing." });
    expect(classifyModelError(missing)).toBe("not_configured");
    expect(classifyModelError(new Error("something odd"))).toBe("unknown");
  });
});
