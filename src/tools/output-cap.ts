// Keeps the head and the tail of a stream of text within a character budget, so a command that
// prints megabytes costs the context only the budget, and the end (where errors are) survives.

/** Collects text chunk by chunk; memory stays O(maxChars) whatever the stream's length. */
export interface OutputCap {
  push(chunk: string): void;
  /** The kept text; when something was cut, a note in the middle says how many characters. */
  text(): string;
  /** Characters cut so far (0 when everything fits). */
  readonly cut: number;
  /** Characters seen in total. */
  readonly total: number;
}

/** Creates an OutputCap keeping about half of `maxChars` from the start and half from the end. */
export function createOutputCap(maxChars: number): OutputCap {
  const headMax = Math.ceil(maxChars / 2);
  const tailMax = maxChars - headMax;
  let head = "";
  let tail = "";
  let total = 0;
  const trimmedTail = () => (total <= maxChars ? tail : tail.slice(tail.length - tailMax));
  return {
    push(chunk) {
      total += chunk.length;
      let rest = chunk;
      if (head.length < headMax) {
        const room = headMax - head.length;
        head += rest.slice(0, room);
        rest = rest.slice(room);
      }
      if (rest === "") return;
      tail += rest;
      // Trim in batches: slicing on every chunk would copy the tail each time.
      if (tail.length > tailMax * 2 + 4096) tail = tail.slice(tail.length - tailMax);
    },
    text() {
      if (total <= maxChars) return head + tail;
      const kept = trimmedTail();
      const cut = total - head.length - kept.length;
      return `${head}\n\n[… ${cut} characters cut from the middle of the output …]\n\n${kept}`;
    },
    get cut() {
      return total <= maxChars ? 0 : total - head.length - trimmedTail().length;
    },
    get total() {
      return total;
    },
  };
}
