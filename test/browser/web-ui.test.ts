// The web UI end to end: Debian's chromium (playwright-core) against an in-process gateway whose model
// is a scripted fake. Waits are on conditions only; screenshots go to .tmp/screenshots for a look.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page, WebSocketRoute } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { type RunningGateway, startGateway } from "../../src/gateway/server.ts";
import { startAnthropicFake } from "../fakes/anthropic-messages-server.ts";
import { createGate, type FakeModelServer, startOpenAIChatFake } from "../fakes/openai-chat-server.ts";
import { startTelegramFake } from "../fakes/telegram-bot-api.ts";
import { type AxeViolation, auditPage } from "./axe-audit.ts";
import { launchChromium } from "./chromium.ts";

const TOKEN = "test-token-0123456789";
const SCREENSHOTS = join(import.meta.dirname, "../../.tmp/screenshots");

let browser: Browser;
let gateway: RunningGateway;
let fake: FakeModelServer;
let home: string;

/** A page in a fresh context (own localStorage) that records dialogs and page errors. */
async function openPage(
  options: { colorScheme?: "light" | "dark"; width?: number; height?: number; timezoneId?: string } = {},
) {
  const context: BrowserContext = await browser.newContext({
    viewport: { width: options.width ?? 1180, height: options.height ?? 760 },
    colorScheme: options.colorScheme ?? "light",
    reducedMotion: "reduce",
    ...(options.timezoneId && { timezoneId: options.timezoneId }),
  });
  // Below the test timeout, so a missing element fails with its locator named.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  // A CSP violation or a failed module shows up as a console error.
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  return { page, problems, close: () => context.close() };
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
const connected = (page: Page) => page.locator('#conn[data-state="connected"]').waitFor();
const lastAssistant = (page: Page) => page.locator(".msg.assistant").last();

async function send(page: Page, text: string) {
  const input = page.getByLabel("Message", { exact: true });
  await input.fill(text);
  await input.press("Enter");
}

/** A gateway on `agentHome` answering with the fake model (`env` added), its log kept quiet. */
function startUiGateway(agentHome: string, env: NodeJS.ProcessEnv = {}) {
  return startGateway({
    env: {
      AGENT_CLAW_HOME: agentHome,
      AGENT_CLAW_MODEL: "openai-compatible/fake",
      OPENAI_COMPATIBLE_BASE_URL: fake.url,
      AGENT_CLAW_GATEWAY_TOKEN: TOKEN,
      PATH: process.env.PATH,
      ...env,
    },
    port: 0,
    write: () => {},
  });
}

beforeAll(async () => {
  // Installing chromium on a clean machine (apt-get) takes a while; later runs start in a second.
  browser = await launchChromium();
  home = await mkdtemp(join(tmpdir(), "agent-claw-web-ui-"));
  await mkdir(SCREENSHOTS, { recursive: true });
  fake = await startOpenAIChatFake();
  gateway = await startUiGateway(home);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await fake?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe("web UI", () => {
  it("serves the page with a strict CSP, and asks for the token when there is none", async () => {
    const response = await fetch(`${gateway.url}/`);
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");

    const { page, problems, close } = await openPage();
    await page.goto(gateway.url);
    const dialog = page.getByRole("dialog", { name: "Connect to your gateway" });
    await dialog.waitFor();
    await page.getByLabel("Gateway token").fill("wrong-token-0123456789");
    await page.getByRole("button", { name: "Connect" }).click();
    await page.getByText("The gateway refused the saved token").waitFor();
    await shot(page, "token-prompt");
    await page.getByLabel("Gateway token").fill(TOKEN);
    await page.getByRole("button", { name: "Connect" }).click();
    await connected(page);
    expect(await dialog.isVisible()).toBe(false);

    await page.getByRole("button", { name: "Forget token" }).click();
    await dialog.waitFor();
    expect(await page.evaluate(() => localStorage.getItem("agent-claw.token"))).toBeNull();
    await close();
    expect(problems).toEqual([]);
  });

  it("chats: streams the reply, renders Markdown, keeps a hostile reply inert, stops, and reloads history", async () => {
    const gate = createGate();
    const stopGate = createGate();
    // A parked stream would keep the gateway from closing when an assertion fails.
    onTestFinished(() => {
      gate.release();
      stopGate.release();
    });
    fake.script([
      {
        text: [
          "Streaming ",
          "partial ",
          "text, then **bold** and code:\n\n",
          "```js\nconst answer = 42;\n```\n",
        ],
        hold: { after: 2, gate },
      },
      { toolCalls: [{ name: "list", input: { path: "." } }] },
      {
        text:
          'Careful: <img src=x onerror="alert(1)"> <script>alert(2)</script> [click me](javascript:alert(3)) ' +
          '[ok](https://example.com/"><svg/onload=alert(4)>) <a href="javascript:alert(5)">a</a>',
      },
      { text: ["Thinking ", "about ", "it ", "for a long time"], hold: { after: 2, gate: stopGate } },
    ]);
    const { page, problems, close } = await openPage();
    await page.goto(`${gateway.url}/#token=${TOKEN}`);
    await connected(page);
    // The token moved from the address bar to storage.
    expect(page.url()).not.toContain(TOKEN);
    expect(await page.evaluate(() => localStorage.getItem("agent-claw.token"))).toBe(TOKEN);

    await send(page, "Hello there");
    await page.locator(".msg.user", { hasText: "Hello there" }).waitFor();
    await gate.reached;
    // Parked after two deltas: the partial text is on screen, the rest is not, and Stop is offered.
    const reply = lastAssistant(page);
    await reply.getByText("Streaming partial").waitFor();
    expect(await reply.getAttribute("aria-busy")).toBe("true");
    expect(await reply.innerText()).not.toContain("bold");
    await page.getByRole("button", { name: "Stop" }).waitFor();
    gate.release();
    await reply.locator("strong", { hasText: "bold" }).waitFor();
    await reply.locator("pre code", { hasText: "const answer = 42;" }).waitFor();
    await page.getByRole("button", { name: "Stop" }).waitFor({ state: "hidden" });
    expect(await reply.getAttribute("aria-busy")).toBeNull();

    // A tool call shows compactly, and hostile HTML in a reply stays text.
    await send(page, "List my files, then be evil");
    const evil = page.locator(".msg.assistant", { hasText: "Careful:" });
    await evil.waitFor();
    await page.locator(".tool .tool-name", { hasText: "list" }).first().waitFor();
    await evil.getByText('<img src=x onerror="alert(1)">').waitFor();
    expect(
      await page.locator(".messages img, .messages script, .messages svg, .messages iframe").count(),
    ).toBe(0);
    const hrefs = await page
      .locator(".messages a")
      .evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    for (const href of hrefs) expect(href).toMatch(/^https?:\/\//);
    expect(await page.locator(".messages [onerror], .messages [onload], .messages [onclick]").count()).toBe(
      0,
    );
    await shot(page, "chat");

    // Stop: the turn ends with what was streamed so far.
    await send(page, "Take your time");
    await stopGate.reached;
    const slow = page.locator(".msg.assistant", { hasText: "Thinking about" });
    await slow.waitFor();
    await page.getByRole("button", { name: "Stop" }).click();
    await page.getByRole("button", { name: "Stop" }).waitFor({ state: "hidden" });
    await slow.locator(".meta .stopped").waitFor();
    stopGate.release();

    // History survives a reload: the same exchange, rendered the same way.
    await page.reload();
    await connected(page);
    await page.locator(".msg.user").nth(2).waitFor();
    expect(await page.locator(".msg.user .bubble").allInnerTexts()).toEqual([
      "Hello there",
      "List my files, then be evil",
      "Take your time",
    ]);
    await page.locator(".msg.assistant strong", { hasText: "bold" }).waitFor();
    await page.locator(".msg.assistant .tool-name", { hasText: "list" }).waitFor();
    expect(await page.locator(".messages img, .messages script").count()).toBe(0);
    await close();
    expect(problems).toEqual([]);
  });

  it("lists sessions with their turns, and opens one in the chat", async () => {
    const { page, problems, close } = await openPage();
    await page.goto(`${gateway.url}/#token=${TOKEN}`);
    await connected(page);
    await page.getByRole("link", { name: "Sessions" }).click();
    const row = page.locator('tr[data-key="agent:main:main"]');
    await row.waitFor();
    expect(await row.locator('[data-label="Turns"]').innerText()).toBe("3");
    await shot(page, "sessions");
    await row.getByRole("button", { name: "Open" }).click();
    await page.locator("#view-chat").waitFor();
    await page.locator(".msg.user", { hasText: "Hello there" }).waitFor();
    await close();
    expect(problems).toEqual([]);
  });

  it("edits the config: a bad value is refused next to the editor, a good one is saved", async () => {
    const { page, problems, close } = await openPage();
    await page.goto(`${gateway.url}/#token=${TOKEN}`);
    await connected(page);
    await page.getByRole("link", { name: "Config" }).click();
    const editor = page.getByLabel("Settings (JSON)");
    await page.waitForFunction(() =>
      (document.getElementById("config-editor") as HTMLTextAreaElement).value.includes("maxSteps"),
    );
    const config = JSON.parse(await editor.inputValue());
    expect(config.agent.maxSteps).toBe(25);

    config.agent.maxSteps = -3;
    await editor.fill(JSON.stringify(config, null, 2));
    await page.getByRole("button", { name: "Save" }).click();
    const message = page.locator("#config-message.error");
    await message.waitFor();
    expect(await message.innerText()).toContain("maxSteps");
    expect(await editor.getAttribute("aria-invalid")).toBe("true");
    expect(gateway.ctx.config().agent.maxSteps).toBe(25);
    await shot(page, "config-error");

    config.agent.maxSteps = 7;
    await editor.fill(JSON.stringify(config, null, 2));
    await page.getByRole("button", { name: "Save" }).click();
    await page.locator("#config-message.success", { hasText: "agent.maxSteps" }).waitFor();
    expect(gateway.ctx.config().agent.maxSteps).toBe(7);
    // Only the changed key was written, not the defaults around it.
    expect(JSON.parse(await readFile(join(home, "config.json"), "utf8"))).toMatchObject({
      agent: { maxSteps: 7 },
    });
    expect(JSON.parse(await readFile(join(home, "config.json"), "utf8")).gateway).toBeUndefined();
    await shot(page, "config");
    await close();
    expect(problems).toEqual([]);
  });

  it("survives a dropped connection: the message is sent again under its key and answered once", async () => {
    const gate = createGate();
    onTestFinished(() => gate.release());
    fake.script([{ text: ["Before ", "the drop, ", "and after it."], hold: { after: 2, gate } }]);
    const { page, problems, close } = await openPage();
    // Every socket goes through a proxy the test can cut, recording the chat.send frames.
    const sockets: Array<{ page: WebSocketRoute; server: WebSocketRoute }> = [];
    const sends: Array<{ text: string; idempotencyKey: string }> = [];
    await page.routeWebSocket(/\/ws$/, (ws) => {
      const server = ws.connectToServer();
      sockets.push({ page: ws, server });
      ws.onMessage((message) => {
        const frame = JSON.parse(String(message));
        if (frame.method === "chat.send") sends.push(frame.params);
        server.send(message);
      });
    });
    await page.goto(`${gateway.url}/#token=${TOKEN}`);
    await connected(page);

    // Shift+Enter is a new line, Enter sends.
    const input = page.getByLabel("Message", { exact: true });
    await input.fill("Survive");
    await input.press("Shift+Enter");
    await input.pressSequentially("a drop");
    await input.press("Enter");
    await gate.reached;
    const reply = lastAssistant(page);
    await reply.getByText("Before the drop").waitFor();

    await sockets[0]!.server.close({ code: 1012, reason: "test: connection cut" });
    await sockets[0]!.page.close({ code: 4000, reason: "test: connection cut" });
    await page.locator('#conn[data-state="waiting"]').waitFor();
    await expect.poll(() => sockets.length, { timeout: 10_000 }).toBe(2);
    await connected(page);
    await expect.poll(() => sends.length, { timeout: 10_000 }).toBe(2);
    gate.release();
    await reply.getByText("and after it.").waitFor();
    await page.getByRole("button", { name: "Stop" }).waitFor({ state: "hidden" });

    expect(sends[0]).toEqual(sends[1]);
    expect(sends[0]!.text).toBe("Survive\na drop");
    expect(fake.requests.filter((r) => r.lastUserText === "Survive\na drop")).toHaveLength(1);
    await page.reload();
    await connected(page);
    await page.locator(".msg.assistant", { hasText: "and after it." }).waitFor();
    expect(await page.locator(".msg.user", { hasText: "Survive" }).count()).toBe(1);
    expect(await page.locator(".msg.assistant", { hasText: "and after it." }).count()).toBe(1);
    await close();
    expect(problems).toEqual([]);
  });

  it("follows the log with level colours", async () => {
    const { page, problems, close } = await openPage();
    await page.goto(`${gateway.url}/#token=${TOKEN}`);
    await connected(page);
    await page.getByRole("link", { name: "Logs" }).click();
    await page.locator(".log-line", { hasText: "listening on" }).waitFor();
    gateway.ctx.logs.log("warn", "a warning from the browser test");
    gateway.ctx.logs.log("error", "an error from the browser test");
    await page.locator(".log-line.level-warn", { hasText: "a warning from the browser test" }).waitFor();
    await page.locator(".log-line.level-error", { hasText: "an error from the browser test" }).waitFor();
    await shot(page, "logs");
    await page.getByRole("link", { name: "Channels" }).click();
    await page.locator('.card[data-id="web"] .badge', { hasText: "Running" }).waitFor();
    await shot(page, "channels");
    await close();
    expect(problems).toEqual([]);
  });

  it("pairs senders on the Channels page: approve, deny, a code handled elsewhere, revoke after asking", async () => {
    const { pairings } = gateway.ctx.assistant.ports;
    const bob = (await pairings.request("telegram", "2002", "Bob"))!.code;
    const eve = (await pairings.request("telegram", "3003", '<img src=x onerror="alert(1)">Eve'))!.code;
    const { page, problems, close } = await openPage();
    await page.goto(`${gateway.url}/#token=${TOKEN}`);
    await connected(page);
    await page.getByRole("link", { name: "Channels" }).click();
    await page.locator('.card[data-id="telegram"]').waitFor();
    const waiting = page.locator("#pairing-requests-rows");
    const approved = page.locator("#pairing-allowed-rows");

    // Bob waits with his code; a hostile name stays text.
    const bobRow = waiting.locator('tr[data-sender="2002"]');
    await bobRow.getByText(bob).waitFor();
    expect(await bobRow.locator(".sender-name").innerText()).toBe("Bob");
    expect(await bobRow.locator('[data-label="Channel"]').innerText()).toBe("Telegram");
    expect(await bobRow.locator('[data-label="Expires"]').innerText()).toMatch(/^in (59|60) minutes$/);
    const eveRow = waiting.locator('tr[data-sender="3003"]');
    await eveRow.getByText('<img src=x onerror="alert(1)">Eve').waitFor();
    await eveRow.getByText(eve).waitFor();
    expect(await page.locator("#view-channels img").count()).toBe(0);
    await page.getByText("Nobody is approved yet.").waitFor();

    await bobRow.getByRole("button", { name: "Approve" }).click();
    await approved.locator('tr[data-sender="2002"]', { hasText: "Bob" }).waitFor();
    await page.locator("#pairing-message.success", { hasText: "Approved Bob (2002) on Telegram" }).waitFor();
    await bobRow.waitFor({ state: "detached" });
    expect(await pairings.isAllowed("telegram", "2002")).toBe(true);
    expect(await page.getByText("Nobody is approved yet.").isVisible()).toBe(false);
    await page.locator(".pairing").evaluate((section) => section.scrollIntoView());
    // Only the view scrolls, never the page around the sidebar.
    expect(await page.evaluate(() => document.documentElement.scrollTop)).toBe(0);
    await shot(page, "channels-pairing");

    const narrow = await openPage({ width: 390 });
    await narrow.page.goto(`${gateway.url}/#token=${TOKEN}`);
    await connected(narrow.page);
    await narrow.page.getByRole("link", { name: "Channels" }).click();
    await narrow.page.locator('#pairing-allowed-rows tr[data-sender="2002"]').waitFor();
    await narrow.page.locator('#pairing-requests-rows tr[data-sender="3003"]').waitFor();
    await narrow.page.locator(".pairing").scrollIntoViewIfNeeded();
    await shot(narrow.page, "channels-pairing-narrow");
    await narrow.close();

    // Refresh shows a request that came in meanwhile; Deny removes Eve's.
    const carol = (await pairings.request("telegram", "4004", "Carol"))!.code;
    await page.getByRole("button", { name: "Refresh" }).click();
    const carolRow = waiting.locator('tr[data-sender="4004"]');
    await carolRow.getByText(carol).waitFor();
    await eveRow.getByRole("button", { name: "Deny" }).click();
    await eveRow.waitFor({ state: "detached" });
    await page.locator("#pairing-message.success", { hasText: "Denied" }).waitFor();
    expect((await pairings.list("telegram")).map((r) => r.senderId)).toEqual(["4004"]);

    // Carol's code is handled elsewhere before the click: the error shows inline and her row goes.
    await pairings.deny("telegram", carol);
    await carolRow.getByRole("button", { name: "Approve" }).click();
    await page.locator("#pairing-message.error", { hasText: "no pending request" }).waitFor();
    await carolRow.waitFor({ state: "detached" });
    await page.getByText("Nobody is waiting. When someone unknown writes to the bot").waitFor();
    expect(await pairings.isAllowed("telegram", "4004")).toBe(false);

    // Revoke asks first, in the page.
    const bobApproved = approved.locator('tr[data-sender="2002"]');
    await bobApproved.getByRole("button", { name: "Revoke" }).click();
    // The question is on screen (so the first click was handled), and nothing was revoked yet.
    const revokeSure = bobApproved.getByRole("button", { name: "Revoke?" });
    await revokeSure.waitFor();
    expect(await pairings.isAllowed("telegram", "2002")).toBe(true);
    await revokeSure.click();
    await bobApproved.waitFor({ state: "detached" });
    await page.locator("#pairing-message.success", { hasText: "Revoked Bob (2002)" }).waitFor();
    await page.getByText("Nobody is approved yet.").waitFor();
    expect(await pairings.isAllowed("telegram", "2002")).toBe(false);
    await shot(page, "channels-pairing-empty");
    await close();
    expect([...problems, ...narrow.problems]).toEqual([]);
  });

  it("looks right in the dark and on a narrow screen", async () => {
    const dark = await openPage({ colorScheme: "dark" });
    await dark.page.goto(`${gateway.url}/#token=${TOKEN}`);
    await connected(dark.page);
    await dark.page.locator(".msg.assistant strong", { hasText: "bold" }).waitFor();
    const background = await dark.page.evaluate(
      () => getComputedStyle(document.documentElement).backgroundColor,
    );
    expect(background).toBe("rgb(19, 20, 22)");
    await shot(dark.page, "chat-dark");
    await dark.close();

    const narrow = await openPage({ width: 390 });
    await narrow.page.goto(`${gateway.url}/#token=${TOKEN}`);
    await connected(narrow.page);
    await narrow.page.locator(".msg.assistant strong", { hasText: "bold" }).waitFor();
    await shot(narrow.page, "chat-narrow");
    await narrow.page.getByRole("link", { name: "Sessions" }).click();
    await narrow.page.locator('tr[data-key="agent:main:main"]').waitFor();
    await shot(narrow.page, "sessions-narrow");
    await narrow.close();
    expect([...dark.problems, ...narrow.problems]).toEqual([]);
  });

  it("schedules a job on the Cron page: add, a refused expression, pause, resume, run now live, runs, remove", async () => {
    const { cron } = gateway.ctx.assistant;
    const OWNER = { kind: "owner" } as const;
    // The run posts a system event and wakes the heartbeat, whose turn has nothing to report.
    fake.script([{ text: "HEARTBEAT_OK" }]);
    const { page, problems, close } = await openPage();
    await page.goto(`${gateway.url}/#token=${TOKEN}`);
    await connected(page);
    await page.getByRole("link", { name: "Cron" }).click();
    await page.getByText("No scheduled jobs. Add one below, or ask the assistant").waitFor();
    await page.locator("#heartbeat-state", { hasText: "On" }).waitFor();

    // A bad cron expression: the gateway's words show next to the form, and nothing is added.
    await page.getByLabel("When", { exact: true }).selectOption("cron");
    await page.getByLabel("Cron expression", { exact: true }).fill("61 7 * * *");
    await page.getByLabel("Reminder text", { exact: true }).fill("Never happens");
    await page.getByRole("button", { name: "Add job" }).click();
    const refused = page.locator("#cron-form-message.error");
    await refused.waitFor();
    expect(await refused.innerText()).toContain('"61 7 * * *" is not a valid cron expression');
    expect(await refused.getAttribute("role")).toBe("alert");
    expect(await cron.list(OWNER)).toEqual([]);

    // every 1h: listed with its next run, and the form is cleared.
    await page.getByLabel("When", { exact: true }).selectOption("every");
    await page.getByLabel("Interval", { exact: true }).fill("1h");
    await page.getByLabel("Name", { exact: true }).fill("Stretch");
    await page.getByLabel("Reminder text", { exact: true }).fill("Stand up and stretch");
    await page.getByRole("button", { name: "Add job" }).click();
    await page.locator("#cron-form-message.success", { hasText: "Added “Stretch”" }).waitFor();
    const [job] = await cron.list(OWNER);
    expect(job).toMatchObject({
      name: "Stretch",
      action: { kind: "systemEvent", text: "Stand up and stretch" },
    });
    const row = page.locator(`#cron-rows tr[data-id="${job!.id}"]`);
    expect(await row.locator(".job-schedule").innerText()).toBe("every 1h");
    expect(await row.locator('[data-label="Does"]').innerText()).toContain("Stand up and stretch");
    expect(await row.locator('[data-label="Status"]').innerText()).toBe("scheduled");
    expect(await row.locator('[data-label="Next run"] time').getAttribute("datetime")).toBe(
      new Date(job!.state.nextRunAt!).toISOString(),
    );
    expect(await row.locator('[data-label="Last run"]').innerText()).toBe("never");
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("");
    expect(await page.getByLabel("Reminder text", { exact: true }).inputValue()).toBe("");
    expect(await page.getByText("No scheduled jobs.").isVisible()).toBe(false);

    // Pause and resume; the button keeps the focus while it turns from one into the other.
    await row.getByRole("button", { name: "Pause" }).click();
    await row.locator('[data-label="Status"]', { hasText: "paused" }).waitFor();
    expect((await cron.get(job!.id, OWNER)).enabled).toBe(false);
    expect(await row.locator('[data-label="Next run"]').innerText()).toBe("— (paused)");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Resume");
    await row.getByRole("button", { name: "Resume" }).click();
    await row.locator('[data-label="Status"]', { hasText: "scheduled" }).waitFor();
    expect((await cron.get(job!.id, OWNER)).enabled).toBe(true);

    // Run now answers only { started }: the last status comes with the live `cron` events.
    await row.getByRole("button", { name: "Run now" }).click();
    await row.locator('[data-label="Last run"] .badge.run-ok', { hasText: "ok" }).waitFor();
    expect(await row.locator('[data-label="Status"]').innerText()).toBe("scheduled");
    // The heartbeat woke for the reminder and the model had nothing to add.
    await expect
      .poll(() => gateway.ctx.heartbeat.last?.outcome, { timeout: 10_000 })
      .toMatchObject({ ran: true, suppressed: "ok" });
    expect(
      fake.requests.some((r) => r.lastUserText?.includes('Scheduled job "Stretch": Stand up and stretch')),
    ).toBe(true);

    // Its run history: one run.
    await row.getByRole("button", { name: "Runs" }).click();
    const runs = page.locator(`#cron-runs-${job!.id} .run`);
    await runs.first().waitFor();
    expect(await runs.count()).toBe(1);
    expect(await runs.first().innerText()).toContain(
      "the heartbeat looked at it and had nothing to tell the user",
    );
    expect(await row.getByRole("button", { name: "Runs" }).getAttribute("aria-expanded")).toBe("true");

    // Remove asks first, in the page.
    await row.getByRole("button", { name: "Remove" }).click();
    const removeSure = row.getByRole("button", { name: "Remove?" });
    await removeSure.waitFor();
    expect(await cron.list(OWNER)).toHaveLength(1);
    await removeSure.click();
    await row.waitFor({ state: "detached" });
    await page.locator(`#cron-runs-${job!.id}`).waitFor({ state: "detached" });
    await page.getByText("No scheduled jobs. Add one below").waitFor();
    expect(await cron.list(OWNER)).toEqual([]);
    await close();
    expect(problems).toEqual([]);
  });

  it("shows the heartbeat and the jobs in the user's time zone, live, safely, and on a narrow screen", async () => {
    const { cron } = gateway.ctx.assistant;
    const { cron: store } = gateway.ctx.assistant.ports;
    const OWNER = { kind: "owner" } as const;
    await gateway.ctx.patchConfig({ "agent.timezone": "Asia/Tokyo" });
    await cron.add(
      {
        name: "Weekday briefing",
        cron: "0 7 * * 1-5",
        tz: "Europe/Berlin",
        message: "Summarise my calendar and unread mail for today",
        deliver: "last",
      },
      OWNER,
    );
    const dentist = await cron.add(
      { name: "Call the dentist", at: "in 3h", systemEvent: "Call the dentist about the appointment" },
      OWNER,
    );
    const backup = await cron.add(
      { name: "Backup report", every: "1d", message: "Check last night's backup log", deliver: "none" },
      OWNER,
    );
    // Two failed runs: shown as an error with its message, and retrying.
    const failedAt = Date.now() - 3_600_000;
    for (const [i, at] of [failedAt - 86_400_000, failedAt].entries()) {
      await store.addRun({
        runId: `test-${i}`,
        jobId: backup.id,
        dueAt: at,
        startedAt: at,
        finishedAt: at + 4_000,
        status: "error",
        error: "model call failed: 503 Service Unavailable",
      });
    }
    await store.save({
      ...backup,
      state: {
        ...backup.state,
        lastRunAt: failedAt,
        lastStatus: "error",
        lastError: "model call failed: 503 Service Unavailable",
        consecutiveErrors: 2,
      },
    });
    const hostile = await cron.add(
      { name: '<img src=x onerror="alert(1)">Evil', every: "15m", systemEvent: "<script>alert(2)</script>" },
      OWNER,
    );
    await cron.update(hostile.id, { enabled: false }, OWNER);

    const { page, problems, close } = await openPage({ timezoneId: "America/New_York", height: 1500 });
    await page.goto(`${gateway.url}/#cron`);
    await page.getByLabel("Gateway token").fill(TOKEN);
    await page.getByRole("button", { name: "Connect" }).click();
    await connected(page);
    const rows = page.locator("#cron-rows > tr[data-id]");
    await expect.poll(() => rows.count()).toBe(4);
    expect(await page.locator("#cron-count").innerText()).toBe("4");

    // Times are the user's (Asia/Tokyo, UTC+9), not the browser's (New York).
    await page.getByText("Times are in Asia/Tokyo").waitFor();
    await page.getByText("This browser is in America/New_York").waitFor();
    const dentistRow = page.locator(`tr[data-id="${dentist.id}"]`);
    expect(await dentistRow.locator('[data-label="Next run"] time').getAttribute("title")).toContain("GMT+9");
    const expected = await page.evaluate(
      (at) =>
        new Intl.DateTimeFormat(undefined, {
          timeZone: "Asia/Tokyo",
          hour: "2-digit",
          minute: "2-digit",
        }).format(at),
      dentist.state.nextRunAt!,
    );
    expect(await dentistRow.locator('[data-label="Next run"] time').innerText()).toContain(expected);
    expect(await dentistRow.locator(".job-schedule").innerText()).toMatch(/^at /);
    await page
      .locator("tr", { hasText: "Weekday briefing" })
      .getByText("cron 0 7 * * 1-5 (Europe/Berlin)")
      .waitFor();
    await page.locator("tr", { hasText: "Weekday briefing" }).getByText("→ reply to the last chat").waitFor();

    // The failing job is marked, with its error; the hostile one is text and paused.
    const backupRow = page.locator(`tr[data-id="${backup.id}"]`);
    expect(await backupRow.getAttribute("class")).toContain("failed");
    expect(await backupRow.locator('[data-label="Status"]').innerText()).toBe("retrying\nafter 2 errors");
    await backupRow.locator(".job-error", { hasText: "503 Service Unavailable" }).waitFor();
    const hostileRow = page.locator(`tr[data-id="${hostile.id}"]`);
    await hostileRow.getByText('<img src=x onerror="alert(1)">Evil').waitFor();
    await hostileRow.getByText("<script>alert(2)</script>").waitFor();
    expect(await hostileRow.locator('[data-label="Status"]').innerText()).toBe("paused");
    expect(await page.locator("#view-cron img, #view-cron script").count()).toBe(0);

    // The heartbeat panel, and a beat on demand.
    const facts = page.locator("#heartbeat-facts");
    await facts.getByText("30 minutes", { exact: true }).waitFor();
    await facts.getByText("around the clock").waitFor();
    await page.getByRole("button", { name: "Run heartbeat now" }).click();
    await facts.locator(".outcome", { hasText: "Nothing to check" }).waitFor();
    await page.getByRole("button", { name: "Run heartbeat now" }).waitFor();

    // A job made elsewhere (the cron tool, the CLI) shows up without a reload, and goes again.
    const water = await cron.add(
      { name: "Drink water", every: "2h", systemEvent: "Drink a glass of water" },
      OWNER,
    );
    await page.locator(`tr[data-id="${water.id}"]`, { hasText: "every 2h" }).waitFor();
    await cron.remove(water.id, OWNER);
    await page.locator(`tr[data-id="${water.id}"]`).waitFor({ state: "detached" });

    await backupRow.getByRole("button", { name: "Runs" }).click();
    await expect.poll(() => page.locator(`#cron-runs-${backup.id} .run.run-error`).count()).toBe(2);
    await shot(page, "cron");

    const narrow = await openPage({ width: 390, height: 2400 });
    await narrow.page.goto(`${gateway.url}/#token=${TOKEN}`);
    await connected(narrow.page);
    await narrow.page.getByRole("link", { name: "Cron" }).click();
    await narrow.page.locator(`tr[data-id="${backup.id}"] .job-error`).waitFor();
    await narrow.page.locator(`tr[data-id="${backup.id}"]`).getByRole("button", { name: "Runs" }).click();
    await narrow.page.locator(`#cron-runs-${backup.id} .run`).first().waitFor();
    await shot(narrow.page, "cron-narrow");
    // Nothing sticks out sideways.
    expect(
      await narrow.page.evaluate(() => {
        const body = document.querySelector("#view-cron .view-body")!;
        return body.scrollWidth - body.clientWidth;
      }),
    ).toBe(0);
    await narrow.close();
    await close();
    expect([...problems, ...narrow.problems]).toEqual([]);
  });

  it("passes axe's WCAG 2 A and AA rules on every page, in light and dark", async () => {
    const { pairings } = gateway.ctx.assistant.ports;
    const OWNER = { kind: "owner" } as const;
    // Every page with something on it: a reply, a session, a pairing request, a job, log lines.
    fake.script([{ text: "An **accessible** reply, with `code` and a [link](https://example.com)." }]);
    await pairings.request("telegram", "5005", "Grace");
    const job = await gateway.ctx.assistant.cron.add(
      { name: "Audit reminder", every: "3h", systemEvent: "Look at the contrast" },
      OWNER,
    );
    onTestFinished(async () => {
      await gateway.ctx.assistant.cron.remove(job.id, OWNER);
    });
    gateway.ctx.logs.log("warn", "a warning for the audit");
    gateway.ctx.logs.log("error", "an error for the audit");

    const found: Record<string, AxeViolation[]> = {};
    for (const colorScheme of ["light", "dark"] as const) {
      const { page, problems, close } = await openPage({ colorScheme });
      // First the token dialog, with its refusal showing.
      await page.goto(gateway.url);
      await page.getByLabel("Gateway token").fill("wrong-token-0123456789");
      await page.getByRole("button", { name: "Connect" }).click();
      await page.getByText("The gateway refused the saved token").waitFor();
      found[`token dialog, ${colorScheme}`] = await auditPage(page);
      await page.getByLabel("Gateway token").fill(TOKEN);
      await page.getByRole("button", { name: "Connect" }).click();
      await connected(page);
      if (colorScheme === "light") {
        await send(page, "Is this readable?");
        await page.locator(".msg.assistant strong", { hasText: "accessible" }).waitFor();
      }
      await lastAssistant(page).waitFor();
      found[`chat, ${colorScheme}`] = await auditPage(page);
      await shot(page, `audit-chat-${colorScheme}`);
      const pages = {
        sessions: 'tr[data-key="agent:main:main"]',
        channels: '#pairing-requests-rows tr[data-sender="5005"]',
        cron: `#cron-rows tr[data-id="${job.id}"]`,
        config: "#config-editor",
        logs: ".log-line.level-error",
      };
      for (const [name, ready] of Object.entries(pages)) {
        await page.getByRole("link", { name: name[0]!.toUpperCase() + name.slice(1) }).click();
        await page.locator(ready).first().waitFor();
        found[`${name}, ${colorScheme}`] = await auditPage(page);
        await shot(page, `audit-${name}-${colorScheme}`);
      }
      await close();
      expect(problems).toEqual([]);
    }
    const failing = Object.fromEntries(Object.entries(found).filter(([, violations]) => violations.length));
    expect(failing).toEqual({});
  }, 120_000);

  it("lists a Telegram group the bot ignores on the Channels page, and Allow lets it in", async () => {
    const telegram = await startTelegramFake();
    const groupHome = await mkdtemp(join(tmpdir(), "agent-claw-web-ui-groups-"));
    onTestFinished(() => telegram.close());
    onTestFinished(() => rm(groupHome, { recursive: true, force: true }));
    await writeFile(
      join(groupHome, "config.json"),
      JSON.stringify({ channels: { telegram: { groups: [-1001111111111] } } }),
    );
    const withBot = await startUiGateway(groupHome, {
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.url,
    });
    onTestFinished(() => withBot.close());
    const group = -1002222222222;
    fake.script([{ text: "Hello, book club." }]);
    telegram.pushUpdate(telegram.message({ chatId: group, text: `@${telegram.botInfo.username} hi?` }));
    await expect
      .poll(() => withBot.ctx.gatewayChannels.get("telegram")!.ignoredGroups().length, { timeout: 10_000 })
      .toBe(1);

    const { page, problems, close } = await openPage();
    await page.goto(`${withBot.url}/#token=${TOKEN}`);
    await connected(page);
    await page.getByRole("link", { name: "Channels" }).click();
    const row = page.locator(`#groups-rows tr[data-chat="${group}"]`);
    await row.getByText("Test Supergroup").waitFor();
    await row.getByText(String(group)).waitFor();
    expect(await row.locator('[data-label="Messages"]').innerText()).toBe("1");
    expect(await auditPage(page)).toEqual([]);
    await shot(page, "channels-groups");

    await row.getByRole("button", { name: "Allow" }).click();
    await page
      .locator("#groups-message.success", { hasText: `Allowed Test Supergroup (${group})` })
      .waitFor();
    await row.waitFor({ state: "detached" });
    await page.getByText("No ignored groups.").waitFor();
    // Added beside the group allowed before, in the file and in force.
    expect(withBot.ctx.config().channels.telegram.groups).toEqual(["-1001111111111", String(group)]);
    expect(
      JSON.parse(await readFile(join(groupHome, "config.json"), "utf8")).channels.telegram.groups,
    ).toEqual(["-1001111111111", String(group)]);
    telegram.pushUpdate(telegram.message({ chatId: group, text: `@${telegram.botInfo.username} now?` }));
    const [reply] = await telegram.waitFor("sendMessage");
    expect(reply?.params).toMatchObject({ chat_id: group, text: "Hello, book club." });
    await close();
    expect(problems).toEqual([]);
  }, 60_000);

  it("shows heartbeat and reminder turns as small markers, live and in the history, with the relay as the assistant's", async () => {
    const ownHome = await mkdtemp(join(tmpdir(), "agent-claw-web-ui-markers-"));
    onTestFinished(() => rm(ownHome, { recursive: true, force: true }));
    // A gateway of its own: its main session holds only this test's turns.
    const own = await startUiGateway(ownHome);
    onTestFinished(() => own.close());
    await own.ctx.assistant.ports.workspace.write("HEARTBEAT.md", "- Look at the calendar.\n");
    fake.script([{ text: "HEARTBEAT_OK" }, { text: "Time to **stretch** your legs!" }]);

    const { page, problems, close } = await openPage();
    await page.goto(`${own.url}/#token=${TOKEN}`);
    await connected(page);
    const markers = page.locator(".msg.marker");
    // A heartbeat with nothing to report: one small marker, no bubble for HEARTBEAT_OK.
    await own.ctx.heartbeat.beat("manual");
    await markers.first().getByText("nothing to report").waitFor();
    // No other chat is known, so the reminder comes here, live, with the assistant's relay as its message.
    const owner = { kind: "owner" } as const;
    const job = await own.ctx.assistant.cron.add(
      { name: "Stretch", at: "in 1h", systemEvent: "Stand up" },
      owner,
    );
    await own.ctx.assistant.cron.runNow(job.id, owner);
    await page.locator(".msg.assistant strong", { hasText: "stretch" }).waitFor();

    const check = async () => {
      expect(await markers.count()).toBe(2);
      expect(await markers.nth(0).getAttribute("aria-label")).toBe("heartbeat");
      expect(await markers.nth(1).innerText()).toContain('Scheduled job "Stretch": Stand up');
      expect(await markers.nth(1).getByText("nothing to report").isVisible()).toBe(false);
      expect(await page.locator(".msg.user").count()).toBe(0);
      expect(await page.locator(".msg.assistant").count()).toBe(1);
      expect(await lastAssistant(page).innerText()).toContain("Time to stretch your legs!");
      expect(await page.locator("#messages").innerText()).not.toContain("This is not the user writing");
    };
    await check();
    await shot(page, "chat-markers-live");
    // The history shows them the same way.
    await page.reload();
    await connected(page);
    await markers.nth(1).waitFor();
    await check();
    await shot(page, "chat-markers-history");
    await close();
    expect(problems).toEqual([]);
  }, 60_000);

  it("shows exec's approval as a card in the reply; Allow once runs the command and the card shows it", async () => {
    fake.script([
      { toolCalls: [{ name: "exec", input: { command: "echo approved-in-the-browser" } }] },
      { text: "The command printed its greeting." },
    ]);
    const { page, problems, close } = await openPage();
    await page.goto(`${gateway.url}/#token=${TOKEN}`);
    await connected(page);
    await send(page, "Run the greeting");
    const card = page.getByRole("region", { name: "Approval needed" });
    await card.waitFor();
    expect(await card.locator(".approval-command").innerText()).toBe("echo approved-in-the-browser");
    expect(await card.getByRole("button").allInnerTexts()).toEqual(["Allow once", "Always", "Deny"]);
    await shot(page, "chat-approval");
    // A reload while the turn waits brings the card back.
    await page.reload();
    await connected(page);
    await card.waitFor();
    expect(await card.locator(".approval-command").innerText()).toBe("echo approved-in-the-browser");
    await card.getByRole("button", { name: "Allow once" }).click();
    await card.getByText("Approved once.").waitFor();
    expect(await card.getByRole("button").count()).toBe(0);
    await page.locator(".msg.assistant", { hasText: "The command printed its greeting." }).waitFor();
    expect(
      fake.requests
        .at(-1)
        ?.messages.flatMap((m) => m.toolResults)
        .at(-1)?.output,
    ).toContain("approved-in-the-browser");
    await close();
    expect(problems).toEqual([]);
  }, 60_000);

  it("sets up a model from the chat with the setup card, and the common settings with the Config form", async () => {
    const KEY = "sk-ant-browser-setup-0123456789";
    const anthropic = await startAnthropicFake({ apiKey: KEY });
    const ollama = await startOpenAIChatFake({ models: ["llama3.2:latest", "qwen3:8b"] });
    const telegram = await startTelegramFake();
    const setupHome = await mkdtemp(join(tmpdir(), "agent-claw-web-ui-setup-"));
    onTestFinished(async () => {
      await Promise.all([anthropic.close(), ollama.close(), telegram.close()]);
      await rm(setupHome, { recursive: true, force: true });
    });
    const fresh = await startGateway({
      env: {
        AGENT_CLAW_HOME: setupHome,
        AGENT_CLAW_GATEWAY_TOKEN: TOKEN,
        OLLAMA_HOST: new URL(ollama.url).origin,
        TELEGRAM_API_ROOT: telegram.url,
        PATH: process.env.PATH,
      },
      port: 0,
      write: () => {},
    });
    onTestFinished(() => fresh.close());

    const { page, problems, close } = await openPage({ height: 900 });
    await page.goto(`${fresh.url}/#token=${TOKEN}`);
    await connected(page);
    const card = page.getByRole("region", { name: "Choose a model" });
    await card.waitFor();

    // A local Ollama's models are offered, the first one filled in.
    await card.getByLabel("Provider").selectOption("ollama");
    await card.getByText("Ollama has: llama3.2:latest, qwen3:8b.").waitFor();
    expect(await card.getByLabel("Model").inputValue()).toBe("llama3.2:latest");
    expect(await card.getByLabel("API key").isVisible()).toBe(false);
    await card.getByRole("button", { name: "Test connection" }).click();
    await card.locator("#setup-message.success", { hasText: "It works" }).waitFor();

    // Anthropic with a key: a wrong one is refused by the provider, the right one works; no model call.
    await card.getByLabel("Provider").selectOption("anthropic");
    await card.getByLabel("Model").fill("claude-fake");
    await card.getByLabel("Base URL").fill(anthropic.url);
    await card.getByLabel("API key").fill("sk-ant-wrong-0000000000");
    await card.getByRole("button", { name: "Test connection" }).click();
    await card.locator("#setup-message.error", { hasText: "refused the credentials (401)" }).waitFor();
    await card.getByLabel("API key").fill(KEY);
    await card.getByRole("button", { name: "Test connection" }).click();
    await card.locator("#setup-message.success", { hasText: "It works" }).waitFor();
    expect(anthropic.requests).toHaveLength(0);
    expect(await auditPage(page)).toEqual([]);
    await shot(page, "setup-card");
    // The card in the dark, with a refusal showing: readable too.
    const darkCard = await openPage({ colorScheme: "dark", height: 900 });
    await darkCard.page.goto(`${fresh.url}/#token=${TOKEN}`);
    await connected(darkCard.page);
    const cardInDark = darkCard.page.getByRole("region", { name: "Choose a model" });
    await cardInDark.getByLabel("Provider").selectOption("anthropic");
    await cardInDark.getByRole("button", { name: "Save" }).click();
    await cardInDark.locator("#setup-message.error", { hasText: "Type the model's name first." }).waitFor();
    expect(await auditPage(darkCard.page)).toEqual([]);
    await shot(darkCard.page, "setup-card-dark");
    await darkCard.close();
    expect(darkCard.problems).toEqual([]);

    await card.getByRole("button", { name: "Save" }).click();
    await card.waitFor({ state: "hidden" });
    await page.locator("#conn-label", { hasText: "Connected · anthropic/claude-fake" }).waitFor();
    expect(fresh.ctx.config().model).toBe("anthropic/claude-fake");
    const file = JSON.parse(await readFile(join(setupHome, "config.json"), "utf8"));
    expect(file.providers.anthropic).toEqual({ apiKey: KEY, baseURL: anthropic.url });
    anthropic.script([{ text: "Ready when you are." }]);
    await send(page, "Are you there?");
    await lastAssistant(page).getByText("Ready when you are.").waitFor();
    expect(anthropic.requests[0]?.headers["x-api-key"]).toBe(KEY);

    // The Config form: model, time zone, the Telegram bot and the heartbeat, beside the raw editor.
    await page.getByRole("link", { name: "Config" }).click();
    const form = page.getByRole("region", { name: "Common settings" });
    await expect.poll(() => form.getByLabel("Model").inputValue()).toBe("anthropic/claude-fake");
    await form.getByLabel("Time zone").fill("Europe/Berlin");
    await form.getByLabel("Telegram bot").fill(telegram.token);
    await form.getByLabel("every").fill("0");
    await form.getByRole("button", { name: "Apply settings" }).click();
    await form.locator("#settings-message.error", { hasText: "everyMinutes" }).waitFor();
    expect(fresh.ctx.config().agent.timezone).toBeUndefined();

    await form.getByLabel("every").fill("45");
    await form.getByLabel("Active from").fill("08:00");
    await form.getByLabel("to", { exact: true }).fill("22:00");
    await form.getByRole("button", { name: "Apply settings" }).click();
    await form.locator("#settings-message.success", { hasText: "agent.timezone" }).waitFor();
    const config = fresh.ctx.config();
    expect(config.agent.timezone).toBe("Europe/Berlin");
    expect(config.heartbeat).toMatchObject({
      everyMinutes: 45,
      activeHours: { start: "08:00", end: "22:00" },
    });
    expect(config.channels.telegram.botToken).toBe(telegram.token);
    await expect
      .poll(() => fresh.ctx.gatewayChannels.get("telegram")!.status().state, { timeout: 10_000 })
      .toBe("running");
    // The editor shows the change; the token and the key show nowhere on the page.
    await expect.poll(() => page.getByLabel("Settings (JSON)").inputValue()).toContain('"Europe/Berlin"');
    expect(await form.getByLabel("Telegram bot").inputValue()).toBe("");
    expect(await form.getByLabel("Telegram bot").getAttribute("placeholder")).toBe("Saved (hidden)");
    const html = await page.content();
    const editor = await page.getByLabel("Settings (JSON)").inputValue();
    for (const secret of [KEY, telegram.token]) {
      expect(html).not.toContain(secret);
      expect(editor).not.toContain(secret);
    }
    expect(await auditPage(page)).toEqual([]);
    await shot(page, "config-form");
    await close();

    const dark = await openPage({ colorScheme: "dark", width: 1400, height: 900 });
    await dark.page.goto(`${fresh.url}/#token=${TOKEN}`);
    await connected(dark.page);
    await dark.page.getByRole("link", { name: "Config" }).click();
    await expect.poll(() => dark.page.locator("#settings-timezone").inputValue()).toBe("Europe/Berlin");
    expect(await auditPage(dark.page)).toEqual([]);
    await shot(dark.page, "config-form-dark");
    await dark.close();
    expect([...problems, ...dark.problems]).toEqual([]);
  }, 90_000);
});
