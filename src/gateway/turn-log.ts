// One log line per turn the gateway runs, so the Logs page shows activity: which session, which
// channel, how long, how many tokens and how it ended. Never the messages: they are private.
import type { Clock } from "../ports/clock.ts";
import type { TurnRequest, TurnResult } from "../core/turn/run-turn.ts";

type Log = (level: "info" | "warn" | "error", message: string) => void;

/** Wraps a turn function so each call logs its outcome; results and errors pass through unchanged. */
export function withTurnLog(
  runTurn: (request: TurnRequest) => Promise<TurnResult>,
  deps: { clock: Clock; log: Log },
): (request: TurnRequest) => Promise<TurnResult> {
  return async (request) => {
    const started = deps.clock.now();
    const head = () =>
      `turn ${request.sessionKey} · ${request.channel.channel} · ${formatMs(deps.clock.now() - started)}`;
    try {
      const result = await runTurn(request);
      const { inputTokens, outputTokens } = result.usage;
      const messages = request.messages.length > 1 ? ` · ${request.messages.length} messages` : "";
      deps.log(
        "info",
        `${head()} · ${inputTokens} in / ${outputTokens} out tokens · ${result.steps} step${result.steps === 1 ? "" : "s"}${messages} · ${result.stopReason}`,
      );
      return result;
    } catch (error) {
      // The reason is logged by whoever handles the error (the job runner, with the retry it plans).
      deps.log("warn", `${head()} · failed${request.signal?.aborted ? " (stopped)" : ""}`);
      throw error;
    }
  };
}

function formatMs(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`;
}
