// Plain SVG charts for the Usage view: columns per day and bars per model. No library: a few
// rectangles, gridlines and labels, coloured by CSS classes (the CSP allows no inline styles).
// Drawn at the width they are shown at (in CSS pixels), so labels keep their size on a phone.

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  for (const child of children) element.append(child instanceof Node ? child : String(child));
  return element;
}

/** 1, 2 or 5 times a power of ten: the top of the axis at or above `max`. */
function niceCeiling(max) {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= max);
}

/**
 * Columns, one per item ({ label, short, value }), with three gridlines and every few labels under
 * them so they never overlap. Each column has a <title> (its tooltip and accessible name).
 */
export function columnChart(items, { format, label, width = 720 }) {
  const height = 220;
  const left = 64;
  const bottom = 26;
  const top = 10;
  const plotHeight = height - top - bottom;
  const slot = (width - left - 8) / Math.max(1, items.length);
  const ceiling = niceCeiling(Math.max(0, ...items.map((item) => item.value)));
  const y = (value) => top + plotHeight - (value / ceiling) * plotHeight;
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "chart chart-columns",
    role: "img",
    "aria-label": label,
  });
  for (const fraction of [0, 0.5, 1]) {
    const value = ceiling * fraction;
    chart.append(
      svg("line", { x1: left, x2: width - 4, y1: y(value), y2: y(value), class: "chart-grid" }),
      svg("text", { x: left - 8, y: y(value) + 4, class: "chart-axis", "text-anchor": "end" }, format(value)),
    );
  }
  // A date label needs about 56 px; the newest day always gets one.
  const every = Math.ceil(items.length / Math.max(1, Math.floor((width - left) / 56)));
  items.forEach((item, i) => {
    const x = left + i * slot;
    const barHeight = Math.max(item.value > 0 ? 2 : 0, top + plotHeight - y(item.value));
    chart.append(
      svg(
        "rect",
        {
          x: x + slot * 0.15,
          y: top + plotHeight - barHeight,
          width: slot * 0.7,
          height: barHeight,
          rx: 2,
          class: item.highlight ? "chart-bar chart-bar-today" : "chart-bar",
          "data-key": item.label,
        },
        svg("title", {}, `${item.label}: ${format(item.value)}`),
      ),
    );
    if ((items.length - 1 - i) % every === 0) {
      chart.append(
        svg(
          "text",
          { x: x + slot / 2, y: height - 8, class: "chart-axis", "text-anchor": "middle" },
          item.short,
        ),
      );
    }
  });
  return chart;
}

/** Horizontal bars, one per item ({ label, value, text? }), in the order given, the value (or text) at the end. */
export function barChart(items, { format, label, width = 720 }) {
  const row = 30;
  const labelWidth = Math.min(250, Math.round(width * 0.42));
  const valueWidth = 74;
  // About 7 px per character of a 12 px label.
  const maxChars = Math.floor((labelWidth - 10) / 7);
  const height = Math.max(1, items.length) * row + 4;
  const max = Math.max(0, ...items.map((item) => item.value)) || 1;
  const plot = width - labelWidth - valueWidth;
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "chart chart-bars",
    role: "img",
    "aria-label": label,
  });
  items.forEach((item, i) => {
    const y = i * row + 4;
    const name = item.label.length > maxChars ? `${item.label.slice(0, maxChars - 1)}…` : item.label;
    chart.append(
      svg(
        "text",
        { x: labelWidth - 10, y: y + row / 2 + 1, class: "chart-label", "text-anchor": "end" },
        name,
      ),
      svg(
        "rect",
        {
          x: labelWidth,
          y: y + 4,
          width: Math.max(item.value > 0 ? 2 : 0, (item.value / max) * plot),
          height: row - 10,
          rx: 3,
          class: "chart-bar",
          "data-key": item.label,
        },
        svg("title", {}, `${item.label}: ${item.text ?? format(item.value)}`),
      ),
      svg(
        "text",
        { x: width - 4, y: y + row / 2 + 1, class: "chart-value", "text-anchor": "end" },
        item.text ?? format(item.value),
      ),
    );
  });
  return chart;
}
