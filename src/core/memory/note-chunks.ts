// Cuts a Markdown note into searchable pieces with the lines they span: a piece starts at each
// heading and holds paragraphs until it is long enough, so a hit points at a few lines, not a file.

/** One piece of a note: 1-based first and last line, the text of those lines, the heading above it. */
export interface NoteChunk {
  from: number;
  to: number;
  text: string;
  /** The nearest heading above the piece (without #), when the piece does not start with it. */
  heading?: string;
}

/** A piece grows paragraph by paragraph up to this many characters... */
const TARGET_CHARS = 600;
/** ...and a paragraph longer than this is cut at a line boundary. */
const MAX_CHARS = 1500;

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const FENCE = /^ {0,3}(```|~~~)/;

/**
 * Pieces in file order, covering every non-blank line once. Headings inside code fences are text.
 * Pure and deterministic, so a note re-read unchanged gives the same pieces. Only the local index uses
 * it: the AWS note search cuts notes its own way (adapters/agentcore/note-search.ts), so line ranges differ.
 */
export function chunkNote(text: string): NoteChunk[] {
  const lines = text.split(/\r?\n/);
  const chunks: NoteChunk[] = [];
  let heading: string | undefined;
  let start = -1; // index of the current piece's first line, -1 when none is open
  let last = -1; // index of its last non-blank line
  let size = 0;
  let inFence = false;
  let pieceHeading: string | undefined;

  const flush = () => {
    if (start >= 0 && last >= start) {
      const body = lines.slice(start, last + 1).join("\n");
      chunks.push({
        from: start + 1,
        to: last + 1,
        text: body,
        ...(pieceHeading && { heading: pieceHeading }),
      });
    }
    start = -1;
    last = -1;
    size = 0;
  };
  const open = (i: number) => {
    start = i;
    pieceHeading = heading;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (FENCE.test(line)) inFence = !inFence;
    const h = inFence ? null : HEADING.exec(line);
    if (h) {
      flush();
      heading = h[2] || undefined;
      start = i;
      pieceHeading = undefined; // the heading is the piece's own first line
      last = i;
      size = line.length;
      continue;
    }
    if (line.trim() === "") {
      // A paragraph ends; close the piece once it is long enough (never inside a code block).
      if (!inFence && size >= TARGET_CHARS) flush();
      continue;
    }
    if (start < 0) open(i);
    else if (size + line.length > MAX_CHARS) {
      flush();
      open(i);
    }
    last = i;
    size += line.length + 1;
  }
  flush();
  return chunks;
}

/** What is indexed for a piece: its heading (for words only the heading has) and its text. */
export function chunkSearchText(chunk: NoteChunk): string {
  return chunk.heading ? `${chunk.heading}\n${chunk.text}` : chunk.text;
}
