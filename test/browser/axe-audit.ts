// An accessibility audit of the page as it is on screen: axe-core's own source injected into the page
// (the CSP allows no inline script, so it goes in through the debugging protocol), run with the
// WCAG 2 A and AA rules. A violation reads as the rule, its help and the elements it found.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type * as Axe from "axe-core";
import type { Page } from "playwright-core";

let source: Promise<string> | undefined;

/** axe.min.js from node_modules, read once. */
const axeSource = () =>
  (source ??= readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8"));

/** One failing rule, in a form a test failure can print. */
export interface AxeViolation {
  rule: string;
  impact?: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe on `page` (all of it, or `include`) with the wcag2a, wcag2aa, wcag21a and wcag21aa tags.
 * Contract: resolves to the violations, [] when the page passes.
 */
export async function auditPage(page: Page, include?: string): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(await axeSource());
  return page.evaluate(async (context) => {
    const axe = (window as unknown as { axe: typeof Axe }).axe;
    const result = await axe.run(context ? { include: [context] } : document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      resultTypes: ["violations"],
    });
    return result.violations.map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => `${node.target.join(" ")} (${node.failureSummary ?? ""})`),
    }));
  }, include);
}
