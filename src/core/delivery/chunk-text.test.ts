// Behaviour of chunkText: what a chat user sees when a long reply arrives as several messages.
import { describe, expect, it } from "vitest";
import { chunkText } from "./chunk-text.ts";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ADDED_OPEN = /^(`{3,}|~{3,})[^\n`]*\n/;
const ADDED_CLOSE = /\n(`{3,}|~{3,})$/;

/** Asserts the pieces are the text in order, minus whitespace at the cuts and fences the chunker added. */
function expectCovers(text: string, pieces: string[]): void {
  let cursor = 0;
  for (const piece of pieces) {
    const open = ADDED_OPEN.exec(piece)?.[0] ?? "";
    const close = ADDED_CLOSE.exec(piece)?.[0] ?? "";
    const variants = [piece, piece.slice(open.length), piece.slice(0, piece.length - close.length)];
    variants.push(piece.slice(open.length, piece.length - close.length));
    const found = variants
      .map((v) => ({ v, at: text.indexOf(v, cursor) }))
      .find(({ v, at }) => v && at >= 0 && !text.slice(cursor, at).trim());
    expect(found, `piece not found in order: ${JSON.stringify(piece.slice(0, 60))}`).toBeDefined();
    cursor = found!.at + found!.v.length;
  }
  expect(text.slice(cursor).trim()).toBe("");
}

function expectWellFormed(pieces: string[], maxChars: number): void {
  for (const piece of pieces) {
    expect(piece.length).toBeLessThanOrEqual(maxChars);
    expect(piece.trim()).not.toBe("");
    expect(piece).not.toMatch(LONE_SURROGATE);
  }
}

const sentence = (i: number) => `Sentence number ${i} explains one more detail of the plan.`;
const paragraph = (from: number, count: number) =>
  Array.from({ length: count }, (_, k) => sentence(from + k)).join(" ");

describe("chunkText", () => {
  it("sends a short reply as one unchanged message, and nothing for a blank one", () => {
    expect(chunkText("Hello **there**!\n", 4096)).toEqual(["Hello **there**!\n"]);
    expect(chunkText(" \n\t\n", 4096)).toEqual([]);
    expect(chunkText("", 4096)).toEqual([]);
  });

  it("splits a 10,000-character reply into messages under 4096 at paragraph ends, in order", () => {
    const paragraphs = Array.from({ length: 40 }, (_, i) => paragraph(i * 10, 1 + (i % 7)));
    let text = paragraphs.join("\n\n");
    while (text.length < 10_000) text += `\n\n${paragraph(text.length, 3)}`;
    const pieces = chunkText(text, 4096);
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    expectWellFormed(pieces, 4096);
    expectCovers(text, pieces);
    expect(pieces.join("\n\n")).toBe(text); // every cut fell on a blank line
    for (const piece of pieces.slice(0, -1)) expect(piece.length).toBeGreaterThan(2048);
  });

  it("prefers a blank line to a later line break, a line break to a sentence end, and so on", () => {
    const para = "a".repeat(60) + "\n\n" + "b".repeat(20) + "\n" + "c".repeat(30);
    expect(chunkText(para, 100)[0]).toBe("a".repeat(60));
    const line = "a".repeat(60) + "\n" + "b. " + "c".repeat(30);
    expect(chunkText(line, 90)[0]).toBe("a".repeat(60));
    const sent = "Alpha beta gamma delta. Epsilon zeta eta theta iota kappa lambda";
    expect(chunkText(sent, 40)).toEqual([
      "Alpha beta gamma delta.",
      "Epsilon zeta eta theta iota kappa lambda",
    ]);
    expect(chunkText("one two three four five six", 12)).toEqual(["one two", "three four", "five six"]);
  });

  it("fills a message rather than sending a tiny one for an early blank line", () => {
    const text = "Hi.\n\n" + paragraph(0, 10);
    const [first] = chunkText(text, 300);
    expect(first!.length).toBeGreaterThan(150);
    expect(first!.startsWith("Hi.\n\nSentence number 0")).toBe(true);
  });

  it("hard-cuts a word longer than the limit and loses nothing", () => {
    const url = "https://example.com/" + "x".repeat(250);
    const pieces = chunkText(`See ${url} now`, 100);
    expectWellFormed(pieces, 100);
    expect(pieces).toEqual(["See", url.slice(0, 100), url.slice(100, 200), `${url.slice(200)} now`]);
  });

  it("never splits an emoji's surrogate pair, nor a joined emoji when it can avoid it", () => {
    const pieces = chunkText("a".repeat(9) + "😀" + "b", 10);
    expect(pieces).toEqual(["a".repeat(9), "😀b"]);
    const smileys = chunkText("😀".repeat(50), 7);
    expectWellFormed(smileys, 7);
    expect(smileys.join("")).toBe("😀".repeat(50));
    const family = "👨‍👩‍👧"; // 8 UTF-16 units joined with zero-width joiners
    const families = chunkText(family.repeat(6), 20);
    expect(families.every((p) => p === family.repeat(p.length / family.length))).toBe(true);
    const chain = "👍" + "\u200d👍".repeat(10); // one grapheme wider than the limit: cut between code points
    const links = chunkText(chain, 10);
    expectWellFormed(links, 10);
    expect(links.join("")).toBe(chain);
  });

  it("closes a long code block at the end of a message and reopens it with its language", () => {
    const code = Array.from({ length: 120 }, (_, i) => `  const value${i} = compute(${i});`).join("\n");
    const text = `Here is the file:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nThat is all.`;
    const pieces = chunkText(text, 500);
    expectWellFormed(pieces, 500);
    expectCovers(text, pieces);
    for (const piece of pieces) {
      const fences = piece.split("\n").filter((l) => l.startsWith("```"));
      expect(fences.length % 2, piece).toBe(0);
      if (piece !== pieces[0] && piece !== pieces.at(-1)) expect(piece.startsWith("```ts\n")).toBe(true);
    }
    const codeLines = pieces.flatMap((p) => p.split("\n")).filter((l) => l.startsWith("  const"));
    expect(codeLines.join("\n")).toBe(code); // indentation survives every cut
  });

  it("keeps tilde fences and never leaves an empty code block or a lone closing fence", () => {
    const text = `Intro line.\n~~~python\n${"print('hello world')\n".repeat(40)}~~~\nDone.`;
    for (let max = 40; max <= 200; max += 7) {
      const pieces = chunkText(text, max);
      expectWellFormed(pieces, max);
      expectCovers(text, pieces);
      for (const piece of pieces) {
        expect(piece).not.toMatch(/~~~\w*\n~~~/);
        expect(piece.trim()).not.toBe("~~~");
        if (piece.includes("print") && !piece.startsWith("Intro")) expect(piece).toMatch(/^~~~python\n/);
      }
    }
  });

  it("hard-cuts a code line longer than the limit without stranding the closing fence", () => {
    const pieces = chunkText("```\n" + "x".repeat(50) + "\n```", 20);
    expectWellFormed(pieces, 20);
    for (const piece of pieces) expect(piece).toMatch(/^```\nx+\n```$/);
    expect(pieces.map((p) => p.slice(4, -4)).join("")).toBe("x".repeat(50));
  });

  it("treats Windows line breaks like Unix ones and keeps them inside a message", () => {
    const text = [paragraph(0, 3), paragraph(3, 3), "```js\r\nlet a = 1;\r\nlet b = 2;\r\n```"].join(
      "\r\n\r\n",
    );
    const pieces = chunkText(text, 200);
    expectWellFormed(pieces, 200);
    expectCovers(text, pieces);
    for (const piece of pieces) expect(piece).not.toMatch(/^\s|\s$/);
    expect(pieces.at(-1)).toContain("let a = 1;\r\nlet b = 2;");
  });

  it("keeps every invariant across many limits on a mixed reply", () => {
    const text = [
      "# Plan",
      paragraph(0, 4),
      "- first item\n- second item with more words\n1. numbered",
      "```sh\nnpm ci\nnpm run build -- --watch --verbose\n```",
      "> quoted line one\n> quoted line two 🎉",
      paragraph(4, 5),
    ].join("\n\n");
    for (let max = 30; max <= 400; max += 13) {
      const pieces = chunkText(text, max);
      expectWellFormed(pieces, max);
      expectCovers(text, pieces);
    }
  });

  it("rejects a limit too small to make progress", () => {
    expect(() => chunkText("abc", 1)).toThrow(RangeError);
    expect(() => chunkText("abc", 2.5)).toThrow(RangeError);
  });
});
