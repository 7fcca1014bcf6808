// Behaviour of the webhook secret check: only the exact secret in Telegram's header passes.
import { describe, expect, it } from "vitest";
import { TELEGRAM_SECRET_HEADER, verifyTelegramSecret } from "./verify.ts";

const SECRET = "s3cr3t_Webhook-Token_0123456789";
const withSecret = (value: string) => new Headers({ [TELEGRAM_SECRET_HEADER]: value });

describe("verifyTelegramSecret", () => {
  it("accepts the exact secret, whatever the header name's case", () => {
    expect(verifyTelegramSecret(withSecret(SECRET), SECRET)).toBe(true);
    expect(verifyTelegramSecret(new Headers({ "x-telegram-bot-api-secret-token": SECRET }), SECRET)).toBe(
      true,
    );
  });

  it("rejects a missing header", () => {
    expect(verifyTelegramSecret(new Headers(), SECRET)).toBe(false);
    expect(verifyTelegramSecret(new Headers({ "content-type": "application/json" }), SECRET)).toBe(false);
  });

  it("rejects a wrong secret of the same length", () => {
    const lastByteOff = SECRET.slice(0, -1) + "X";
    expect(verifyTelegramSecret(withSecret(lastByteOff), SECRET)).toBe(false);
    expect(verifyTelegramSecret(withSecret(SECRET.toUpperCase()), SECRET)).toBe(false);
  });

  it("rejects secrets of other lengths, including prefixes and extensions, without throwing", () => {
    for (const value of ["", SECRET.slice(0, 5), SECRET.slice(0, -1), `${SECRET}x`, `${SECRET}${SECRET}`]) {
      expect(verifyTelegramSecret(withSecret(value), SECRET), value).toBe(false);
    }
  });

  it("rejects everything when the configured secret is empty", () => {
    expect(verifyTelegramSecret(withSecret(""), "")).toBe(false);
    expect(verifyTelegramSecret(new Headers(), "")).toBe(false);
  });
});
