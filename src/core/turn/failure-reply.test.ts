import { APICallError } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { ModelCallError, ModelSetupError } from "../agent/model-call-error.ts";
import { FAILED_REPLY, failureDetail, failureReply } from "./failure-reply.ts";

const KEY = "sk-proj-abcdefghijklmnopqrstuvwxyz012345";
const refused = (statusCode: number, message: string) =>
  new ModelCallError(
    new APICallError({
      message,
      url: "https://api.example.com/v1/chat/completions?key=secret-in-query",
      requestBodyValues: { messages: [{ role: "user", content: "private words" }] },
      statusCode,
      responseBody: JSON.stringify({ error: { message } }),
    }),
  );

describe("the reply to a failed turn", () => {
  it("says the kind of problem in a plain sentence and never the provider's words", () => {
    const cases: Array<[ModelCallError, RegExp]> = [
      [refused(401, `bad key ${KEY}`), /refused the API key\. The owner can run `agent-claw doctor`/],
      [refused(429, `quota exceeded for ${KEY}: insufficient_quota`), /out of credit or over its quota/],
      [refused(429, `Rate limit reached (key ${KEY})`), /limiting how many requests.*try again in a minute/],
      [refused(529, `Overloaded ${KEY}`), /overloaded or having an outage/],
      [
        refused(400, `maximum context length exceeded ${KEY}`),
        /too long for the model\. Start a new one with \/new/,
      ],
      [refused(404, `model not found ${KEY}`), /rejected the request/],
    ];
    for (const [error, sentence] of cases) {
      const reply = failureReply(error);
      expect(reply).toMatch(sentence);
      expect(reply).not.toContain(KEY);
      expect(reply).not.toContain("api.example.com");
    }
    expect(failureReply(new ModelSetupError("ANTHROPIC_API_KEY is not set", "export it"))).toMatch(
      /model is not set up yet/,
    );
    expect(failureReply(new Error(`disk full while writing ${KEY}`))).toBe(FAILED_REPLY);
  });

  it("gives the log the kind, status, endpoint and the provider's words, but not the prompt or the query", () => {
    const detail = failureDetail(refused(401, "Incorrect API key provided"));
    expect(detail).toMatch(/^model auth 401 from https:\/\/api\.example\.com: Incorrect API key provided/);
    expect(detail).not.toContain("private words");
    expect(detail).not.toContain("secret-in-query");
  });

  it("masks a key before cutting the provider's words short, so no half key is left for the log", () => {
    const mask = (text: string) => text.split(KEY).join("[redacted]");
    // The key straddles the 500th character of what the provider said.
    const detail = failureDetail(refused(400, `${"x".repeat(480)} ${KEY} and more`), mask);
    expect(detail).toContain("[redacted]");
    expect(detail).not.toContain(KEY.slice(0, 9));
  });
});
