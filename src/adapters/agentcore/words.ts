// Words as the lexical searches on AWS count them: the S3 notes' BM25 and the AgentCore Memory
// stand-in's scoring. Lower-cased letter and digit runs in any script; a query is words, never syntax.

const WORD = /[\p{L}\p{N}]+/gu;

/** Common English words that match everything and rank nothing. */
const STOP = new Set(
  "a an and are as at be but by do does did for from has have had he her his i in is it its me my of on or our she so than that the their them then there these they this to was we were what when where which who will with you your".split(
    " ",
  ),
);

/** The words of `text`, lower-cased, stop words left out (unless nothing else is left). */
export function words(text: string): string[] {
  const all = (text.toLowerCase().match(WORD) ?? []).filter((w) => w.length > 0);
  const kept = all.filter((w) => !STOP.has(w));
  return kept.length > 0 ? kept : all;
}

/** A text's words counted, for BM25 and overlap scores. */
export function wordCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of words(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

export interface Bm25Doc {
  counts: Map<string, number>;
  /** Words in the document. */
  length: number;
}

/**
 * Okapi BM25 (k1 1.2, b 0.75) of each document for the query's words; 0 where none occurs.
 * Scores are comparable only within one call.
 */
export function bm25(query: string[], docs: readonly Bm25Doc[]): number[] {
  if (docs.length === 0) return [];
  const k1 = 1.2;
  const b = 0.75;
  const average = docs.reduce((sum, d) => sum + d.length, 0) / docs.length || 1;
  const unique = [...new Set(query)];
  const idf = new Map(
    unique.map((word) => {
      const having = docs.reduce((n, d) => n + (d.counts.has(word) ? 1 : 0), 0);
      return [word, Math.log(1 + (docs.length - having + 0.5) / (having + 0.5))];
    }),
  );
  return docs.map((doc) => {
    let score = 0;
    for (const word of unique) {
      const tf = doc.counts.get(word) ?? 0;
      if (tf === 0) continue;
      score += (idf.get(word)! * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * doc.length) / average));
    }
    return score;
  });
}
