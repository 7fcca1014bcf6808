// Markdown to HTML for model replies, safe by construction: the whole input is HTML-escaped first, and
// the only tags in the output are the ones written here (links only for http/https URLs).

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Renders Markdown (headings, emphasis, code, lists, quotes, tables, links) to safe HTML. */
export function renderMarkdown(source) {
  const clean = String(source ?? "")
    .replace(/\r\n?/g, "\n")
    .replace(/\u0000/g, "");
  return renderBlocks(escapeHtml(clean).split("\n"));
}

// Everything below works on escaped text: "<" is "&lt;", ">" is "&gt;", quotes are entities.

const FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([\w+#.-]*)/;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}&gt; ?(.*)$/;
const ITEM = /^( *)([-*+]|\d{1,9}[.)])[ \t]+(.*)$/;
const TABLE_RULE = /^ *\|? *:?-+:? *(?:\| *:?-+:? *)*\|? *$/;
const blank = (line) => line.trim() === "";

function isTableStart(lines, i) {
  const rule = lines[i + 1];
  return lines[i].includes("|") && rule !== undefined && rule.includes("|") && TABLE_RULE.test(rule);
}

function startsBlock(lines, i) {
  const line = lines[i];
  return (
    FENCE.test(line) ||
    HEADING.test(line) ||
    RULE.test(line) ||
    QUOTE.test(line) ||
    ITEM.test(line) ||
    isTableStart(lines, i)
  );
}

function renderBlocks(lines) {
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let m;
    if (blank(line)) {
      i++;
    } else if ((m = FENCE.exec(line))) {
      const close = new RegExp(`^ {0,3}${m[1][0] === "`" ? "`" : "~"}{${m[1].length},}[ \\t]*$`);
      const body = [];
      i++;
      while (i < lines.length && !close.test(lines[i])) body.push(lines[i++]);
      i++; // the closing fence (a reply still streaming may not have one yet)
      const lang = m[2] ? ` class="language-${m[2]}" data-lang="${m[2]}"` : "";
      out.push(`<pre><code${lang}>${body.join("\n")}</code></pre>`);
    } else if ((m = HEADING.exec(line))) {
      // Shifted by two: the page has its h1 and each view its h2.
      const level = Math.min(m[1].length + 2, 6);
      out.push(`<h${level}>${inline(m[2])}</h${level}>`);
      i++;
    } else if (RULE.test(line)) {
      out.push("<hr>");
      i++;
    } else if (QUOTE.test(line)) {
      const body = [];
      while (i < lines.length && (m = QUOTE.exec(lines[i]))) {
        body.push(m[1]);
        i++;
      }
      out.push(`<blockquote>${renderBlocks(body)}</blockquote>`);
    } else if (ITEM.test(line)) {
      const start = i;
      i = listEnd(lines, i);
      out.push(renderList(lines.slice(start, i)));
    } else if (isTableStart(lines, i)) {
      const start = i;
      i += 2;
      while (i < lines.length && lines[i].includes("|") && !blank(lines[i])) i++;
      out.push(renderTable(lines.slice(start, i)));
    } else {
      const body = [line];
      i++;
      while (i < lines.length && !blank(lines[i]) && !startsBlock(lines, i)) body.push(lines[i++]);
      out.push(`<p>${inline(body.join("\n")).replace(/\n/g, "<br>")}</p>`);
    }
  }
  return out.join("");
}

/** Where the list starting at line i ends: items, indented lines, and blank lines between them. */
function listEnd(lines, i) {
  const indent = ITEM.exec(lines[i])[1].length;
  i++;
  while (i < lines.length) {
    const line = lines[i];
    if (blank(line)) {
      let j = i;
      while (j < lines.length && blank(lines[j])) j++;
      const next = lines[j];
      const more = next !== undefined && (ITEM.test(next) || /^ {2,}\S/.test(next));
      if (!more || leadingSpaces(next) < indent) return i;
      i = j;
    } else if (ITEM.test(line) || /^ {2,}\S/.test(line) || !startsBlock(lines, i)) {
      i++;
    } else {
      return i;
    }
  }
  return i;
}

const leadingSpaces = (line) => line.length - line.trimStart().length;

function renderList(lines) {
  const first = ITEM.exec(lines[0]);
  const indent = first[1].length;
  const ordered = /\d/.test(first[2]);
  const items = [];
  for (const line of lines) {
    const m = ITEM.exec(line);
    if (m && m[1].length <= indent + 1) {
      items.push({ head: m[3], rest: [], width: m[1].length + m[2].length + 1 });
    } else {
      const item = items.at(-1);
      item.rest.push(line.replace(new RegExp(`^ {0,${item.width}}`), ""));
    }
  }
  const start =
    ordered && Number.parseInt(first[2], 10) !== 1 ? ` start="${Number.parseInt(first[2], 10)}"` : "";
  const tag = ordered ? "ol" : "ul";
  const body = items.map(({ head, rest }) => {
    // The item's first lines are its text; what follows a blank line or starts a block is rendered as blocks.
    let k = 0;
    while (k < rest.length && !blank(rest[k]) && !startsBlock(rest, k)) k++;
    const text = inline([head, ...rest.slice(0, k)].join("\n")).replace(/\n/g, "<br>");
    return `<li>${text}${renderBlocks(rest.slice(k))}</li>`;
  });
  return `<${tag}${start}>${body.join("")}</${tag}>`;
}

function renderTable(lines) {
  const cells = (line) => {
    let row = line.trim();
    if (row.startsWith("|")) row = row.slice(1);
    if (row.endsWith("|")) row = row.slice(0, -1);
    return row.split("|").map((cell) => cell.trim());
  };
  const aligns = cells(lines[1]).map((rule) => {
    const left = rule.startsWith(":");
    const right = rule.endsWith(":");
    return left && right ? "center" : right ? "right" : left ? "left" : "";
  });
  // Classes, not style attributes: the CSP allows no inline styles.
  const cell = (tag, text, k) => {
    const align = aligns[k] ? ` class="align-${aligns[k]}"` : "";
    return `<${tag}${align}>${inline(text)}</${tag}>`;
  };
  const head = cells(lines[0])
    .map((text, k) => cell("th", text, k))
    .join("");
  const rows = lines
    .slice(2)
    .map(
      (line) =>
        `<tr>${cells(line)
          .map((text, k) => cell("td", text, k))
          .join("")}</tr>`,
    )
    .join("");
  return `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

// A URL: no spaces, parentheses, placeholders or entities except "&amp;", so it never leaves its attribute.
const URL_BODY = String.raw`https?:\/\/(?:[^\s()<>&\u0000]|&amp;)+`;
const LINK = new RegExp(String.raw`!?\[([^\]\n]*)\]\((${URL_BODY})(?:[ \t]+&quot;[^\n]*?&quot;)?\)`, "g");
const ANGLE_LINK = new RegExp(String.raw`&lt;(${URL_BODY})&gt;`, "g");
const BARE_LINK = new RegExp(String.raw`(?<![\w/])${URL_BODY}`, "g");

const anchor = (href, text) => `<a href="${href}" target="_blank" rel="noopener noreferrer">${text}</a>`;

function inline(text) {
  // Code spans and links become placeholders first, so emphasis never reaches inside them.
  const slots = [];
  const hold = (html) => `\u0000${slots.push(html) - 1}\u0000`;
  let s = text
    .replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_, _ticks, code) =>
      hold(`<code>${code.replace(/^ (.*) $/s, "$1")}</code>`),
    )
    .replace(LINK, (_, label, href) => hold(anchor(href, emphasis(label) || href)))
    .replace(ANGLE_LINK, (_, href) => hold(anchor(href, href)))
    .replace(BARE_LINK, (url) => {
      // Sentence punctuation after a URL is not part of it.
      const href = url.replace(/[.,;:!?*_~]+$/, "");
      return hold(anchor(href, href)) + url.slice(href.length);
    });
  s = emphasis(s);
  for (let depth = 0; depth < 4 && s.includes("\u0000"); depth++) {
    s = s.replace(/\u0000(\d+)\u0000/g, (_, n) => slots[Number(n)]);
  }
  return s;
}

function emphasis(text) {
  return text
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, "<strong>$1</strong>")
    .replace(/(?<![\w_])__(?=\S)([\s\S]*?\S)__(?![\w_])/g, "<strong>$1</strong>")
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "<del>$1</del>")
    .replace(/(?<![\w*])\*(?![\s*])([^*\n]*?[^\s*])\*(?![\w*])/g, "<em>$1</em>")
    .replace(/(?<![\w_])_(?![\s_])([^_\n]*?[^\s_])_(?![\w_])/g, "<em>$1</em>");
}
