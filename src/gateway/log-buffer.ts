// The gateway's log: lines go to stderr (the service manager keeps them) and to a ring buffer that
// logs.tail serves; secrets are masked and control characters stripped before either sees them, so
// untrusted text (a sender's name, a provider's error) can neither leak a key nor forge a line.
import { stripControlChars } from "../util/control-chars.ts";
import { redact } from "../util/redact.ts";

export interface LogLine {
  seq: number;
  at: number;
  level: "info" | "warn" | "error";
  message: string;
}

export interface LogBuffer {
  log(level: LogLine["level"], message: string): void;
  /** Lines after `afterSeq` (all kept lines when omitted), at most `limit`, oldest first. */
  tail(options?: { afterSeq?: number; limit?: number }): LogLine[];
  /** Contract: the listener must not throw. Returns the unsubscribe. */
  follow(listener: (line: LogLine) => void): () => void;
  /** Masks what log lines mask (without touching line breaks), for text that leaves otherwise: a streamed preview. */
  redact(text: string): string;
}

export function createLogBuffer(options: {
  now: () => number;
  secrets: readonly string[];
  capacity?: number;
  write?: (text: string) => void;
}): LogBuffer {
  const capacity = options.capacity ?? 1_000;
  const lines: LogLine[] = [];
  const followers = new Set<(line: LogLine) => void>();
  let seq = 0;
  return {
    log(level, message) {
      const line: LogLine = {
        seq: ++seq,
        at: options.now(),
        level,
        message: stripControlChars(redact(message, options.secrets)),
      };
      lines.push(line);
      if (lines.length > capacity) lines.shift();
      options.write?.(`${new Date(line.at).toISOString()} ${level.padEnd(5)} ${line.message}\n`);
      for (const follower of followers) follower(line);
    },
    tail({ afterSeq = 0, limit = 200 } = {}) {
      return lines.filter((l) => l.seq > afterSeq).slice(-limit);
    },
    follow(listener) {
      followers.add(listener);
      return () => followers.delete(listener);
    },
    redact: (text) => redact(text, options.secrets),
  };
}
