// Usage: what the model calls cost over the last days (usage.summary): today against the daily
// limits, a column per day, a bar per model and a table per session, in cost or in tokens.
import { byId, formatNumber, h, shortSessionName } from "./dom.js";
import { barChart, columnChart } from "./usage-chart.js";

/** "$0.0123" for the small amounts one turn costs, "$4.56" for sums (as `agent-claw usage`). */
export function formatUsd(value) {
  if (!value) return "$0.00";
  return value < 0.1 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}

/** 950, 12.3k, 4.5M: token counts short enough for an axis. */
export function formatTokens(value) {
  if (value >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${+(value / 1e3).toFixed(1)}k`;
  return String(Math.round(value));
}

const tokensOf = (totals) => totals.inputTokens + totals.outputTokens;
const monthDay = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
/** "Dec 7" for "2026-12-07" (a calendar date: formatted in UTC so no zone moves it). */
const shortDate = (date) => monthDay.format(new Date(`${date}T00:00:00Z`));

export function createUsageView(app) {
  const { conn } = app;
  const status = byId("usage-status");
  const cards = byId("usage-cards");
  const daysChart = byId("usage-days-chart");
  const modelsChart = byId("usage-models-chart");
  const sessionRows = byId("usage-sessions-rows");
  const daysSelect = byId("usage-days");
  const metricSelect = byId("usage-metric");
  let report = null;

  function card(title, value, detail, meter) {
    return h(
      "li",
      { class: "card usage-card" },
      h("span", { class: "usage-card-title" }, title),
      h("strong", { class: "usage-card-value" }, value),
      meter,
      detail ? h("span", { class: "usage-card-detail" }, detail) : null,
    );
  }

  /** Today's share of a limit as a meter, or nothing when no limit is set. */
  function limitMeter(used, limit, label) {
    if (limit === undefined) return null;
    return h("meter", {
      min: 0,
      max: limit,
      value: Math.min(used, limit),
      high: limit * 0.8,
      "aria-label": label,
    });
  }

  function render() {
    const { total, today, limits, days, models, sessions } = report;
    const metric = metricSelect.value;
    const value = metric === "cost" ? (t) => t.costUsd : tokensOf;
    const format = metric === "cost" ? formatUsd : formatTokens;
    const todayDetail = [];
    if (limits.dailyUsd !== undefined) todayDetail.push(`limit ${formatUsd(limits.dailyUsd)} a day`);
    if (limits.dailyTokens !== undefined)
      todayDetail.push(`limit ${formatNumber(limits.dailyTokens)} tokens a day`);
    cards.replaceChildren(
      card(
        "Today",
        formatUsd(today.costUsd),
        todayDetail.join(", ") || "no daily limit",
        limits.dailyUsd !== undefined
          ? limitMeter(today.costUsd, limits.dailyUsd, "Today's cost against the daily limit")
          : limitMeter(tokensOf(today), limits.dailyTokens, "Today's tokens against the daily limit"),
      ),
      card(`Last ${days.length} days`, formatUsd(total.costUsd), `${formatNumber(total.calls)} model calls`),
      card(
        "Tokens",
        formatTokens(tokensOf(total)),
        `${formatTokens(total.cacheReadTokens)} of ${formatTokens(total.inputTokens)} input read from cache`,
      ),
    );
    if (total.unpriced > 0) {
      const calls = total.unpriced === 1 ? "1 call" : `${formatNumber(total.unpriced)} calls`;
      status.textContent = `${calls} went to models without a known price: not in the cost (models.prices sets one).`;
    } else {
      status.textContent = total.calls === 0 ? "No model calls in this range yet." : "";
    }
    const todayKey = days.at(-1)?.key;
    // The panels' inner width (padding excluded); 720 while the view is hidden.
    const width = Math.round(daysChart.clientWidth) || 720;
    daysChart.replaceChildren(
      columnChart(
        days.map((d) => ({
          label: d.key,
          short: shortDate(d.key),
          value: value(d.totals),
          highlight: d.key === todayKey,
        })),
        {
          format,
          width,
          label: `${metric === "cost" ? "Cost" : "Tokens"} per day, last ${days.length} days`,
        },
      ),
    );
    modelsChart.replaceChildren(
      models.length === 0
        ? h("p", { class: "hint" }, "No model calls yet.")
        : barChart(
            // Largest first in the metric shown (the report sorts by cost).
            [...models]
              .sort((a, b) => value(b.totals) - value(a.totals))
              .map((m) => ({
                label: m.key,
                value: value(m.totals),
                // A model without a known price has no cost to show, not a cost of zero.
                ...(metric === "cost" && m.totals.unpriced === m.totals.calls && { text: "no price" }),
              })),
            { format, width, label: `${metric === "cost" ? "Cost" : "Tokens"} per model` },
          ),
    );
    sessionRows.replaceChildren(
      ...sessions.map((s) =>
        h(
          "tr",
          { "data-key": s.key },
          h(
            "th",
            { scope: "row", "data-label": "Session" },
            h("span", { class: "session-name" }, shortSessionName(s.key)),
            h("span", { class: "session-key" }, s.key),
          ),
          h("td", { class: "num", "data-label": "Calls" }, formatNumber(s.totals.calls)),
          h("td", { class: "num", "data-label": "Tokens" }, formatNumber(tokensOf(s.totals))),
          h("td", { class: "num", "data-label": "Cached" }, formatNumber(s.totals.cacheReadTokens)),
          h(
            "td",
            { class: "num", "data-label": "Cost" },
            s.totals.unpriced === s.totals.calls ? "—" : formatUsd(s.totals.costUsd),
          ),
        ),
      ),
    );
  }

  async function load() {
    if (!conn.ready) return;
    try {
      report = await conn.request("usage.summary", { days: Number(daysSelect.value) });
      render();
    } catch (error) {
      status.textContent = `Could not load the usage: ${error.message}`;
    }
  }

  daysSelect.addEventListener("change", () => load());
  metricSelect.addEventListener("change", () => report && render());
  byId("usage-refresh").addEventListener("click", () => load());
  // Redrawn at the new width when the window changes size (once per frame at most).
  let redraw = 0;
  addEventListener("resize", () => {
    if (!report || byId("view-usage").hidden) return;
    cancelAnimationFrame(redraw);
    redraw = requestAnimationFrame(render);
  });

  return { show: load };
}
