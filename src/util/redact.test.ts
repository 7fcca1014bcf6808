import { describe, expect, it } from "vitest";
import { redact, secretValues } from "./redact.ts";

describe("redact", () => {
  it("masks the values of secret-looking variables, longest first", () => {
    const secrets = secretValues({
      OPENAI_API_KEY: "abcdefgh12345678",
      TELEGRAM_BOT_TOKEN: "abcdefgh12345678-longer",
      HOME: "/home/ada",
      SHORT_TOKEN: "abc",
    });
    expect(secrets).toEqual(["abcdefgh12345678-longer", "abcdefgh12345678"]);
    expect(redact("key=abcdefgh12345678-longer and abcdefgh12345678 in /home/ada", secrets)).toBe(
      "key=[redacted] and [redacted] in /home/ada",
    );
  });

  it("masks well-known token shapes even when not in the environment", () => {
    expect(redact("sk-ant-api03-abcdefghijklmnopqrstu and AKIAABCDEFGHIJKLMNOP")).toBe(
      "[redacted] and [redacted]",
    );
    expect(redact("bot 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0 ok")).toBe("bot [redacted] ok");
  });

  it("masks bearer tokens and API-key headers a provider echoes, keeping the header's name", () => {
    const echoed =
      'Invalid token in header "Authorization: Bearer ollama-local-0123456789" (x-api-key: abc123def456ghi)';
    expect(redact(echoed)).toBe(
      'Invalid token in header "Authorization: Bearer [redacted]" (x-api-key: [redacted])',
    );
    expect(redact('{"api_key":"zz-99887766554433"}')).toBe('{"api_key":"[redacted]"}');
    expect(redact("authorization=Basic dXNlcjpwYXNzd29yZA==")).toBe("authorization=Basic [redacted]");
  });

  it("leaves prose that merely mentions bearers and authorization alone", () => {
    const prose = "A Basic understanding of bearer instruments; Authorization: required beforehand.";
    expect(redact(prose)).toBe(prose);
  });

  it("masks the whole of a configured secret that contains an environment one", () => {
    // The gateway passes the environment's secrets first, then those of config.json.
    const secrets = [...secretValues({ GATEWAY_TOKEN: "tok-1234abcd" }), "tok-1234abcd-and-more-9876"];
    expect(redact("token tok-1234abcd-and-more-9876 sent", secrets)).toBe("token [redacted] sent");
  });

  it("never blanks out text for a configured secret shorter than 8 characters", () => {
    expect(redact("a short word", ["short"])).toBe("a short word");
  });
});
