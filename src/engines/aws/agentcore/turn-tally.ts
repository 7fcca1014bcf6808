// What a turn streamed so far (its text, usage and steps): at the cap, the reply is made of it.
import type { AgentEvent } from "../../../core/agent/events.ts";
import type { TurnResult } from "../../../core/turn/run-turn.ts";

export interface TurnTally {
  /** Set once anything came back from the runtime (the waking notice is then not needed). */
  framed: boolean;
  add(event: AgentEvent): void;
  /** The result of a turn stopped at the cap: the text so far and a sentence saying it was stopped. */
  stoppedAtCap(sessionKey: string, capMs: number): TurnResult;
}

export function createTurnTally(): TurnTally {
  let text = "";
  let steps = 0;
  const usage = { inputTokens: 0, outputTokens: 0 };
  return {
    framed: false,
    add(event) {
      // A later step's text starts a new paragraph, as in the final reply.
      if (event.type === "step_start") {
        steps = Math.max(steps, event.step);
        if (text) text += "\n\n";
      }
      if (event.type === "text_delta") text += event.text;
      if (event.type === "step_end") {
        usage.inputTokens += event.usage.inputTokens;
        usage.outputTokens += event.usage.outputTokens;
      }
    },
    stoppedAtCap(sessionKey, capMs) {
      const limit =
        capMs % 60_000 === 0 ? `${capMs / 60_000} minutes` : `${Math.round(capMs / 1000)} seconds`;
      const written = text.trim();
      const reply = written
        ? `${written}\n\n(I stopped here: a turn may run for ${limit}, and this one ran out of time. Send a message to go on.)`
        : `Sorry, I could not answer this message: a turn may run for ${limit}, and this one ran out of time, so I stopped it. Try asking for less at once.`;
      // Stored as the outcome like any reply: trying the turn again would only run into the cap again.
      return { reply, sessionKey, sessionId: "", usage: { ...usage }, steps, stopReason: "aborted" };
    },
  };
}
