// Folds the messages collected for one turn into the user message the model reads.
import type { InboundMessage } from "../messages.ts";

/**
 * One message stays as it is in a direct chat. In groups each line names its sender, and several
 * messages collected while a turn was running are joined in arrival order.
 */
export function userMessageText(messages: InboundMessage[]): string {
  const named = (m: InboundMessage) =>
    m.chat.kind === "group" ? `[${m.sender.name ?? m.sender.id}] ${m.text}` : m.text;
  if (messages.length === 1) return named(messages[0]!);
  return messages.map(named).join("\n\n");
}
