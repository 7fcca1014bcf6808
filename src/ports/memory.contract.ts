// The suite every Memory adapter must pass: notes found, forgotten and re-found as they change,
// recorded turns found for their person only, limits kept. Each adapter supplies the note writes.
import { describe, expect, it } from "vitest";
import { useHarness } from "./contract-harness.ts";
import type { Memory, MemoryHit, MemoryTurn } from "./memory.ts";

export interface MemoryHarness {
  memory: Memory;
  /** Writes a Markdown note into the workspace the memory reads (a folder, an S3 prefix). */
  writeNote(path: string, text: string): Promise<void>;
  /** Deletes a note from that workspace. */
  removeNote(path: string): Promise<void>;
  /**
   * Lets the backend finish work it does on its own time (AgentCore Memory: run the extraction of
   * recorded events into records). Called after recordTurn, before the searches that expect the turn.
   */
  settle?(): Promise<void>;
  cleanup(): Promise<void>;
}

const turn = (over: Partial<MemoryTurn> & { messages: MemoryTurn["messages"] }): MemoryTurn => ({
  sessionKey: "agent:main:main",
  actor: "owner",
  sessionId: "s-1",
  at: Date.UTC(2026, 11, 7, 9, 0, 0),
  ...over,
});

/** The hits whose snippet holds `word` (case-insensitive). */
const holding = (hits: MemoryHit[], word: string) =>
  hits.filter((h) => h.snippet.toLowerCase().includes(word.toLowerCase()));

export function memoryContract(name: string, make: () => Promise<MemoryHarness>): void {
  describe(`Memory contract: ${name}`, () => {
    const open = useHarness(make);

    it("finds a note after index(), with its path and the lines the snippet came from", async () => {
      const h = await open();
      const note = [
        "# 2026-12-07", // 1
        "", // 2
        "## Errands", // 3
        "Bought milk and bread.", // 4
        "", // 5
        "## Health", // 6
        "The dentist is Dr. Okonkwo, appointments on Thursdays.", // 7
        "", // 8
      ].join("\n");
      await h.writeNote("memory/2026-12-07.md", note);
      await h.memory.index();
      const hits = await h.memory.search({ query: "dentist appointments" });
      const hit = hits.find((x) => x.source === "note" && x.ref === "memory/2026-12-07.md");
      expect(hit, JSON.stringify(hits)).toBeDefined();
      expect(hit!.snippet).toMatch(/Okonkwo/);
      expect(hit!.lines).toBeDefined();
      expect(hit!.lines!.from).toBeLessThanOrEqual(7);
      expect(hit!.lines!.to).toBeGreaterThanOrEqual(7);
      expect(hit!.lines!.to).toBeLessThanOrEqual(8);
      expect(hit!.score).toEqual(expect.any(Number));
    });

    it("ranks the note that matches best first", async () => {
      const h = await open();
      await h.writeNote("notes/garden.md", "# Garden\nTomatoes need water in July.\n");
      await h.writeNote(
        "notes/trip.md",
        "# Trip\nThe ferry to Hydra leaves at 7. The Hydra hotel is booked.\n",
      );
      await h.writeNote("notes/misc.md", "# Misc\nA ferry timetable is on the fridge.\n");
      await h.memory.index();
      const hits = await h.memory.search({ query: "Hydra ferry" });
      expect(hits[0]?.ref).toBe("notes/trip.md");
      expect(hits.map((x) => x.ref)).not.toContain("notes/garden.md");
    });

    it("forgets a removed note and re-finds a changed one by its new words only", async () => {
      const h = await open();
      await h.writeNote("MEMORY.md", "# Memory\nFavourite colour: teal.\n");
      await h.writeNote("notes/old.md", "The wifi password hint is albatross.\n");
      await h.memory.index();
      expect(holding(await h.memory.search({ query: "albatross" }), "albatross")).toHaveLength(1);

      await h.removeNote("notes/old.md");
      await h.writeNote("MEMORY.md", "# Memory\nFavourite colour: vermilion.\n");
      const report = await h.memory.index();
      expect(report.removed).toBeGreaterThanOrEqual(1);
      expect(await h.memory.search({ query: "albatross" })).toEqual([]);
      expect(holding(await h.memory.search({ query: "teal" }), "teal")).toEqual([]);
      const colour = await h.memory.search({ query: "favourite colour vermilion" });
      expect(colour.find((x) => x.ref === "MEMORY.md")?.snippet).toMatch(/vermilion/);
    });

    it("index() reports what it did and a second run finds nothing new", async () => {
      const h = await open();
      await h.writeNote("notes/a.md", "alpha\n");
      await h.writeNote("notes/b.md", "beta\n");
      const first = await h.memory.index();
      expect(first.indexed).toBeGreaterThanOrEqual(2);
      const second = await h.memory.index();
      expect(second.indexed).toBe(0);
      expect(second.removed).toBe(0);
      const status = await h.memory.status();
      expect(status.notes).toBeGreaterThanOrEqual(2);
      expect(status.backend).toEqual(expect.any(String));
    });

    it("finds a recorded turn's words, once even when it was recorded twice", async () => {
      const h = await open();
      const said = turn({
        messages: [
          { role: "user", text: "My sister Ingrid arrives on the night train from Malmö." },
          { role: "assistant", text: "Noted: Ingrid, night train from Malmö." },
        ],
      });
      await h.memory.recordTurn(said);
      await h.memory.recordTurn(said);
      await h.settle?.();
      const hits = holding(await h.memory.search({ query: "Ingrid night train" }), "Ingrid");
      expect(hits.length).toBeGreaterThanOrEqual(1);
      expect(["transcript", "record"]).toContain(hits[0]!.source);
      expect(hits.filter((x) => x.source === "transcript").length).toBeLessThanOrEqual(1);
      const status = await h.memory.status();
      expect(status.transcripts + (status.records ?? 0)).toBeGreaterThanOrEqual(1);
    });

    it("keeps one person's turns from another person's searches", async () => {
      const h = await open();
      await h.memory.recordTurn(
        turn({
          actor: "telegram:1001",
          sessionKey: "agent:main:telegram:dm:1001",
          sessionId: "s-alice",
          messages: [
            { role: "user", text: "My locker combination is marzipan-4471." },
            { role: "assistant", text: "I will remember marzipan-4471." },
          ],
        }),
      );
      await h.settle?.();
      expect(
        holding(
          await h.memory.search({ query: "locker combination marzipan", actor: "telegram:2002" }),
          "marzipan",
        ),
      ).toEqual([]);
      expect(holding(await h.memory.search({ query: "locker combination marzipan" }), "marzipan")).toEqual(
        [],
      );
      const own = await h.memory.search({ query: "locker combination marzipan", actor: "telegram:1001" });
      expect(holding(own, "marzipan").length).toBeGreaterThanOrEqual(1);
    });

    it("gives at most `limit` hits, 8 by default", async () => {
      const h = await open();
      for (let i = 0; i < 12; i++)
        await h.writeNote(`notes/n${i}.md`, `# Note ${i}\nquokka sighting number ${i}\n`);
      await h.memory.index();
      expect(await h.memory.search({ query: "quokka", limit: 3 })).toHaveLength(3);
      expect(await h.memory.search({ query: "quokka" })).toHaveLength(8);
    });

    it("takes quotes and operators as words, and an empty query finds nothing", async () => {
      const h = await open();
      await h.writeNote("notes/q.md", "Remember: NEAR the pier, OR the lighthouse.\n");
      await h.memory.index();
      for (const query of ['"lighthouse', "pier AND (", "NEAR(pier)", "lighthouse*", "-pier ^x"]) {
        const hits = await h.memory.search({ query });
        expect(hits.length, query).toBeGreaterThanOrEqual(1);
      }
      expect(await h.memory.search({ query: "  ?! " })).toEqual([]);
    });

    it("close() twice is safe", async () => {
      const h = await open();
      await h.memory.close();
      await h.memory.close();
    });
  });
}
