// Reads a JSONL transcript's text: one entry per line. A torn last line (an append cut off by a kill)
// is normal and dropped; any other line that is not a JSON object is damage, reported by line number.
import type { TranscriptEntry } from "../../core/transcript.ts";

export interface ParsedTranscript {
  entries: TranscriptEntry[];
  /** 1-based numbers of the lines skipped as damaged, in file order. */
  damaged: number[];
}

export function parseTranscriptLines(text: string): ParsedTranscript {
  const lines = text.split("\n");
  // Whatever follows the last "\n" is an append that never completed: drop it, as append does.
  lines.pop();
  const entries: TranscriptEntry[] = [];
  const damaged: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        entries.push(value as TranscriptEntry);
        continue;
      }
    } catch {
      // counted below
    }
    damaged.push(i + 1);
  }
  return { entries, damaged };
}

/** "line 3", "lines 3, 7 and 9", "lines 3, 7, 9 and 12 more": for log lines and doctor. */
export function describeLines(numbers: number[], shown = 5): string {
  if (numbers.length === 1) return `line ${numbers[0]}`;
  const head = numbers.slice(0, shown);
  const rest = numbers.length - head.length;
  if (rest > 0) return `lines ${head.join(", ")} and ${rest} more`;
  return `lines ${head.slice(0, -1).join(", ")} and ${head.at(-1)}`;
}

/** The one line logged (and shown by doctor) for a transcript with damaged lines. */
export function damagedLinesMessage(file: string, lines: number[]): string {
  return `${file}: skipped damaged ${describeLines(lines)} (not JSON); the rest of the transcript is used. \`agent-claw doctor\` lists damaged transcripts.`;
}
