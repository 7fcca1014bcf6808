// Hybrid memory search through the AI SDK's OpenAI embedding model against a fake /v1/embeddings on
// 127.0.0.1: a note found by meaning alone, vectors made once per piece, and keywords when it fails.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type FakeEmbeddingsServer,
  startOpenAIEmbeddingsFake,
} from "../../../test/fakes/openai-embeddings-server.ts";
import { configSchema } from "../../config/schema.ts";
import { createEmbedder } from "../../models/embedding-model.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { createSqliteMemory, type SqliteMemory } from "./memory-index.ts";

const MODEL = "openai/text-embedding-3-small";

describe("hybrid memory search (BM25 + embeddings)", () => {
  let dir: string;
  let root: string;
  let fake: FakeEmbeddingsServer;
  let memory: SqliteMemory;
  let warnings: string[];
  const put = async (path: string, text: string) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  };
  const open = (model = MODEL) => {
    const env = { OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: fake.url };
    memory = createSqliteMemory({
      path: join(dir, "memory.db"),
      root,
      clock: createFakeClock(),
      embedder: createEmbedder(model, configSchema.parse({}), env),
      warn: (message) => warnings.push(message),
    });
    return memory;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "claw-vectors-"));
    root = join(dir, "workspace");
    fake = await startOpenAIEmbeddingsFake();
    warnings = [];
    await put("notes/garage.md", "# Friday\nLeft the automobile on level 3 of the station garage.\n");
    await put("notes/soup.md", "# Recipes\nLentil soup needs cumin and lemon.\n");
  });
  afterEach(async () => {
    await memory?.close();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("finds a note by meaning that shares no word with the query, keyword hits still first", async () => {
    const keywordsOnly = createSqliteMemory({ path: ":memory:", root, clock: createFakeClock() });
    expect(await keywordsOnly.search({ query: "where is my car" })).toEqual([]);
    await keywordsOnly.close();

    const m = open();
    expect((await m.index()).indexed).toBe(2);
    const [first] = await m.search({ query: "where is my car" });
    expect(first).toMatchObject({ source: "note", ref: "notes/garage.md", lines: { from: 1, to: 2 } });
    const both = await m.search({ query: "lentil soup vehicle" });
    expect(
      both
        .map((h) => h.ref)
        .slice(0, 2)
        .sort(),
    ).toEqual(["notes/garage.md", "notes/soup.md"]);
    expect(await m.status()).toMatchObject({ embeddings: MODEL, notes: 2 });
    expect(fake.requests[0]).toEqual({
      model: "text-embedding-3-small",
      input: expect.arrayContaining([expect.stringContaining("automobile")]),
    });
  });

  it("embeds each piece once, a changed note again, and the query each search", async () => {
    const m = open();
    await m.index();
    const pieces = () => fake.requests.filter((r) => !r.input.includes("car")).flatMap((r) => r.input);
    expect(pieces()).toHaveLength(2);
    await m.search({ query: "car" });
    await m.search({ query: "car" });
    expect(fake.requests.filter((r) => r.input.length === 1 && r.input[0] === "car")).toHaveLength(2);
    expect(pieces()).toHaveLength(2);
    await put("notes/soup.md", "# Recipes\nLentil soup needs cumin, lemon and a bay leaf.\n");
    m.noteChanged("notes/soup.md");
    await m.search({ query: "car" });
    expect(pieces()).toHaveLength(3);
    expect(pieces().at(-1)).toMatch(/bay leaf/);
    await m.close();
    // Another model's vectors cannot be compared with these: all are made again.
    const before = fake.requests.length;
    await open("openai/text-embedding-3-large").index();
    expect(fake.requests.slice(before).flatMap((r) => r.input)).toHaveLength(2);
  });

  it("falls back to keywords when the embedding model fails, and says so without secrets", async () => {
    const m = open();
    await m.index();
    fake.fail(500, 10);
    const hits = await m.search({ query: "automobile garage" });
    expect(hits.map((h) => h.ref)).toEqual(["notes/garage.md"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^memory search used keywords only: embedding failed \(/);
    expect(warnings[0]).not.toContain("test-key");
    await expect(m.index({ full: true })).rejects.toThrow();
  });
});
