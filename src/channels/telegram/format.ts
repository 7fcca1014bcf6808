// Renders the Markdown a model writes as the HTML subset Telegram accepts (parse_mode "HTML"), and cuts
// a reply into sendable messages, each with a plain-text twin for when Telegram rejects the HTML.
import { chunkText } from "../../core/delivery/chunk-text.ts";

/** One Telegram message: send `html` with parse_mode "HTML"; on 400 "can't parse entities" send `plain`. */
export interface TelegramPiece {
  html: string;
  plain: string;
}

// The language is the info string's leading name characters only, as it becomes a class attribute.
const FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([\w#+.-]*)[^`]*$/;
const HEADING = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^(?:[ \t]*>)+ ?/;
const LIST = /^([ \t]*)([-*+]|\d{1,9}[.)])[ \t]+(.*)$/;
const TABLE_RULE = /^[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+[ \t]*(?::?-+:?[ \t]*)?$/;
// (url) or (<url>) with an optional "title"; the url may hold parentheses nested two deep.
const LINK_TAIL =
  /^\(\s*(<[^<>\n]*>|(?:[^\s()]|\((?:[^\s()]|\([^\s()]*\))*\))+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/;
const SAFE_URL = /^(?:https?|tg):\/\/[^\s<>\x00-\x1f]+$/i;
const ESCAPABLE = /[!-/:-@[-`{-~]/;
const SPACE = /\s/u;
const PUNCT = /[\p{P}\p{S}]/u;
const RULE_LINE = "──────────";

const escapeHtml = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
const escapeAttr = (s: string) => escapeHtml(s).replaceAll('"', "&quot;");
const shows = (html: string) => html.replace(/<[^>]*>/g, "").trim() !== "";

/**
 * Markdown to Telegram HTML: bold, italic, strikethrough, inline code, fenced code (with language),
 * http/https/tg links (a mailto one as its bare address, which Telegram links by itself), headings as
 * bold lines, lists as "•"/number lines, blockquotes, rules and pipe tables (as preformatted text).
 * Contract: never throws; the output only holds Telegram's tags, always nested and closed, and every
 * other <, > and & is escaped, so raw HTML and broken markup from the model show up as literal text.
 */
export function toTelegramHtml(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) out.push(renderInline(para.join("\n"), true));
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    let m: RegExpExecArray | null;
    if (fence) {
      const [, marker, lang] = fence as unknown as [string, string, string];
      const body: string[] = [];
      const closer = new RegExp(`^ {0,3}${marker[0]}{${marker.length},}[ \\t]*$`);
      while (++i < lines.length && !closer.test(lines[i]!)) body.push(lines[i]!);
      const open = lang ? `<pre><code class="language-${lang}">` : "<pre>";
      flush();
      out.push(open + escapeHtml(body.join("\n")) + (lang ? "</code></pre>" : "</pre>"));
    } else if (QUOTE.test(line)) {
      // Quote lines are collected and rendered as one block; Telegram cannot nest quotes, so ">>" flattens.
      const inner: string[] = [];
      for (; i < lines.length && QUOTE.test(lines[i]!); i++) inner.push(lines[i]!.replace(QUOTE, ""));
      i--;
      flush();
      out.push(`<blockquote>${toTelegramHtml(inner.join("\n"))}</blockquote>`);
    } else if (!line.trim()) {
      flush();
      if (out.length && out.at(-1) !== "") out.push("");
    } else if ((m = HEADING.exec(line)) && m[1]) {
      flush();
      out.push(`<b>${renderInline(m[1], true)}</b>`);
    } else if (RULE.test(line)) {
      flush();
      out.push(RULE_LINE);
    } else if (line.includes("|") && TABLE_RULE.test(lines[i + 1] ?? "")) {
      // Telegram has no tables: a monospaced block keeps the columns lined up.
      const rows: string[] = [];
      for (; i < lines.length && lines[i]!.includes("|"); i++) rows.push(lines[i]!);
      i--;
      flush();
      out.push(`<pre>${escapeHtml(rows.join("\n"))}</pre>`);
    } else if ((m = LIST.exec(line))) {
      const [, indent, marker, rest] = m as unknown as [string, string, string, string];
      const task = /^\[([ xX])\][ \t]+/.exec(rest);
      const bullet = /\d/.test(marker) ? marker : indent.length >= 2 ? "◦" : "•";
      const mark = task && !/\d/.test(marker) ? (task[1] === " " ? "☐" : "☑") : bullet;
      const item = mark === bullet ? rest : rest.slice(task![0].length);
      flush();
      out.push(`${indent}${mark} ${renderInline(item, true)}`);
    } else {
      para.push(line);
    }
  }
  flush();
  while (out.at(-1) === "") out.pop();
  return out.join("\n");
}

/** An emphasis opened by `marker` and not closed yet, with the HTML rendered inside it so far. */
type Frame = { marker: string; html: string };

/** Inline Markdown to HTML. Emphasis opens a frame; a frame that never closes turns back into text. */
function renderInline(src: string, links: boolean): string {
  const stack: Frame[] = [{ marker: "", html: "" }];
  const emit = (html: string) => (stack.at(-1)!.html += html);
  const special = /[\\`[<*_~]/g;
  const unclosedFrom = new Map<number, number>();
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    special.lastIndex = i;
    const next = special.exec(src)?.index ?? src.length;
    if (next > i) {
      emit(escapeHtml(src.slice(i, next)));
      i = next;
    } else if (ch === "\\" && ESCAPABLE.test(src[i + 1] ?? "")) {
      emit(escapeHtml(src[i + 1]!));
      i += 2;
    } else if (ch === "`") {
      let ticks = 1;
      while (src[i + ticks] === "`") ticks++;
      // Once a run length has no closer from some point on, it has none further on either.
      const close = (unclosedFrom.get(ticks) ?? Infinity) <= i ? -1 : closingTicks(src, i + ticks, ticks);
      if (close < 0) unclosedFrom.set(ticks, i);
      if (close < 0) emit("`".repeat(ticks));
      else {
        let code = src.slice(i + ticks, close).replaceAll("\n", " ");
        if (/^ .*[^ ].* $/.test(code)) code = code.slice(1, -1);
        emit(`<code>${escapeHtml(code)}</code>`);
      }
      i = close < 0 ? i + ticks : close + ticks;
    } else {
      // A link label renders with links off: Telegram links cannot contain links.
      const link = links && (ch === "[" || ch === "<") ? linkAt(src, i) : undefined;
      if (link) {
        const label = link.label === undefined ? "" : renderInline(link.label, false);
        const anchor = `<a href="${escapeAttr(link.url)}">${label || escapeHtml(link.url)}</a>`;
        // Telegram drops mailto: links (TDLib's URL check) but links a bare address in text by itself.
        const email = escapeHtml(/^mailto:([^\s<>?]+)(?:\?.*)?$/i.exec(link.url)?.[1] ?? "");
        if (email) emit(label && label !== email ? `${label} (${email})` : email);
        else emit(SAFE_URL.test(link.url) ? anchor : escapeHtml(src.slice(i, link.end)));
        i = link.end;
      } else if (ch === "*" || ch === "_" || ch === "~") i = delimiterRun(src, i, stack);
      else {
        emit(escapeHtml(ch));
        i++;
      }
    }
  }
  while (stack.length > 1) closeAbove(stack, stack.length - 2);
  return stack[0]!.html;
}

/** A run of *, _ or ~ closes the innermost matching frame it can, then opens frames with what is left. */
function delimiterRun(src: string, start: number, stack: Frame[]): number {
  const ch = src[start]!;
  let end = start;
  while (src[end] === ch) end++;
  const before = src[start - 1] ?? " ";
  const after = src[end] ?? " ";
  // CommonMark's flanking rules: "2 * 3" is not emphasis, and "_" never opens or closes inside a word.
  const leftFlank = !SPACE.test(after) && (!PUNCT.test(after) || SPACE.test(before) || PUNCT.test(before));
  const rightFlank = !SPACE.test(before) && (!PUNCT.test(before) || SPACE.test(after) || PUNCT.test(after));
  const canOpen = leftFlank && (ch !== "_" || !rightFlank || PUNCT.test(before));
  const canClose = rightFlank && (ch !== "_" || !leftFlank || PUNCT.test(after));
  let left = end - start;
  if (ch === "~" ? left !== 2 : left > 3) {
    stack.at(-1)!.html += ch.repeat(left);
    return end;
  }
  while (canClose && left > 0) {
    const same = (f: Frame) => f.marker[0] === ch && f.marker.length <= left;
    const exact = stack.findLastIndex((f) => same(f) && f.marker.length === left);
    const k = exact > 0 ? exact : stack.findLastIndex(same);
    if (k < 1) break;
    closeAbove(stack, k);
    const frame = stack.pop()!;
    const tag = frame.marker === "~~" ? "s" : frame.marker.length === 2 ? "b" : "i";
    stack.at(-1)!.html += frame.html ? `<${tag}>${frame.html}</${tag}>` : frame.marker.repeat(2);
    left -= frame.marker.length;
  }
  if (left > 0 && canOpen) {
    if (left !== 1) stack.push({ marker: ch.repeat(2), html: "" });
    if (left !== 2) stack.push({ marker: ch, html: "" });
  } else if (left > 0) stack.at(-1)!.html += ch.repeat(left);
  return end;
}

/** Frames above index k never closed: their markers and content become text of the frame below. */
function closeAbove(stack: Frame[], k: number): void {
  while (stack.length - 1 > k) {
    const frame = stack.pop()!;
    stack.at(-1)!.html += escapeHtml(frame.marker) + frame.html;
  }
}

function closingTicks(src: string, from: number, count: number): number {
  const runs = /`+/g;
  runs.lastIndex = from;
  for (let m = runs.exec(src); m; m = runs.exec(src)) if (m[0].length === count) return m.index;
  return -1;
}

/** [label](url "title") with nested brackets, or <https://example.com>; undefined when neither. */
function linkAt(src: string, start: number): { label?: string; url: string; end: number } | undefined {
  if (src[start] === "<") {
    const auto = /^<((?:https?|tg):\/\/[^\s<>]+|mailto:[^\s<>]+)>/i.exec(src.slice(start, start + 2048));
    return auto ? { url: auto[1]!, end: start + auto[0].length } : undefined;
  }
  let i = start + 1;
  for (let depth = 1; i < src.length && i < start + 1024 && depth > 0; i++) {
    if (src[i] === "\\") i++;
    else if (src[i] === "[") depth++;
    else if (src[i] === "]") depth--;
  }
  const m = LINK_TAIL.exec(src.slice(i, i + 2048));
  if (src[i - 1] !== "]" || !m) return undefined;
  const url = m[1]!.startsWith("<") ? m[1]!.slice(1, -1) : m[1]!;
  return { label: src.slice(start + 1, i - 1), url, end: i + m[0].length };
}

/**
 * Cuts a Markdown reply into Telegram messages: Markdown pieces (see chunkText) sized with headroom
 * guessed from the whole reply's markup, and any piece whose HTML still runs over cut again smaller.
 * Contract: in order; each html is at most maxChars long (so is the text Telegram counts after parsing
 * entities) and shows something (a piece showing nothing, like an empty code block, is dropped); plain
 * is the Markdown piece as written, to resend when Telegram answers 400 "can't parse entities".
 * Throws RangeError when maxChars is not an integer >= 10.
 */
export function formatTelegramReply(markdown: string, maxChars = 4096): TelegramPiece[] {
  if (!Number.isInteger(maxChars) || maxChars < 10)
    throw new RangeError(`formatTelegramReply needs an integer maxChars of at least 10, got ${maxChars}.`);
  const html = toTelegramHtml(markdown);
  if (html.length <= maxChars) return shows(html) ? [{ html, plain: markdown }] : [];
  const pieces: TelegramPiece[] = [];
  fit(markdown, Math.max(2, Math.floor((maxChars * markdown.length) / html.length)), maxChars, pieces);
  return pieces;
}

function fit(markdown: string, limit: number, maxChars: number, out: TelegramPiece[]): void {
  for (const plain of chunkText(markdown, Math.min(limit, maxChars))) {
    const html = toTelegramHtml(plain);
    const smaller = Math.min(plain.length - 1, Math.floor((plain.length * maxChars * 0.9) / html.length));
    if (html.length <= maxChars) {
      if (shows(html)) out.push({ html, plain });
    } else if (smaller >= 2) fit(plain, smaller, maxChars, out);
    // Only reachable with a tiny cap: escaped text is at most 5 times as long ("&" is "&amp;").
    else
      for (const p of chunkText(plain, Math.floor(maxChars / 5))) out.push({ html: escapeHtml(p), plain: p });
  }
}
