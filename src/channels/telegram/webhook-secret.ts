// The secret Telegram sends with each webhook call (X-Telegram-Bot-Api-Secret-Token): from config,
// or generated once and kept in the home folder, so the gateway and `channels telegram set-webhook` agree.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../../util/atomic-write.ts";

/** The webhook secret: channels.telegram.webhookSecret, or one generated once and kept in <home>. */
export async function telegramWebhookSecret(home: string, configured?: string): Promise<string> {
  if (configured) return configured;
  const file = join(home, "telegram-webhook.secret");
  const existing = (await readFile(file, "utf8").catch(() => "")).trim();
  if (existing.length >= 16) return existing;
  const secret = randomBytes(24).toString("base64url");
  await writeFileAtomic(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
