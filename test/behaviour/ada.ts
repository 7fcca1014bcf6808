// Ada, the person most behaviour tests talk as: her Telegram direct chat, and her messages in it.
import type { ChannelContext, InboundMessage } from "../../src/core/messages.ts";

export const ADA_DM: ChannelContext = {
  channel: "telegram",
  chatKind: "dm",
  description: "Telegram",
  interactive: false,
};

let count = 0;

/** A message from Ada in her direct chat at `at`; ids count up (dedupe ids stay unique); `over` changes any field. */
export function fromAda(text: string, at: number, over: Partial<InboundMessage> = {}): InboundMessage {
  return {
    id: `m${++count}`,
    channel: "telegram",
    account: "default",
    chat: { id: "42", kind: "dm" },
    sender: { id: "42", name: "Ada" },
    text,
    at,
    ...over,
  };
}
