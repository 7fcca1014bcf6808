// An estimate of the memory a parsed JSON value takes in V8 (64-bit, no pointer compression, as Node
// ships): caches of parsed transcripts are bounded by what they hold in memory, not by their JSONL
// bytes, which can differ several times over (short strings and small objects cost more than their text).

// Object: map, properties and elements words; then one word per property. Keys are interned, shared.
const OBJECT = 24;
// Array: the JSArray (map, properties, elements, length) and its backing store's header.
const ARRAY = 32 + 16;
const WORD = 8;
// Sequential string header (map, hash, length), then the characters, padded to a word.
const STRING = 16;
// A number outside the 32-bit small-integer range (a time in ms, a fraction) is a boxed heap number.
const HEAP_NUMBER = 16;

const padded = (bytes: number) => Math.ceil(bytes / WORD) * WORD;

/** Whether V8 can store the string one byte per character (Latin-1); otherwise two. */
const oneByte = (text: string) => !/[^\u0000-\u00ff]/.test(text);

/** Estimated bytes V8 uses for `value` as JSON.parse builds it. Contract: never throws on JSON data. */
export function estimateParsedBytes(value: unknown): number {
  switch (typeof value) {
    case "string":
      return STRING + padded(oneByte(value) ? value.length : value.length * 2);
    case "number":
      return Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31 ? 0 : HEAP_NUMBER;
    case "object": {
      if (value === null) return 0;
      if (Array.isArray(value)) {
        let bytes = ARRAY + WORD * value.length;
        for (const item of value) bytes += estimateParsedBytes(item);
        return bytes;
      }
      let bytes = OBJECT;
      for (const key in value) {
        bytes += WORD + estimateParsedBytes((value as Record<string, unknown>)[key]);
      }
      return bytes;
    }
    default:
      return 0;
  }
}
