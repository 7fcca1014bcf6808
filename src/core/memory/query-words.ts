// The words of a search as a person types it: letters and digits only, so quotes, operators and
// punctuation can never be read as a query language by a search engine underneath.

/** At most this many words are searched; the rest of a pasted paragraph adds little. */
const MAX_WORDS = 32;

/** Lower-cased distinct words (Unicode letters and digits, joined by inner ' - _ . kept apart). */
export function queryWords(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, MAX_WORDS);
}
