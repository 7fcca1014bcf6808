// What the commands that work on the local state (pairing, cron) share: their injectable deps and
// the small kit built on them (print lines, print JSON, run with the local assistant open).
import { stripTerminalControls } from "../util/control-chars.ts";
import { type LocalAssistant, openLocalAssistant } from "../engines/local/assistant.ts";
import type { Clock } from "../ports/clock.ts";

/** Injectable so tests use a temp home and a fake clock. */
export interface LocalCommandDeps {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  clock?: Clock;
}

export function localCommandKit(deps: LocalCommandDeps) {
  return {
    /** Lines carry names and texts that chats wrote (a sender's name, a job a chat scheduled): no escape sequences. */
    print: (lines: string[]) => deps.out(`${stripTerminalControls(lines.join("\n"))}\n`),
    json: (value: unknown) => deps.out(`${JSON.stringify(value, null, 2)}\n`),
    /** Runs `fn` with the local assistant open, and closes it afterwards. */
    async open<T>(fn: (assistant: LocalAssistant) => Promise<T>): Promise<T> {
      const assistant = await openLocalAssistant({ env: deps.env, clock: deps.clock });
      try {
        return await fn(assistant);
      } finally {
        await assistant.close();
      }
    },
  };
}
