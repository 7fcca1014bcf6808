// The Usage page in Debian's chromium against an in-process gateway: the days, models and sessions
// of the usage ledger (seeded, plus a turn from the chat), in cost and in tokens, accessible in both
// colour schemes; and a chat message past the daily limit answered with the limit, no model call made.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLocalAssistant } from "../../src/engines/local/assistant.ts";
import { type RunningGateway, startGateway } from "../../src/gateway/server.ts";
import { usageRecord } from "../../src/ports/usage.contract.ts";
import { type FakeModelServer, startOpenAIChatFake } from "../fakes/openai-chat-server.ts";
import { auditPage } from "./axe-audit.ts";
import { launchChromium } from "./chromium.ts";

const TOKEN = "test-token-usage-0123456789";
const SCREENSHOTS = join(import.meta.dirname, "../../.tmp/screenshots");
const DAY = 86_400_000;

let browser: Browser;
let fake: FakeModelServer;
let home: string;

async function startHome(name: string, config: Record<string, unknown>): Promise<RunningGateway> {
  const agentHome = join(home, name);
  await mkdir(agentHome, { recursive: true });
  await writeFile(join(agentHome, "config.json"), JSON.stringify(config));
  const env = {
    AGENT_CLAW_HOME: agentHome,
    AGENT_CLAW_MODEL: "openai-compatible/fake",
    OPENAI_COMPATIBLE_BASE_URL: fake.url,
    AGENT_CLAW_GATEWAY_TOKEN: TOKEN,
    PATH: process.env.PATH,
  };
  // The ledger as earlier days left it: three models, two sessions, a heartbeat.
  const assistant = await openLocalAssistant({ env });
  try {
    const now = Date.now();
    const seeded = [
      usageRecord({ at: now - 9 * DAY, costUsd: 0.42 }),
      usageRecord({ at: now - 5 * DAY, costUsd: 0.9, inputTokens: 40_000, cacheReadTokens: 30_000 }),
      usageRecord({
        at: now - 5 * DAY,
        model: "openai/gpt-5-mini",
        costUsd: 0.12,
        sessionKey: "agent:main:telegram:dm:42",
      }),
      usageRecord({ at: now - 2 * DAY, kind: "heartbeat", costUsd: 0.3 }),
      usageRecord({ at: now - DAY, model: "ollama/llama3.2", costUsd: undefined }),
      usageRecord({ at: now, costUsd: 0.2 }),
    ];
    for (const record of seeded) await assistant.ports.usage.record(record);
  } finally {
    await assistant.close();
  }
  return startGateway({ env, port: 0, write: () => {} });
}

async function openPage(gateway: RunningGateway, colorScheme: "light" | "dark" = "light", width = 1180) {
  const context = await browser.newContext({
    viewport: { width, height: 1000 },
    colorScheme,
    reducedMotion: "reduce",
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  await page.goto(`${gateway.url}/#token=${TOKEN}`);
  await page.locator('#conn[data-state="connected"]').waitFor();
  return { page, problems, close: () => context.close() };
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  browser = await launchChromium();
  home = await mkdtemp(join(tmpdir(), "agent-claw-usage-ui-"));
  await mkdir(SCREENSHOTS, { recursive: true });
  fake = await startOpenAIChatFake();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await fake?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe("Usage page", () => {
  it("charts cost per day and per model, lists sessions, switches to tokens, and passes axe in both schemes", async () => {
    const gateway = await startHome("charts", {
      agent: { timezone: "Europe/Berlin" },
      limits: { dailyUsd: 5 },
      models: { prices: { "openai-compatible/fake": { input: 1_000, output: 2_000 } } },
    });
    try {
      const { page, problems, close } = await openPage(gateway);
      // A turn from the chat lands in the ledger too: 10 input and 5 output tokens, $0.02 at the prices above.
      fake.script([{ text: "Counted.", usage: { inputTokens: 10, outputTokens: 5 } }]);
      await page.getByLabel("Message", { exact: true }).fill("How much?");
      await page.getByLabel("Message", { exact: true }).press("Enter");
      await page.locator(".msg.assistant", { hasText: "Counted." }).waitFor();

      await page.getByRole("link", { name: "Usage" }).click();
      const days = page.locator("#usage-days-chart rect.chart-bar");
      // An empty day's column has no height: wait for it in the DOM, not for it to be visible.
      await days.first().waitFor({ state: "attached" });
      expect(await days.count()).toBe(14);
      const today = page.locator(".usage-card").first();
      expect(await today.locator(".usage-card-value").innerText()).toBe("$0.22");
      expect(await today.innerText()).toContain("limit $5.00 a day");
      expect(await today.locator("meter").getAttribute("value")).toBe("0.22");
      const models = page.locator("#usage-models-chart rect.chart-bar");
      expect(await models.evaluateAll((bars) => bars.map((b) => b.getAttribute("data-key")))).toEqual([
        "anthropic/claude-sonnet-4-5",
        "openai/gpt-5-mini",
        "openai-compatible/fake",
        "ollama/llama3.2",
      ]);
      // The tallest column is the day with $1.02 (five days ago), and its tooltip says so.
      const tallest = await days.evaluateAll(
        (bars) =>
          bars.reduce((a, b) => (Number(b.getAttribute("height")) > Number(a.getAttribute("height")) ? b : a))
            .textContent,
      );
      expect(tallest).toMatch(/: \$1\.02$/);
      expect(await page.locator("#usage-status").innerText()).toContain(
        "1 call went to models without a known price",
      );
      expect(await page.locator("#usage-models-chart .chart-value").last().textContent()).toBe("no price");
      const sessions = page.locator("#usage-sessions-rows tr");
      expect(await sessions.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-key")))).toEqual([
        "agent:main:main",
        "agent:main:telegram:dm:42",
      ]);
      await shot(page, "usage-cost");

      await page.getByLabel("Show").selectOption("tokens");
      await page.locator("#usage-days-chart .chart-axis", { hasText: /k$/ }).first().waitFor();
      // Sonnet's four calls: 1,280 + 40,080 + 1,280 + 1,280 tokens.
      expect(await page.locator("#usage-models-chart .chart-value").first().textContent()).toBe("43.9k");
      await page.getByLabel("Range").selectOption("7");
      // The 14-day chart has a 7th bar too: wait for the chart to be redrawn with 7.
      await expect.poll(() => page.locator("#usage-days-chart rect.chart-bar").count()).toBe(7);
      await shot(page, "usage-tokens");
      expect(await auditPage(page)).toEqual([]);
      await close();
      expect(problems).toEqual([]);

      const dark = await openPage(gateway, "dark");
      await dark.page.getByRole("link", { name: "Usage" }).click();
      await dark.page.locator("#usage-days-chart rect.chart-bar").first().waitFor({ state: "attached" });
      expect(await auditPage(dark.page)).toEqual([]);
      await shot(dark.page, "usage-dark");
      await dark.close();
      expect(dark.problems).toEqual([]);

      // On a phone the charts shrink with the page and nothing scrolls sideways.
      const narrow = await openPage(gateway, "light", 390);
      await narrow.page.goto(`${gateway.url}/#usage`);
      await narrow.page.locator("#usage-days-chart rect.chart-bar").first().waitFor({ state: "attached" });
      const overflow = await narrow.page
        .locator("#view-usage .view-body")
        .evaluate((body) => body.scrollWidth - body.clientWidth);
      expect(overflow).toBe(0);
      await shot(narrow.page, "usage-narrow");
      await narrow.close();
      expect(narrow.problems).toEqual([]);
    } finally {
      await gateway.close();
    }
  }, 60_000);

  it("answers a chat message past the daily limit with the limit and its reset, without calling the model", async () => {
    const gateway = await startHome("limit", { agent: { timezone: "UTC" }, limits: { dailyUsd: 0.1 } });
    try {
      const { page, problems, close } = await openPage(gateway);
      const before = fake.requests.length;
      await page.getByLabel("Message", { exact: true }).fill("One more question");
      await page.getByLabel("Message", { exact: true }).press("Enter");
      const reply = page.locator(".msg", {
        hasText: "The daily limit of $0.10 is reached ($0.20 used today)",
      });
      await reply.waitFor();
      expect(await reply.innerText()).toMatch(/it resets at midnight UTC, in \d+ (h \d+ )?min\./);
      expect(fake.requests.length).toBe(before);
      await close();
      expect(problems).toEqual([]);
    } finally {
      await gateway.close();
    }
  }, 60_000);
});
