// Embeddings for the local memory index: a vector per piece of text, kept as a Float32 blob beside it
// in memory.db, and the hybrid ranking: BM25's order and cosine similarity's order fused by
// reciprocal rank (each list gives 1/(60 + rank)), so neither score scale has to be calibrated.
import type { DatabaseSync } from "node:sqlite";
import { inTransaction } from "./db.ts";

/** Turns texts into vectors (the AI SDK's embedMany over the configured embedding model). */
export interface MemoryEmbedder {
  /** The model's ref, shown by `memory status` ("openai/text-embedding-3-small"). */
  model: string;
  /** Contract: one vector per text, in order, all of one length; rejects when the provider fails. */
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** Reciprocal-rank fusion's constant, as in Cormack et al. (2009) and most hybrid search engines. */
const RRF_K = 60;
/** Texts sent to the embedder per call. */
const BATCH = 64;

export interface MemoryVectors {
  /** Embeds every piece that has no vector yet (new and changed notes, new turns). */
  embedMissing(): Promise<number>;
  /**
   * The `limit` best ids by fused rank: `keyword` is BM25's order (best first); the query's vector is
   * compared with every stored vector the actor may see.
   */
  fuse(
    query: string,
    keyword: number[],
    actor: string,
    limit: number,
  ): Promise<Array<{ id: number; score: number }>>;
  /** Forgets every vector (a full rebuild). */
  reset(): void;
}

const toBlob = (v: Float32Array) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
const fromBlob = (b: Uint8Array) =>
  new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);

function cosine(a: Float32Array, b: Float32Array, normA: number): number {
  if (a.length !== b.length) return -1;
  let dot = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    nb += b[i]! * b[i]!;
  }
  return nb === 0 || normA === 0 ? 0 : dot / Math.sqrt(normA * nb);
}

export function createMemoryVectors(db: DatabaseSync, embedder: MemoryEmbedder): MemoryVectors {
  const getModel = db.prepare("SELECT value FROM memory_meta WHERE key = 'embedding_model'");
  const setModel = db.prepare(
    "INSERT INTO memory_meta (key, value) VALUES ('embedding_model', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );
  const missing = db.prepare(
    `SELECT id, text FROM chunks WHERE embedding IS NULL ORDER BY id LIMIT ${BATCH}`,
  );
  const store = db.prepare("UPDATE chunks SET embedding = ? WHERE id = ? AND text = ?");
  const visible = db.prepare(
    `SELECT id, embedding FROM chunks
     WHERE embedding IS NOT NULL AND (kind = 'note' OR (actor = ? AND internal = 0))`,
  );
  const clear = () => db.exec("UPDATE chunks SET embedding = NULL WHERE embedding IS NOT NULL");
  // Vectors of another model cannot be compared with this one's: start over when the model changes.
  if ((getModel.get() as { value?: string } | undefined)?.value !== embedder.model) {
    clear();
    setModel.run(embedder.model);
  }

  return {
    async embedMissing() {
      let done = 0;
      for (;;) {
        const rows = missing.all() as Array<{ id: number; text: string }>;
        if (rows.length === 0) return done;
        const vectors = await embedder.embed(rows.map((r) => r.text));
        if (vectors.length !== rows.length) {
          throw new Error(`the embedding model gave ${vectors.length} vectors for ${rows.length} texts`);
        }
        // `text = ?`: a piece changed while its vector was being made keeps none, and is embedded next time.
        inTransaction(db, () => rows.forEach((row, i) => store.run(toBlob(vectors[i]!), row.id, row.text)));
        done += rows.length;
        if (rows.length < BATCH) return done;
      }
    },

    async fuse(query, keyword, actor, limit) {
      const [q] = await embedder.embed([query]);
      if (!q) throw new Error("the embedding model gave no vector for the query");
      let normQ = 0;
      for (const x of q) normQ += x * x;
      const similar = (visible.all(actor) as Array<{ id: number; embedding: Uint8Array }>)
        .map((row) => ({ id: row.id, sim: cosine(q, fromBlob(row.embedding), normQ) }))
        .sort((a, b) => b.sim - a.sim)
        .slice(0, Math.max(limit * 4, 40));
      const fused = new Map<number, number>();
      keyword.forEach((id, rank) => fused.set(id, (fused.get(id) ?? 0) + 1 / (RRF_K + rank + 1)));
      similar.forEach(({ id }, rank) => fused.set(id, (fused.get(id) ?? 0) + 1 / (RRF_K + rank + 1)));
      return [...fused]
        .map(([id, score]) => ({ id, score }))
        .sort((a, b) => b.score - a.score)
        .slice(0, limit);
    },

    reset: clear,
  };
}
