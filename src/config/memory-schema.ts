// Config for memory: whether the local index runs, and the embedding model that makes its search
// hybrid (BM25 fused with cosine similarity). Anthropic has no embedding models, so it is not offered.
import { z } from "zod";

export const embeddingModelRefSchema = z
  .string()
  .regex(
    /^(openai|bedrock|openai-compatible|ollama)\/.+$/,
    'an embedding model "provider/model" where provider is openai, bedrock, openai-compatible or ollama, e.g. "openai/text-embedding-3-small"',
  );

export const memorySchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        "Index the workspace's notes and past conversations, and offer memory_search and memory_get.",
      ),
    embeddings: z
      .object({
        model: embeddingModelRefSchema
          .optional()
          .describe(
            'Embedding model for hybrid search, e.g. "openai/text-embedding-3-small" or "ollama/nomic-embed-text"; absent: keywords (BM25) alone.',
          ),
      })
      .strict()
      .default({}),
  })
  .strict();
