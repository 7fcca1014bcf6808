// Behaviour of the Telegram formatter: what a Telegram user sees for the Markdown a model writes, and
// that every message is HTML Telegram accepts (known tags, nested and closed, within the length cap).
import { describe, expect, it } from "vitest";
import { parseTelegramHtml } from "../../../test/fakes/telegram-html.ts";
import { formatTelegramReply, toTelegramHtml } from "./format.ts";

const TAG = /<(\/?)([a-z-]+)((?:\s+[a-z]+="[^"<>]*")*)>/g;
const ALLOWED = new Set(["b", "i", "u", "s", "code", "pre", "a", "blockquote", "tg-spoiler"]);

/** Asserts html parses the way Telegram's parser needs: known tags, properly nested, text escaped. */
function expectValidHtml(html: string): void {
  const open: string[] = [];
  for (const [, slash, name, attrs] of html.matchAll(TAG)) {
    expect(ALLOWED.has(name!), `unknown tag <${name}> in ${html}`).toBe(true);
    if (slash) expect(open.pop(), `misnested </${name}> in ${html}`).toBe(name);
    else {
      if (attrs) expect(attrs).toMatch(name === "a" ? /^ href="[^"]+"$/ : /^ class="language-[\w#+.-]+"$/);
      open.push(name!);
    }
  }
  expect(open, `unclosed tags in ${html}`).toEqual([]);
  expect(() => parseTelegramHtml(html), html).not.toThrow(); // the fake Bot API's TDLib-like parser
  const text = html.replace(TAG, "");
  expect(text).not.toMatch(/[<>]/);
  expect(text).not.toMatch(/&(?!(?:amp|lt|gt|quot);)/);
}

/** What the user reads: the text Telegram shows once the tags and entities are parsed. */
const visible = (html: string) =>
  html
    .replace(TAG, "")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&amp;", "&");

const render = (markdown: string) => {
  const html = toTelegramHtml(markdown);
  expectValidHtml(html);
  return html;
};

describe("toTelegramHtml", () => {
  it("shows raw HTML and ampersands from the model as literal text", () => {
    const text = `<script>alert("x")</script> & <b>not bold</b> &amp; 1 < 2 > 0`;
    const html = render(text);
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<b>");
    expect(visible(html)).toBe(text);
  });

  it("renders bold, italic, strikethrough and inline code", () => {
    expect(render("**bold** __bold__ *it* _it_ ~~gone~~")).toBe(
      "<b>bold</b> <b>bold</b> <i>it</i> <i>it</i> <s>gone</s>",
    );
    expect(render("***both*** and **bold _inside_**")).toBe(
      "<b><i>both</i></b> and <b>bold <i>inside</i></b>",
    );
    expect(render("run `a < b && **c**` now")).toBe("run <code>a &lt; b &amp;&amp; **c**</code> now");
    expect(render("``code with ` tick``")).toBe("<code>code with ` tick</code>");
  });

  it("leaves underscores inside words, lone stars and escaped markup alone", () => {
    expect(render("snake_case_name and file_1_2.txt")).toBe("snake_case_name and file_1_2.txt");
    expect(render("2 * 3 * 4 = 24, ~5 min")).toBe("2 * 3 * 4 = 24, ~5 min");
    expect(render("\\*not italic\\* and \\_not\\_ either")).toBe("*not italic* and _not_ either");
  });

  it("renders fenced code as pre blocks, with the language when given, markup untouched", () => {
    expect(render("```python\nif a < b and **c**:\n    pass\n```")).toBe(
      '<pre><code class="language-python">if a &lt; b and **c**:\n    pass</code></pre>',
    );
    expect(render("~~~\nplain <text>\n~~~\nafter")).toBe("<pre>plain &lt;text&gt;</pre>\nafter");
    expect(render("Look:\n```js\nlet x = 1;")).toBe(
      'Look:\n<pre><code class="language-js">let x = 1;</code></pre>',
    );
    expect(render('```"><script>\nx\n```')).toBe("<pre>x</pre>");
  });

  it("links only http, https and tg URLs, escaping the href", () => {
    expect(render('[docs](https://example.com/a?b=1&c="2")')).toBe(
      '<a href="https://example.com/a?b=1&amp;c=&quot;2&quot;">docs</a>',
    );
    expect(render("[me](tg://user?id=42) [mail](mailto:a@b.c) [w](http://x.y/Foo_(bar))")).toBe(
      '<a href="tg://user?id=42">me</a> mail (a@b.c) <a href="http://x.y/Foo_(bar)">w</a>',
    );
    expect(render('[**bold** label](https://a.b "title")')).toBe(
      '<a href="https://a.b"><b>bold</b> label</a>',
    );
    expect(render("see <https://a.b/?q=1&r=2>")).toBe(
      'see <a href="https://a.b/?q=1&amp;r=2">https://a.b/?q=1&amp;r=2</a>',
    );
    expect(render("[](https://a.b)")).toBe('<a href="https://a.b">https://a.b</a>');
    // Telegram drops mailto: links, so the address is shown for Telegram to link by itself.
    expect(render("[a@b.c](mailto:a@b.c) <mailto:x@y.z> [us](mailto:u@s.t?subject=hi)")).toBe(
      "a@b.c x@y.z us (u@s.t)",
    );
    for (const unsafe of ["[a](javascript:alert(1))", "[b](data:text/html,x)", "[c](./notes.md)"]) {
      expect(visible(render(unsafe))).toBe(unsafe);
      expect(render(unsafe)).not.toContain("<a");
    }
  });

  it("renders headings as bold lines, rules as a line, and keeps hashtags", () => {
    expect(render("# Plan\n## Step *one* ##\n#hashtag")).toBe(
      "<b>Plan</b>\n<b>Step <i>one</i></b>\n#hashtag",
    );
    expect(render("above\n\n---\n\nbelow")).toBe("above\n\n──────────\n\nbelow");
  });

  it("renders lists as bullet and number lines, with task boxes and nested bullets", () => {
    expect(render("- one\n* two **b**\n  - nested\n1. first\n2) second\n- [ ] todo\n- [x] done")).toBe(
      "• one\n• two <b>b</b>\n  ◦ nested\n1. first\n2) second\n☐ todo\n☑ done",
    );
  });

  it("renders quotes as one blockquote and flattens nested quotes Telegram cannot show", () => {
    expect(render("> first **b**\n> second\n>> deeper\n\nafter")).toBe(
      "<blockquote>first <b>b</b>\nsecond\ndeeper</blockquote>\n\nafter",
    );
  });

  it("keeps tables readable as monospaced text and accepts Windows line breaks", () => {
    expect(render("| a | b |\r\n|---|:-:|\r\n| 1 | <2> |\r\nafter")).toBe(
      "<pre>| a | b |\n|---|:-:|\n| 1 | &lt;2&gt; |</pre>\nafter",
    );
    expect(render("**bold**\r\n\r\n\r\nnext")).toBe("<b>bold</b>\n\nnext");
  });

  it("never produces unbalanced tags from broken markup", () => {
    expect(render("**bold *mixed** text*")).toBe("<b>bold *mixed</b> text*");
    expect(render("`unclosed")).toBe("`unclosed");
    expect(render("[a](javascript:alert(1))")).toBe("[a](javascript:alert(1))");
    expect(render("<script>")).toBe("&lt;script&gt;");
    const nasty = ["**a _b** c_", "~~a **b~~ c**", "*a **b* c**", "[**a](https://x)**", "_a *b_ c*", "****"];
    for (const input of nasty.concat(["[[x](https://a)](https://b)", "**`a**`", "***a**", "<https://a>**"])) {
      render(input);
    }
  });

  it("keeps every random mix of markup valid", () => {
    const atoms = [
      "*",
      "**",
      "_",
      "__",
      "~~",
      "`",
      "```",
      "[",
      "](",
      ")",
      "https://a.b",
      "javascript:x",
      "<",
    ];
    atoms.push(
      ">",
      "&",
      '"',
      "\\",
      "\n",
      "\n\n",
      "> ",
      "# ",
      "- ",
      "1. ",
      "|",
      "---",
      "word",
      " ",
      "é",
      "😀",
    );
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 400; n++) {
      const input = Array.from(
        { length: 1 + Math.floor(next() * 30) },
        () => atoms[Math.floor(next() * atoms.length)],
      );
      render(input.join(""));
    }
  });
});

const para = (i: number) =>
  `Paragraph ${i} has **bold**, \`code <${i}>\`, a [link](https://example.com/${i}) & more text to read.`;

describe("formatTelegramReply", () => {
  it("sends a short reply as one message with its Markdown as the fallback", () => {
    expect(formatTelegramReply("Hi **Ada**")).toEqual([{ html: "Hi <b>Ada</b>", plain: "Hi **Ada**" }]);
    expect(formatTelegramReply(" \n ")).toEqual([]);
    expect(formatTelegramReply("```\n```")).toEqual([]); // Telegram refuses a message showing nothing
  });

  it("splits a 10,000-character reply into messages Telegram accepts, in order", () => {
    const markdown = Array.from({ length: 110 }, (_, i) => para(i)).join("\n\n");
    expect(markdown.length).toBeGreaterThan(10_000);
    const pieces = formatTelegramReply(markdown);
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    for (const { html, plain } of pieces) {
      expectValidHtml(html);
      expect(html.length).toBeLessThanOrEqual(4096);
      expect(parseTelegramHtml(html).text.length).toBeLessThanOrEqual(4096);
      expect(html).toBe(toTelegramHtml(plain));
    }
    expect(pieces.map((p) => p.plain).join("\n\n")).toBe(markdown);
    expect(visible(pieces.map((p) => p.html).join("\n\n"))).toContain("Paragraph 109 has bold, code <109>");
  });

  it("cuts again when a piece's markup makes its HTML longer than the cap", () => {
    const markdown = Array.from({ length: 400 }, (_, i) => `\`<${i}>\` & [x](https://a.b/${i})`).join(" ");
    const pieces = formatTelegramReply(markdown, 1000);
    for (const { html } of pieces) {
      expectValidHtml(html);
      expect(html.length).toBeLessThanOrEqual(1000);
    }
    expect(pieces.map((p) => p.plain).join(" ")).toBe(markdown);
  });

  it("keeps a long code block highlighted in every message", () => {
    const code = Array.from({ length: 300 }, (_, i) => `if (a < ${i}) b &= ${i};`).join("\n");
    const pieces = formatTelegramReply(`Here:\n\n\`\`\`ts\n${code}\n\`\`\``, 2000);
    expect(pieces.length).toBeGreaterThan(3);
    for (const { html, plain } of pieces.slice(1)) {
      expect(html).toMatch(/^<pre><code class="language-ts">[^<]*<\/code><\/pre>$/);
      expect(plain).toMatch(/^```ts\n[^`]*\n```$/);
      expect(html.length).toBeLessThanOrEqual(2000);
    }
  });

  it("stays within tiny caps, and rejects caps too small to send anything", () => {
    const markdown = `# T\n\n${para(1)}\n\n\`\`\`sh\nrm -rf <dir> && echo "&"\n\`\`\`\n\n> q **b**`;
    for (let max = 10; max <= 120; max += 11) {
      for (const { html, plain } of formatTelegramReply(markdown, max)) {
        expectValidHtml(html);
        expect(html.length).toBeLessThanOrEqual(max);
        expect(plain.trim()).not.toBe("");
      }
    }
    expect(() => formatTelegramReply("hi", 9)).toThrow(RangeError);
  });
});
