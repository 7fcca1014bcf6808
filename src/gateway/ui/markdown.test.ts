// The web UI's Markdown renderer (a browser module, loaded here as plain ESM): formatting, and that no
// payload in model text ever becomes markup, an event handler or a non-http(s) link.
import { describe, expect, it } from "vitest";

type Render = (text: string) => string;
const moduleUrl = new URL("./static/markdown.js", import.meta.url).href;
const { renderMarkdown, escapeHtml } = (await import(moduleUrl)) as {
  renderMarkdown: Render;
  escapeHtml: Render;
};

/** Every tag name in the output, e.g. ["p", "strong", "/strong", "/p"]. */
const tags = (html: string) => [...html.matchAll(/<(\/?[a-z0-9]+)/gi)].map((m) => m[1]);
const ALLOWED = new Set(
  "p br strong em del code pre h3 h4 h5 h6 ul ol li blockquote hr a table thead tbody tr th td div".split(
    " ",
  ),
);

describe("renderMarkdown", () => {
  it("renders paragraphs, headings, emphasis and inline code", () => {
    expect(
      renderMarkdown("# Title\n\nSome **bold**, *italic*, _also_, ~~gone~~ and `x < y`.\nNext line"),
    ).toBe(
      "<h3>Title</h3><p>Some <strong>bold</strong>, <em>italic</em>, <em>also</em>, <del>gone</del> and <code>x &lt; y</code>.<br>Next line</p>",
    );
  });

  it("keeps formatting out of code spans, code blocks and words", () => {
    expect(renderMarkdown("`**not bold**` snake_case_name 2*3*4")).toBe(
      "<p><code>**not bold**</code> snake_case_name 2*3*4</p>",
    );
    expect(renderMarkdown("```ts\nconst a = **b** < c;\n# not a heading\n```\nafter")).toBe(
      '<pre><code class="language-ts" data-lang="ts">const a = **b** &lt; c;\n# not a heading</code></pre><p>after</p>',
    );
  });

  it("renders an unclosed code fence (a reply still streaming) as code", () => {
    expect(renderMarkdown("look:\n```\nlet x = 1;")).toBe("<p>look:</p><pre><code>let x = 1;</code></pre>");
  });

  it("renders lists, nested lists, ordered lists with a start, quotes and rules", () => {
    expect(renderMarkdown("- one\n- two\n  - nested\n- three")).toBe(
      "<ul><li>one</li><li>two<ul><li>nested</li></ul></li><li>three</li></ul>",
    );
    expect(renderMarkdown("3. c\n4. d")).toBe('<ol start="3"><li>c</li><li>d</li></ol>');
    expect(renderMarkdown("> quoted **text**\n> more\n\n---")).toBe(
      "<blockquote><p>quoted <strong>text</strong><br>more</p></blockquote><hr>",
    );
    expect(renderMarkdown("text\n- item")).toBe("<p>text</p><ul><li>item</li></ul>");
  });

  it("renders tables with alignment classes (no style attributes)", () => {
    expect(renderMarkdown("| a | b |\n|:--|--:|\n| 1 | **2** |")).toBe(
      '<div class="table-wrap"><table><thead><tr><th class="align-left">a</th><th class="align-right">b</th></tr></thead><tbody><tr><td class="align-left">1</td><td class="align-right"><strong>2</strong></td></tr></tbody></table></div>',
    );
  });

  it("links http(s) URLs only, opening in a new tab without referrer or opener", () => {
    const a = (href: string, text = href) =>
      `<a href="${href}" target="_blank" rel="noopener noreferrer">${text}</a>`;
    expect(renderMarkdown("[docs](https://example.com/a?b=1&c=2)")).toBe(
      `<p>${a("https://example.com/a?b=1&amp;c=2", "docs")}</p>`,
    );
    expect(renderMarkdown("see https://example.com/x. or <http://example.org>")).toBe(
      `<p>see ${a("https://example.com/x")}. or ${a("http://example.org")}</p>`,
    );
    expect(renderMarkdown("[**bold** `code`](https://e.com)")).toBe(
      `<p>${a("https://e.com", "<strong>bold</strong> <code>code</code>")}</p>`,
    );
    expect(renderMarkdown("`https://in.code`")).toBe("<p><code>https://in.code</code></p>");
  });

  const payloads = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<svg/onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JavaScript:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    '[x"><script>alert(1)</script>](https://e.com)',
    '[x](https://e.com/"><script>alert(1)</script>)',
    '[x](https://e.com/" onmouseover="alert(1))',
    "[x](https://e.com/'onmouseover='alert(1))",
    'https://e.com/"onmouseover=alert(1)//',
    '<a href="javascript:alert(1)">x</a>',
    "```\n</code></pre><img src=x onerror=alert(1)>\n```",
    "`</code><img src=x onerror=alert(1)>`",
    "# <iframe src=javascript:alert(1)>",
    "| <b onclick=alert(1)>x</b> | y |\n|---|---|\n| <img src=x> | z |",
    "- <img src=x onerror=alert(1)>\n  - **<script>**",
    "> <style>body{display:none}</style>",
    '```" onmouseover=alert(1)\nx\n```',
    "**<img src=x onerror=alert(1)>**",
    "&lt;script&gt; &#60;script&#62; \u0000<img src=x>",
    "[a](https://e.com)[b](javascript:x)<https://e.com/<img>",
  ];

  it.each(payloads)("renders %j inert", (payload) => {
    const html = renderMarkdown(payload);
    for (const tag of tags(html)) expect(ALLOWED).toContain(tag!.replace("/", ""));
    // Inside every tag: only the attributes the renderer writes, quoted, and every href is http(s).
    for (const [, attributes] of html.matchAll(/<[a-z0-9]+((?:\s[^>]*)?)>/g)) {
      expect(attributes!.replace(/\s(?:href|target|rel|class|data-lang|start)="[^"<>]*"/g, "")).toBe("");
    }
    for (const [, href] of html.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^https?:\/\//);
    expect(html).not.toMatch(/javascript:[^<]*<\/a>|href="(?:javascript|data|vbscript)/i);
    // Angle brackets of the payload survive only as text.
    expect(html.replace(/<\/?[a-z0-9]+(?:\s[^>]*)?>/g, "")).not.toMatch(/[<>]/);
  });

  it("escapes the five HTML characters", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });
});
