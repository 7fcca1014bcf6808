// One tool result may take only a share of the model's window (agent.compaction.toolResultMaxPercent):
// a huge file or command output is cut, head and tail kept, with a note telling the model so, instead
// of crowding out the conversation or overflowing the window on the next call.

/** How the model learns a result was cut; the numbers let it ask for a smaller part. */
export function cutNote(totalChars: number, keptChars: number): string {
  return `[… cut: this tool result had ${totalChars} characters, more than one result may take of the context (${keptChars} kept: the start and the end). Ask for a smaller part (a line range, a narrower command or query) if you need what is missing.]`;
}

/**
 * The text within maxChars: unchanged when it fits, else its start (3/4 of the room) and its end
 * (1/4), joined by the cut note. The note counts against the room.
 */
export function capToolResult(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  // The note's longest form (kept is at most maxChars), so the numbers never push it past the room.
  const note = cutNote(text.length, maxChars);
  const room = Math.max(0, maxChars - note.length - 2);
  const head = Math.floor(room * 0.75);
  const tail = room - head;
  const kept = head + tail;
  return `${text.slice(0, head)}\n${cutNote(text.length, kept)}\n${tail > 0 ? text.slice(-tail) : ""}`;
}

/** The characters one tool result may have: its share of the window, in the model's characters per token. */
export function toolResultMaxChars(window: number, charsPerToken: number, percent: number): number {
  return Math.max(1_000, Math.floor((window * percent * charsPerToken) / 100));
}
