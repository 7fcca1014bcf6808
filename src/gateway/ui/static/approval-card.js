// The approval card in a reply: exec's command with Allow once, Always and Deny, answered with
// approval.resolve. The turn waits meanwhile; the card shows the outcome when the approval_result
// event comes (also when another tab answered, or the request timed out).
import { h } from "./dom.js";

const OUTCOMES = {
  once: "Approved once.",
  always: "Approved, and added to the allowlist: it runs without asking from now on.",
  denied: "Denied.",
  expired: "Not answered in time, so it was denied.",
  cancelled: "The turn was stopped; nothing runs.",
};

export function createApprovalCards(conn) {
  /** Cards on the page, by approval id. */
  const cards = new Map();

  function settle(id, outcome, note) {
    const card = cards.get(id);
    if (!card) return;
    card.actions.remove();
    card.element.dataset.outcome = outcome;
    card.status.textContent = `${OUTCOMES[outcome] ?? outcome}${note ? ` ${note}` : ""}`;
  }

  async function answer(id, decision) {
    const card = cards.get(id);
    if (!card) return;
    for (const button of card.actions.querySelectorAll("button")) button.disabled = true;
    try {
      const { outcome, note } = await conn.request("approval.resolve", { id, decision });
      settle(id, outcome, note);
    } catch (error) {
      card.status.textContent = error.message.replace(/^approval\.resolve: /, "");
      if (error.code === "unauthorized") {
        // Always needs the token this page was not given; once and deny still answer.
        card.actions.querySelector('[data-decision="always"]')?.remove();
        for (const button of card.actions.querySelectorAll("button")) button.disabled = false;
        return;
      }
      // Closed meanwhile (timed out, answered elsewhere): the reason replaces the buttons.
      card.actions.remove();
    }
  }

  return {
    /** The card for an `approval` chat event (the same element again for a repeated event). */
    card(event) {
      const known = cards.get(event.id);
      if (known) return known.element;
      const choices = [["once", "Allow once", "primary"]];
      if (event.always) choices.push(["always", "Always", ""]);
      choices.push(["deny", "Deny", "danger"]);
      const actions = h(
        "div",
        { class: "approval-actions" },
        choices.map(([decision, label, style]) =>
          h(
            "button",
            {
              type: "button",
              class: style || null,
              "data-decision": decision,
              onclick: () => answer(event.id, decision),
            },
            label,
          ),
        ),
      );
      const status = h("p", { class: "approval-status", role: "status" });
      const element = h(
        "section",
        { class: "approval", "aria-label": "Approval needed" },
        h("p", { class: "approval-title" }, `Run this command? (${event.tool})`),
        h("pre", { class: "approval-command" }, event.summary),
        actions,
        status,
      );
      cards.set(event.id, { element, actions, status });
      return element;
    },
    settle,
    /** Cards for requests of `sessionKey` still waiting (after a reload), each in an assistant bubble. */
    async waiting(sessionKey) {
      const { approvals } = await conn.request("approval.list").catch(() => ({ approvals: [] }));
      return approvals
        .filter((event) => event.sessionKey === sessionKey)
        .map((event) =>
          h(
            "article",
            { class: "msg assistant", "aria-label": "Assistant" },
            h("div", { class: "bubble" }, this.card(event)),
          ),
        );
    },
  };
}
