// HTML to readable text on a realistic page: chrome dropped, structure kept, links resolved.
import { describe, expect, it } from "vitest";
import { htmlToText } from "./html-to-text.ts";

const page = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>  Growing Tomatoes &amp; Basil | Garden Notes </title>
  <style>body { font-family: sans-serif } .ad { display: none }</style>
  <script>window.dataLayer = [{ page: "tomatoes" }];</script>
  <link rel="stylesheet" href="/main.css">
</head>
<body>
  <nav class="top"><a href="/">Home</a> <a href="/blog">Blog</a> <a href="/about">About</a></nav>
  <header><h1>Growing   Tomatoes
    &amp; Basil</h1><p class="byline">By Ana, 3 May</p></header>
  <main>
    <article>
      <p>Tomatoes like <strong>sun</strong> and   <em>warm</em> soil.
         Read the <a href="/guides/soil?x=1#ph">soil guide</a> first, or see
         <a href="https://example.org/seeds">https://example.org/seeds</a>.</p>
      <div class="ad" style="display:none">BUY NOW</div>
      <h2>What you need</h2>
      <ul>
        <li>Seeds</li>
        <li>Pots
          <ul><li>Clay</li><li><p>Plastic</p></li></ul>
        </li>
        <li><a href="#top">Back to top</a></li>
      </ul>
      <h3>Steps</h3>
      <ol><li>Sow</li><li>Water</li></ol>
      <pre><code>water --daily
  --amount=2l</code></pre>
      <p>Use <code>pH 6.5</code>.<br>Then wait.</p>
      <table><tr><th>Plant</th><th>Days</th></tr><tr><td>Tomato</td><td>60</td></tr></table>
      <svg><title>icon</title><path d="M0"/></svg>
      <noscript>Enable JavaScript</noscript>
      <iframe src="https://ads.example.com"></iframe>
      <div hidden>secret hidden text</div>
      <button>Subscribe</button>
    </article>
  </main>
  <footer>© 2026 Garden Notes · <a href="/privacy">Privacy</a></footer>
  <script src="/app.js"></script>
</body>
</html>`;

describe("htmlToText", () => {
  it("turns a realistic page into readable text", () => {
    const { title, text } = htmlToText(page, "https://garden.example.com/blog/tomatoes");
    expect(title).toBe("Growing Tomatoes & Basil | Garden Notes");
    expect(text).toBe(
      [
        "# Growing Tomatoes & Basil",
        "",
        "By Ana, 3 May",
        "",
        "Tomatoes like sun and warm soil. Read the soil guide (https://garden.example.com/guides/soil?x=1#ph) " +
          "first, or see https://example.org/seeds.",
        "",
        "## What you need",
        "",
        "- Seeds",
        "- Pots",
        "  - Clay",
        "  - Plastic",
        "- Back to top",
        "",
        "### Steps",
        "",
        "1. Sow",
        "2. Water",
        "",
        "```",
        "water --daily",
        "  --amount=2l",
        "```",
        "",
        "Use `pH 6.5`.",
        "Then wait.",
        "",
        "Plant | Days",
        "Tomato | 60",
      ].join("\n"),
    );
  });

  it("honours <base href> and skips javascript: links", () => {
    const { text } = htmlToText(
      '<base href="https://cdn.example.com/docs/"><p><a href="intro.html">Intro</a> <a href="javascript:void(0)">Menu</a></p>',
      "https://example.com/",
    );
    expect(text).toBe("Intro (https://cdn.example.com/docs/intro.html) Menu");
  });

  it("survives broken markup", () => {
    const { title, text } = htmlToText("<p>one<p>two <b>bold<div>three</span>", "https://example.com/");
    expect(title).toBe("");
    expect(text).toBe("one\n\ntwo bold\n\nthree");
  });
});
