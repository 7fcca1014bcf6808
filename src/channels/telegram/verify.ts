// Checks that a webhook call really comes from Telegram: it echoes the secret_token given to
// setWebhook in a header. Compared in constant time so response timing reveals nothing of the secret.
import { timingSafeEqual } from "node:crypto";

/** The header Telegram sets on every webhook call when setWebhook had a secret_token. */
export const TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

/**
 * True when the request carries exactly `secret` in the X-Telegram-Bot-Api-Secret-Token header.
 * Contract: never throws; false for a missing header, an empty configured secret or any mismatch;
 * the time taken depends only on the secret's length, not on how many bytes matched.
 */
export function verifyTelegramSecret(headers: Headers, secret: string): boolean {
  const given = headers.get(TELEGRAM_SECRET_HEADER);
  if (given === null || secret === "") return false;
  const expected = Buffer.from(secret, "utf8");
  const actual = Buffer.from(given, "utf8");
  const sameLength = actual.length === expected.length;
  // timingSafeEqual throws on unequal lengths; comparing the secret with itself keeps the work the same.
  const equal = timingSafeEqual(sameLength ? actual : expected, expected);
  return sameLength && equal;
}
