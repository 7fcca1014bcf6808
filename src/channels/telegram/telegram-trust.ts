// Who is who on Telegram: the owner (channels.telegram.owners), people the owner approved (allowFrom or
// pairing), and everyone else. With no owners listed, the first id in allowFrom, else the first approved
// by pairing, is the owner, written into the config once where it may be written, so it never shifts.
import { senderKey, type TurnTrust } from "../../core/intake/trust.ts";
import type { InboundMessage } from "../../core/messages.ts";
import type { ChannelDeps } from "../channel-deps.ts";

/** The owner's Telegram user ids; records a derived owner in channels.telegram.owners. */
export async function telegramOwners(deps: ChannelDeps): Promise<string[]> {
  const telegram = deps.config().channels.telegram;
  if (telegram.owners.length > 0) return telegram.owners;
  const first =
    telegram.allowFrom[0] ??
    (telegram.dmPolicy === "allowlist"
      ? undefined
      : (await deps.ports.pairings.allowed("telegram"))[0]?.senderId);
  if (first === undefined || !deps.patchConfig) return first === undefined ? [] : [first];
  try {
    await deps.patchConfig({ "channels.telegram.owners": [first] });
    deps.log(
      "info",
      `telegram: ${first} is the owner (${telegram.allowFrom.length ? "first in allowFrom" : "first approved by pairing"}); recorded in channels.telegram.owners`,
    );
  } catch (error) {
    deps.log("warn", `telegram: could not record the owner in config.json: ${(error as Error).message}`);
  }
  return [first];
}

/**
 * The trust of an allowed message. `isPaired` is asked only when it matters (a sender who is neither
 * an owner nor in allowFrom); approvals count unless dmPolicy is "allowlist", as for access.
 */
export async function telegramTrust(
  message: InboundMessage,
  owners: readonly string[],
  deps: ChannelDeps,
  isPaired: () => Promise<boolean>,
): Promise<TurnTrust> {
  const telegram = deps.config().channels.telegram;
  const id = message.sender.id;
  const sender = senderKey("telegram", id);
  if (owners.includes(id)) return { level: "owner", sender };
  if (telegram.allowFrom.includes(id)) return { level: "approved", sender };
  if (telegram.dmPolicy !== "allowlist" && (await isPaired())) return { level: "approved", sender };
  return { level: "untrusted", sender };
}

/** Calls `lookup` once however often the result is asked for. */
export function once<T>(lookup: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= lookup());
}
