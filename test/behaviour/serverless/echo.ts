// The fake model's answer for load scenarios: it names the messages a turn answers (the people's
// messages after its last reply), so a test can tell which reply covered which message.
import type { RecordedRequest, ScriptedReply } from "../../fakes/model-script.ts";

/** Marks a test message: chat id and number ("c3001-m2"). */
const MARK = /c\d+-m\d+/g;

/** "re " and the marks of the messages this turn answers, in order. */
export function echo(request: RecordedRequest): ScriptedReply {
  const fresh: string[] = [];
  for (const message of request.messages.toReversed()) {
    if (message.role !== "user") break;
    fresh.unshift(...(message.text.match(MARK) ?? []));
  }
  return { text: `re ${fresh.join(" ")}` };
}
