// Turns an HTML page into readable plain text for the model: content kept, chrome and code dropped,
// structure shown in a light markdown (# headings, - list items, text (url) links, ``` pre blocks).
import { Parser } from "htmlparser2";

/** Elements whose whole subtree is noise for a reader. */
const SKIPPED = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "nav",
  "footer",
  "svg",
  "math",
  "iframe",
  "frame",
  "canvas",
  "object",
  "embed",
  "audio",
  "video",
  "map",
  "select",
  "button",
  "textarea",
  "dialog",
]);

/** Elements that start and end a paragraph-like block. */
const BLOCKS = new Set(
  (
    "address article aside blockquote body center dd details div dl dt fieldset figcaption figure form header " +
    "hgroup hr html legend main p section summary table tbody tfoot thead"
  ).split(" "),
);

/** The readable text of a page, and its <title>. */
export interface PageText {
  title: string;
  text: string;
}

/**
 * Converts HTML to text. Links are resolved against `pageUrl` (or the page's <base href>).
 * Contract: pure; never throws on malformed HTML (the parser is forgiving).
 */
export function htmlToText(html: string, pageUrl: string): PageText {
  let out = "";
  let title = "";
  let titleDone = false;
  let inTitle = false;
  let skipDepth = 0;
  let preDepth = 0;
  let markerEnd = -1;
  let baseUrl = pageUrl;
  const lists: { ordered: boolean; count: number }[] = [];
  const links: { href: string; start: number }[] = [];
  const rows: number[] = [];

  const trimSpaces = () => {
    out = out.replace(/[ \t]+$/, "");
  };
  /** Ensures the output ends with at least `count` line breaks (none at the very start). */
  const breakLines = (count: number) => {
    if (out.length === markerEnd) return; // "- " just written: the item's first block starts on its line
    trimSpaces();
    if (out === "") return;
    const have = out.length - out.replace(/\n+$/, "").length;
    if (have < count) out += "\n".repeat(count - have);
  };
  // Inside a list, paragraphs stay tight so the items read as one list.
  const blockBreak = () => breakLines(lists.length > 0 ? 1 : 2);
  const resolve = (href: string) => {
    try {
      return new URL(href, baseUrl).href;
    } catch {
      return href;
    }
  };

  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (skipDepth > 0 || SKIPPED.has(name) || "hidden" in attrs || attrs["aria-hidden"] === "true") {
          skipDepth++;
          return;
        }
        if (/display\s*:\s*none/i.test(attrs.style ?? "")) {
          skipDepth++;
          return;
        }
        if (name === "title" && !titleDone) inTitle = true;
        else if (name === "base" && attrs.href) baseUrl = resolve(attrs.href);
        else if (/^h[1-6]$/.test(name)) {
          breakLines(2);
          out += `${"#".repeat(Number(name[1]))} `;
        } else if (name === "ul" || name === "ol") {
          breakLines(lists.length === 0 ? 2 : 1);
          lists.push({ ordered: name === "ol", count: 0 });
        } else if (name === "li") {
          breakLines(1);
          const list = lists.at(-1);
          const marker = list?.ordered ? `${++list.count}. ` : "- ";
          out += "  ".repeat(Math.max(0, lists.length - 1)) + marker;
          markerEnd = out.length;
        } else if (name === "pre") {
          breakLines(2);
          out += "```\n";
          preDepth++;
        } else if (name === "code" && preDepth === 0) out += "`";
        else if (name === "br") {
          trimSpaces();
          out += "\n";
        } else if (name === "tr") {
          breakLines(1);
          rows.push(0);
        } else if (name === "td" || name === "th") {
          const cells = rows.length > 0 ? rows[rows.length - 1]! : 0;
          if (cells > 0) out += " | ";
          if (rows.length > 0) rows[rows.length - 1] = cells + 1;
        } else if (name === "a") links.push({ href: attrs.href ?? "", start: out.length });
        else if (BLOCKS.has(name)) blockBreak();
      },
      ontext(data) {
        if (skipDepth > 0) return;
        if (inTitle) {
          title += data;
          return;
        }
        if (preDepth > 0) {
          // A newline right after <pre> is not content (HTML parsing rule).
          out += out.endsWith("```\n") ? data.replace(/^\r?\n/, "") : data;
          return;
        }
        const text = data.replace(/\s+/g, " ");
        out += text.startsWith(" ") && (out === "" || /[\s]$/.test(out)) ? text.slice(1) : text;
      },
      onclosetag(name) {
        if (skipDepth > 0) {
          skipDepth--;
          return;
        }
        if (name === "title" && inTitle) {
          inTitle = false;
          titleDone = true;
        } else if (/^h[1-6]$/.test(name)) breakLines(2);
        else if (name === "ul" || name === "ol") {
          lists.pop();
          breakLines(lists.length === 0 ? 2 : 1);
        } else if (name === "li") breakLines(1);
        else if (name === "pre") {
          if (!out.endsWith("\n")) out += "\n";
          out += "```";
          preDepth = Math.max(0, preDepth - 1);
          breakLines(2);
        } else if (name === "code" && preDepth === 0) out += "`";
        else if (name === "tr") {
          rows.pop();
          breakLines(1);
        } else if (name === "a") closeLink();
        else if (BLOCKS.has(name)) blockBreak();
      },
    },
    { decodeEntities: true },
  );

  function closeLink() {
    const link = links.pop();
    if (!link) return;
    const text = out.slice(link.start).trim();
    const href = link.href.trim();
    if (text === "" || href === "" || href.startsWith("#") || /^javascript:/i.test(href)) return;
    const url = resolve(href);
    if (text === url || text === href) return;
    trimSpaces();
    out += ` (${url})`;
  }

  parser.end(html);
  const text = out
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return { title: title.replace(/\s+/g, " ").trim(), text };
}
