// Telegram's `parse_mode: "HTML"` parser, modelled on TDLib's parse_html so the fake Bot API rejects
// exactly the markup Telegram rejects (same messages, UTF-8 byte offsets) and returns the same
// plain text and entities (UTF-16 offsets) for the markup it accepts.
import type { MessageEntity } from "grammy/types";

/** The plain text and entities Telegram stores for a piece of HTML. */
export interface ParsedHtml {
  text: string;
  entities: MessageEntity[];
}

/** Thrown with Telegram's own wording; the API prefixes it with "Bad Request: can't parse entities: ". */
export class HtmlParseError extends Error {}

const SIMPLE: Record<string, MessageEntity["type"]> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  span: "spoiler",
  "tg-spoiler": "spoiler",
};
const TAGS = new Set([...Object.keys(SIMPLE), "a", "code", "pre", "blockquote", "tg-emoji"]);

interface OpenTag {
  name: string;
  offset: number;
  attributes: Map<string, string>;
}

/** A parsed entity before the pre/code merge; `language` rides along on `code` until then. */
type Pending = MessageEntity & { language?: string };

/**
 * Parses Telegram HTML. Contract: throws HtmlParseError for markup Telegram refuses; never throws
 * anything else. Unknown `&name;` entities stay literal, as on Telegram.
 */
export function parseTelegramHtml(html: string): ParsedHtml {
  const entities: Pending[] = [];
  const stack: OpenTag[] = [];
  let text = "";
  let i = 0;
  const at = (index: number) => Buffer.byteLength(html.slice(0, index));
  const fail = (message: string): never => {
    throw new HtmlParseError(message);
  };

  while (i < html.length) {
    const char = html[i]!;
    if (char === "&") {
      const decoded = decodeEntity(html, i);
      if (decoded !== undefined) {
        text += decoded.char;
        i = decoded.end;
        continue;
      }
    }
    if (char !== "<") {
      text += char;
      i++;
      continue;
    }
    const begin = i++;
    if (html[i] === "/") {
      const open = stack.pop() ?? fail(`Unexpected end tag at byte offset ${at(begin)}`);
      let j = ++i;
      while (j < html.length && !isSpace(html[j]!) && html[j] !== ">") j++;
      const name = html.slice(i, j).toLowerCase();
      while (j < html.length && isSpace(html[j]!)) j++;
      if (html[j] !== ">") fail(`Unclosed end tag at byte offset ${at(begin)}`);
      // `</>` closes whatever is open, as TDLib allows.
      if (name !== "" && name !== open.name) {
        fail(`Unmatched end tag at byte offset ${at(begin)}, expected "</${open.name}>", found "</${name}>"`);
      }
      closeTag(open, text, entities, fail);
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < html.length && !isSpace(html[j]!) && html[j] !== ">") j++;
    if (j >= html.length) fail(`Unclosed start tag at byte offset ${at(begin)}`);
    const name = html.slice(i, j).toLowerCase();
    if (!TAGS.has(name)) fail(`Unsupported start tag "${name}" at byte offset ${at(begin)}`);
    const attributes = new Map<string, string>();
    for (;;) {
      while (j < html.length && isSpace(html[j]!)) j++;
      if (j >= html.length) fail(`Unclosed start tag "${name}" at byte offset ${at(begin)}`);
      if (html[j] === ">") break;
      const nameStart = j;
      while (j < html.length && !isSpace(html[j]!) && html[j] !== "=" && html[j] !== ">") j++;
      if (j === nameStart) fail(`Empty attribute name in the tag "${name}" at byte offset ${at(begin)}`);
      const attribute = html.slice(nameStart, j).toLowerCase();
      while (j < html.length && isSpace(html[j]!)) j++;
      if (html[j] !== "=") {
        attributes.set(attribute, ""); // a bare attribute such as `expandable`
        continue;
      }
      j++;
      while (j < html.length && isSpace(html[j]!)) j++;
      if (j >= html.length) fail(`Unclosed start tag "${name}" at byte offset ${at(begin)}`);
      let value = "";
      const quote = html[j];
      if (quote === '"' || quote === "'") {
        j++;
        while (j < html.length && html[j] !== quote) {
          const decoded = html[j] === "&" ? decodeEntity(html, j) : undefined;
          value += decoded?.char ?? html[j];
          j = decoded?.end ?? j + 1;
        }
        if (j >= html.length) fail(`Unclosed start tag at byte offset ${at(begin)}`);
        j++;
      } else {
        const tokenStart = j;
        while (j < html.length && /[A-Za-z0-9.-]/.test(html[j]!)) j++;
        value = html.slice(tokenStart, j).toLowerCase();
        if (j < html.length && !isSpace(html[j]!) && html[j] !== ">") {
          fail(`Unexpected end of name token at byte offset ${at(tokenStart)}`);
        }
      }
      attributes.set(attribute, value);
    }
    if (name === "span" && attributes.get("class") !== "tg-spoiler") {
      fail(`Tag "span" must have class "tg-spoiler" at byte offset ${at(begin)}`);
    }
    stack.push({ name, offset: text.length, attributes });
    i = j + 1;
  }
  const unclosed = stack.at(-1);
  if (unclosed !== undefined) fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`);

  const sorted = entities
    .map(({ language, ...entity }) =>
      entity.type === "pre" && language !== undefined ? { ...entity, language } : entity,
    )
    .sort((a, b) => a.offset - b.offset || b.length - a.length || priority(a) - priority(b));
  return { text, entities: sorted };
}

/** Turns a closed tag into its entity; empty tags produce none, as on Telegram. */
function closeTag(open: OpenTag, text: string, entities: Pending[], fail: (message: string) => never): void {
  const offset = open.offset;
  const length = text.length - offset;
  if (length === 0) return;
  const last = entities.at(-1);
  const sameSpan = last !== undefined && last.offset === offset && last.length === length;
  const simple = SIMPLE[open.name];
  if (simple !== undefined) {
    entities.push({ type: simple, offset, length } as MessageEntity);
  } else if (open.name === "a") {
    const url = checkUrl(open.attributes.get("href") ?? text.slice(offset));
    if (url !== undefined) entities.push({ type: "text_link", offset, length, url });
  } else if (open.name === "tg-emoji") {
    const id = open.attributes.get("emoji-id") ?? "";
    if (!/^[1-9]\d*$/.test(id)) fail("Invalid custom emoji identifier specified");
    entities.push({ type: "custom_emoji", offset, length, custom_emoji_id: id });
  } else if (open.name === "blockquote") {
    const type = open.attributes.has("expandable") ? "expandable_blockquote" : "blockquote";
    entities.push({ type, offset, length });
  } else if (open.name === "code") {
    const language = /^language-(.+)$/.exec(open.attributes.get("class") ?? "")?.[1];
    // `<code class="language-x"><pre>…</pre></code>`: the language moves onto the pre.
    if (sameSpan && last.type === "pre" && language !== undefined) last.language = language;
    else entities.push({ type: "code", offset, length, ...(language !== undefined && { language }) });
  } else if (open.name === "pre") {
    // `<pre><code class="language-x">…</code></pre>` becomes one pre entity carrying the language.
    if (sameSpan && last.type === "code" && last.language !== undefined) {
      entities[entities.length - 1] = { type: "pre", offset, length, language: last.language };
    } else entities.push({ type: "pre", offset, length });
  }
}

/** Telegram's url check: a missing scheme means http, whitespace or an unknown scheme drops the link. */
function checkUrl(raw: string): string | undefined {
  if (raw === "" || /\s/.test(raw)) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw : `http://${raw}`;
  if (!URL.canParse(withScheme)) return undefined;
  const { protocol } = new URL(withScheme);
  if (protocol === "tg:" || protocol === "ton:") return withScheme;
  if (protocol !== "http:" && protocol !== "https:") return undefined;
  // Like TDLib, add the root path but keep the rest as written (WHATWG URL would percent-encode it).
  const [, origin, rest] = /^([^:]+:\/\/[^/?#]*)(.*)$/.exec(withScheme) ?? ["", withScheme, ""];
  return `${origin}${rest!.startsWith("/") ? rest : `/${rest}`}`;
}

/** Decodes `&lt; &gt; &amp; &quot;` and numeric references; `;` is optional, as in TDLib. */
function decodeEntity(html: string, start: number): { char: string; end: number } | undefined {
  const match = /^&(?:#x([0-9a-fA-F]+)|#(\d+)|([a-zA-Z]+))(;?)/.exec(html.slice(start, start + 12));
  if (match === null) return undefined;
  const end = start + match[0].length;
  if (match[3] !== undefined) {
    const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };
    const char = named[match[3]];
    return char === undefined ? undefined : { char, end };
  }
  const code = match[1] !== undefined ? parseInt(match[1], 16) : Number(match[2]);
  if (code === 0 || code >= 0x10ffff || match[0].length - match[4]!.length >= 10) return undefined;
  return { char: String.fromCodePoint(code), end };
}

/** TDLib's order for entities sharing a span: blocks first, then code, links and styles. */
function priority(entity: MessageEntity): number {
  const order: Partial<Record<MessageEntity["type"], number>> = {
    blockquote: 0,
    expandable_blockquote: 0,
    pre: 11,
    code: 20,
    text_link: 49,
    bold: 90,
    italic: 91,
    underline: 92,
    strikethrough: 93,
    spoiler: 94,
    custom_emoji: 99,
  };
  return order[entity.type] ?? 50;
}

function isSpace(char: string): boolean {
  return char === " " || char === "\t" || char === "\n" || char === "\r";
}
