// memory_search over 10,000 notes, as the local engine runs it (SQLite FTS5 in memory.db, BM25), and what
// keeping the index current costs: one changed note re-read, and a full stat walk of the workspace.
// Notes are synthetic daily notes and topic notes from a seeded generator: English function words and a
// Zipf-distributed vocabulary, so common words match thousands of notes as they do in a real workspace.
// `node bench/memory.ts [notes]` prints the figures alone.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createSqliteMemory } from "../src/adapters/sqlite/memory-index.ts";
import { createSystemClock } from "../src/util/system-clock.ts";
import { percentile } from "./stats.ts";

const FUNCTION_WORDS = "the a and of to in is it that for on with was at by we i my about from".split(" ");

/** A seeded generator (mulberry32), so every run indexes the same notes. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 6,000 pronounceable words; word i is drawn with weight 1/(i+20) (Zipf-Mandelbrot). */
function vocabulary(rand: () => number) {
  const syllables =
    "ka lo mi ra ten sor vel dun pri mas bel cor fin gal hop jun lek nor pax qui rust sel tam vor wen".split(
      " ",
    );
  const words = new Set<string>();
  while (words.size < 6_000) {
    const n = 2 + Math.floor(rand() * 2);
    words.add(Array.from({ length: n }, () => syllables[Math.floor(rand() * syllables.length)]).join(""));
  }
  const list = [...words];
  // Offset 20: the commonest content word is in about a fifth of the notes (a name in every daily note),
  // as in real notes; function words ("the", "my") come on top of these, in nearly every note.
  const weights = list.map((_, i) => 1 / (i + 20));
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += w / total));
  const pick = () => {
    const x = rand();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return list[lo]!;
  };
  return { list, pick };
}

function sentence(rand: () => number, pick: () => string): string {
  const words = Array.from({ length: 6 + Math.floor(rand() * 10) }, () =>
    rand() < 0.4 ? FUNCTION_WORDS[Math.floor(rand() * FUNCTION_WORDS.length)]! : pick(),
  );
  return `${words.join(" ")}.`;
}

function note(rand: () => number, pick: () => string, title: string): string {
  const lines = [`# ${title}`, ""];
  const sections = 1 + Math.floor(rand() * 3);
  for (let s = 0; s < sections; s++) {
    lines.push(`## ${pick()} ${pick()}`);
    const paragraphs = 1 + Math.floor(rand() * 2);
    for (let p = 0; p < paragraphs; p++) lines.push(sentence(rand, pick) + " " + sentence(rand, pick), "");
  }
  return lines.join("\n");
}

/** Writes `count` notes: a third dated daily notes in memory/, the rest topic notes in 100 folders. */
async function writeWorkspace(root: string, count: number) {
  const rand = random(12);
  const { pick } = vocabulary(rand);
  const daily = Math.floor(count / 3);
  const start = Date.UTC(2018, 0, 1);
  await mkdir(join(root, "memory"), { recursive: true });
  for (let f = 0; f < 100; f++) await mkdir(join(root, "notes", `topic-${f}`), { recursive: true });
  const writes: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const day = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
    const path =
      i < daily ? join(root, "memory", `${day}.md`) : join(root, "notes", `topic-${i % 100}`, `note-${i}.md`);
    writes.push(writeFile(path, note(rand, pick, i < daily ? day : `Note ${i}`)));
    if (writes.length >= 256) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  return { rand, pick };
}

export interface MemoryFigures {
  notes: number;
  indexSeconds: number;
  dbMb: number;
  /** memory_search as the tool runs it (the index kept current by the paced walk and the agent's writes). */
  search: { n: number; p50: number; p95: number; max: number };
  /** The same searches' CPU time (this process): the figure that holds on a machine busy with others. */
  searchCpu: { p50: number; p95: number };
  /** Load average over the last minute when the searches ran, and the cores there are. */
  load: { average: number; cores: number };
  /** The same searches with a full stat walk before each (what a workspace of under 500 notes gets). */
  searchWithWalk: { p50: number; p95: number };
  /** A note the agent just wrote: noteChanged + the next search finding its new words. */
  changedNoteMs: number;
  /** index() after one note changed on disk: a stat walk of every note and that note re-read. */
  indexAfterChangeMs: number;
}

export async function benchMemory(count = 10_000, queries = 300): Promise<MemoryFigures> {
  const dir = await mkdtemp(join(tmpdir(), "agent-claw-memory-bench-"));
  try {
    const root = join(dir, "workspace");
    const { rand, pick } = await writeWorkspace(root, count);
    const path = join(dir, "memory.db");
    const clock = createSystemClock();
    const memory = createSqliteMemory({ path, root, clock });
    const began = performance.now();
    await memory.index();
    const indexSeconds = (performance.now() - began) / 1000;
    // Queries as a model writes them: two to four words, sometimes with function words.
    const texts = Array.from({ length: queries }, () =>
      Array.from({ length: 2 + Math.floor(rand() * 3) }, () =>
        rand() < 0.25 ? FUNCTION_WORDS[Math.floor(rand() * FUNCTION_WORDS.length)]! : pick(),
      ).join(" "),
    );
    for (const query of texts.slice(0, 20)) await memory.search({ query }); // warm the page cache and JIT
    const times: number[] = [];
    const cpu: number[] = [];
    for (const query of texts) {
      const c = process.cpuUsage();
      const t = performance.now();
      await memory.search({ query });
      times.push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1000);
    }
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);

    const target = join(root, "memory", "2018-01-02.md");
    await writeFile(target, "# 2018-01-02\n\nThe zanzibar ferry leaves at seven.\n");
    let t = performance.now();
    memory.noteChanged("memory/2018-01-02.md");
    const hits = await memory.search({ query: "zanzibar ferry" });
    const changedNoteMs = performance.now() - t;
    if (hits[0]?.ref !== "memory/2018-01-02.md") throw new Error("the changed note was not found");

    await writeFile(target, "# 2018-01-02\n\nThe zanzibar ferry leaves at eight.\n");
    t = performance.now();
    await memory.index();
    const indexAfterChangeMs = performance.now() - t;
    await memory.close();

    const walking = createSqliteMemory({ path, root, clock, eagerNotes: Number.POSITIVE_INFINITY });
    const walked: number[] = [];
    for (const query of texts.slice(0, 40)) {
      const s = performance.now();
      await walking.search({ query });
      walked.push(performance.now() - s);
    }
    await walking.close();
    walked.sort((a, b) => a - b);
    const { statSync } = await import("node:fs");
    const dbMb =
      ["", "-wal"].reduce((n, x) => n + (statSync(path + x, { throwIfNoEntry: false })?.size ?? 0), 0) / 1e6;
    return {
      notes: count,
      indexSeconds,
      dbMb,
      search: { n: times.length, p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1)! },
      searchCpu: { p50: percentile(cpu, 50), p95: percentile(cpu, 95) },
      load: { average: loadavg()[0]!, cores: cpus().length },
      searchWithWalk: { p50: percentile(walked, 50), p95: percentile(walked, 95) },
      changedNoteMs,
      indexAfterChangeMs,
    };
  } finally {
    if (process.env["KEEP_MEMORY_BENCH"]) process.stderr.write(`kept ${dir}\n`);
    else await rm(dir, { recursive: true, force: true });
  }
}

export function memoryLines(f: MemoryFigures): string[] {
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  const label = (text: string) => text.padEnd(47);
  const n = f.notes.toLocaleString("en");
  return [
    `${label(`memory index: ${n} notes, first index()`)}${f.indexSeconds.toFixed(1)} s   memory.db ${f.dbMb.toFixed(1)} MB`,
    `${label(`memory_search over ${n} notes (BM25)`)}p50 ${ms(f.search.p50)}   p95 ${ms(f.search.p95)}${f.search.p95 < 20 ? " ✓" : " ✗ (target 20 ms)"}   max ${ms(f.search.max)}   n=${f.search.n}`,
    `${label("  the same searches, CPU time")}p50 ${ms(f.searchCpu.p50)}   p95 ${ms(f.searchCpu.p95)}   (load average ${f.load.average.toFixed(1)} on ${f.load.cores} cores)`,
    `${label(`memory_search with a stat walk before each`)}p50 ${ms(f.searchWithWalk.p50)}   p95 ${ms(f.searchWithWalk.p95)}   (walks run at most every 30 s past 500 notes)`,
    `${label("a note the agent just wrote, found by search")}${ms(f.changedNoteMs)}`,
    `${label(`index() after one changed note (${n} stat)`)}${ms(f.indexAfterChangeMs)}`,
  ];
}

if (import.meta.main) {
  const count = Number(process.argv[2] ?? 10_000);
  for (const line of memoryLines(await benchMemory(count))) process.stdout.write(`${line}\n`);
}
