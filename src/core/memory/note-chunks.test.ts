// Note chunking: pieces start at headings, grow by paragraph, and name the lines they span.
import { describe, expect, it } from "vitest";
import { chunkNote, chunkSearchText } from "./note-chunks.ts";
import { queryWords } from "./query-words.ts";

describe("chunkNote", () => {
  it("starts a piece at each heading and spans the piece's non-blank lines", () => {
    const text = "# Title\nintro line\n\n## Errands\nmilk\nbread\n\n\n## Health\ndentist Thursday\n";
    expect(chunkNote(text)).toEqual([
      { from: 1, to: 2, text: "# Title\nintro line" },
      { from: 4, to: 6, text: "## Errands\nmilk\nbread" },
      { from: 9, to: 10, text: "## Health\ndentist Thursday" },
    ]);
  });

  it("closes a long piece at a paragraph break and carries the heading into the next", () => {
    const para = (n: number) => `paragraph ${n} ${"word ".repeat(140)}`.trim();
    const chunks = chunkNote(`## Trip\n${para(1)}\n\n${para(2)}\n`);
    expect(chunks.map((c) => [c.from, c.to, c.heading])).toEqual([
      [1, 2, undefined],
      [4, 4, "Trip"],
    ]);
    expect(chunkSearchText(chunks[1]!)).toMatch(/^Trip\nparagraph 2/);
  });

  it("cuts a paragraph longer than the cap at a line boundary, and keeps # in code blocks as text", () => {
    const long = Array.from({ length: 60 }, (_, i) => `line ${i} ${"x".repeat(40)}`).join("\n");
    const chunks = chunkNote(long);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks[0]!.from).toBe(1);
    expect(chunks.at(-1)!.to).toBe(60);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.from).toBe(chunks[i - 1]!.to + 1);
    expect(chunkNote("```sh\n# not a heading\n```\n").map((c) => [c.from, c.to])).toEqual([[1, 3]]);
  });

  it("gives nothing for an empty or blank note, and handles CRLF", () => {
    expect(chunkNote("")).toEqual([]);
    expect(chunkNote("\n\n  \n")).toEqual([]);
    expect(chunkNote("# A\r\nb\r\n")).toEqual([{ from: 1, to: 2, text: "# A\nb" }]);
  });
});

describe("queryWords", () => {
  it("keeps letters and digits, lower-cased and distinct, and drops operators and quotes", () => {
    expect(queryWords('"Dentist" AND (Okonkwo) OR dentist* -x ^y NEAR(a b) ÅSA 42')).toEqual([
      "dentist",
      "and",
      "okonkwo",
      "or",
      "x",
      "y",
      "near",
      "a",
      "b",
      "åsa",
      "42",
    ]);
    expect(queryWords(" ?! ")).toEqual([]);
  });
});
