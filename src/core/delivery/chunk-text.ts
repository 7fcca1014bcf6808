// Splits a long Markdown reply into pieces that fit a channel's message cap (Telegram: 4096), cutting
// at the gentlest boundary that fits and closing/reopening fenced code blocks so every piece renders.

/** A fenced code block; offsets are UTF-16 indexes into the text being chunked. */
interface Fence {
  openStart: number;
  /** End of the opener line, before its line break. */
  openEnd: number;
  /** Start of the closer line, or text.length when the block is never closed. */
  closeStart: number;
  closeEnd: number;
  /** "```ts\n" for a piece that starts inside the block; "" when wrapping is off. */
  reopen: string;
  /** "\n```" for a piece that ends inside the block; "" when wrapping is off. */
  close: string;
}

// Only ASCII whitespace is a break point: a no-break space means "do not break here".
const WS = /[ \t\n\r\f\v]/;
const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * Splits `text` into pieces of at most `maxChars` UTF-16 units, preferring (in order) blank lines,
 * line breaks, sentence ends, whitespace and, last, a cut between graphemes. A piece is cut at the
 * best boundary in the back half of its window when there is one, so pieces stay close to the cap.
 * Contract: no empty pieces; only whitespace at a cut is dropped (inside code only the line breaks,
 * indentation stays), so joining the pieces gives `text` back apart from that whitespace and the
 * added fences; a piece that ends inside a fenced block gets its closing fence, and the next piece
 * reopens it with the same fence and language, both counted against the cap (skipped only when a
 * fence would take more than half the cap). Never splits a surrogate pair. Throws RangeError when
 * maxChars is not an integer >= 2.
 */
export function chunkText(text: string, maxChars: number): string[] {
  if (!Number.isInteger(maxChars) || maxChars < 2) {
    throw new RangeError(`chunkText needs an integer maxChars of at least 2, got ${maxChars}.`);
  }
  let textEnd = text.length;
  while (textEnd > 0 && WS.test(text[textEnd - 1]!)) textEnd--;
  if (textEnd === 0) return [];
  const fences = findFences(text, maxChars);

  /** The fence whose block contains position p (after its opener line, before its closer). */
  const openAt = (p: number): Fence | undefined => {
    const f = fenceBefore(fences, p);
    return f && f.openEnd < p && p < f.closeStart ? f : undefined;
  };

  /** Where the next piece starts after a cut at c: past the whitespace, but keeping code indentation. */
  const nextStart = (c: number): number => {
    let n = c;
    while (n < text.length && WS.test(text[n]!)) n++;
    if (n >= textEnd) return text.length;
    const lastBreak = text.slice(c, n).lastIndexOf("\n"); // only within the whitespace just skipped
    return openAt(n) && lastBreak >= 0 ? c + lastBreak + 1 : n;
  };

  /** A cut must not leave half a fence line, an opener with no code, or a piece that is only a closer. */
  const allowed = (c: number): boolean => {
    const f = fenceBefore(fences, c);
    if (f && ((f.openStart < c && c <= f.openEnd) || (f.closeStart < c && c < f.closeEnd))) return false;
    const n = nextStart(c);
    const g = fenceBefore(fences, n);
    return !(g && g.closeStart < text.length && g.closeStart <= n && n < g.closeEnd);
  };

  const length = (pos: number, prefix: number, c: number) =>
    prefix + c - pos + (openAt(c)?.close.length ?? 0);

  /** The best whitespace cut that fits, or undefined when the window has none. */
  const softCut = (pos: number, prefix: number): number | undefined => {
    const room = maxChars - prefix;
    const runs: Array<{ at: number; rank: number }> = [];
    const window = text.slice(pos, pos + room + 1);
    for (const m of window.matchAll(/[ \t\n\r\f\v]+/g)) {
      if (m.index === 0) continue; // leading code indentation is not a cut
      const at = pos + m.index;
      let run = m[0];
      if (m.index + run.length === window.length) {
        const tail = /[ \t\n\r\f\v]*/y; // the run may go on past the window: count all its breaks
        tail.lastIndex = at + run.length;
        run += tail.exec(text)![0];
      }
      const breaks = run.split("\n").length - 1;
      const rank = breaks >= 2 ? 0 : breaks === 1 ? 1 : ".!?".includes(text[at - 1]!) ? 2 : 3;
      runs.push({ at, rank });
    }
    for (const minFill of [room / 2, 1]) {
      for (let rank = 0; rank <= 3; rank++) {
        for (let i = runs.length - 1; i >= 0 && runs[i]!.at - pos >= minFill; i--) {
          const { at } = runs[i]!;
          if (runs[i]!.rank <= rank && length(pos, prefix, at) <= maxChars && allowed(at)) return at;
        }
      }
    }
    return undefined;
  };

  /** Last resort: cut between graphemes, stepping back off fence lines (a few tries, then any fit). */
  const hardCut = (pos: number, prefix: number): number => {
    let fallback: number | undefined;
    for (let room = maxChars - prefix, tries = 0; room >= 1 && tries < 64; room--) {
      let c = boundaryBefore(text, pos, pos + room);
      while (c > pos + 1 && WS.test(text[c - 1]!)) c--;
      if (length(pos, prefix, c) > maxChars) continue;
      if (allowed(c)) return c;
      fallback ??= c;
      tries++;
    }
    return fallback ?? boundaryBefore(text, pos, pos + 1);
  };

  const pieces: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    const prefix = openAt(pos)?.reopen ?? "";
    const end = prefix.length + text.length - pos <= maxChars ? text.length : textEnd;
    if (prefix.length + end - pos <= maxChars) {
      pieces.push(prefix + text.slice(pos, end));
      break;
    }
    const cut = softCut(pos, prefix.length) ?? hardCut(pos, prefix.length);
    pieces.push(prefix + text.slice(pos, cut) + (openAt(cut)?.close ?? ""));
    pos = nextStart(cut);
  }
  return pieces;
}

/** Fenced code blocks, CommonMark style: a closer uses the opener's character, at least as many. */
function findFences(text: string, maxChars: number): Fence[] {
  const fences: Fence[] = [];
  let open: { start: number; end: number; marker: string; lang: string } | undefined;
  for (let start = 0; start <= text.length;) {
    const newline = text.indexOf("\n", start);
    let end = newline === -1 ? text.length : newline;
    if (end > start && text[end - 1] === "\r") end--;
    const m = FENCE_LINE.exec(text.slice(start, end));
    if (m && open && m[1]![0] === open.marker[0] && m[1]!.length >= open.marker.length && !m[2]!.trim()) {
      fences.push(fence(open, start, end, maxChars));
      open = undefined;
    } else if (m && !open && !(m[1]![0] === "`" && m[2]!.includes("`"))) {
      open = { start, end, marker: m[1]!, lang: m[2]!.trim().split(/\s+/)[0]! };
    }
    if (newline === -1) break;
    start = newline + 1;
  }
  if (open) fences.push(fence(open, text.length, text.length, maxChars));
  return fences;
}

function fence(
  open: { start: number; end: number; marker: string; lang: string },
  closeStart: number,
  closeEnd: number,
  maxChars: number,
): Fence {
  const reopen = `${open.marker}${open.lang}\n`;
  const close = `\n${open.marker}`;
  const wrap = reopen.length + close.length <= maxChars / 2;
  const base = { openStart: open.start, openEnd: open.end, closeStart, closeEnd };
  return wrap ? { ...base, reopen, close } : { ...base, reopen: "", close: "" };
}

/** The last fence that opens at or before p (fences are sorted and never overlap). */
function fenceBefore(fences: Fence[], p: number): Fence | undefined {
  let lo = 0;
  let hi = fences.length - 1;
  let found: Fence | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (fences[mid]!.openStart <= p) [found, lo] = [fences[mid], mid + 1];
    else hi = mid - 1;
  }
  return found;
}

/** The last grapheme boundary in (pos, c]; a code point boundary when one grapheme is wider than that. */
function boundaryBefore(text: string, pos: number, c: number): number {
  if (c >= text.length) return text.length;
  let best = pos;
  for (const { index } of graphemes.segment(text.slice(pos, c + 32))) {
    if (index > c - pos) break;
    best = pos + index;
  }
  if (best > pos) return best;
  const high = text.charCodeAt(c - 1);
  const splitsPair = high >= 0xd800 && high <= 0xdbff;
  return splitsPair ? (c - 1 > pos ? c - 1 : c + 1) : c;
}
