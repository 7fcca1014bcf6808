// `agent-claw doctor`: checks config, model, the chat channels set up (Telegram), workspace and state;
// every failure says how to fix it.
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { type Command, Option } from "commander";
import { CHANNEL_MODULES } from "../../channels/index.ts";
import { loadConfig } from "../../config/load.ts";
import { resolvePaths } from "../../config/paths.ts";
import type { Config } from "../../config/schema.ts";
import { BOOTSTRAP_FILES } from "../../core/prompt/bootstrap-files.ts";
import { readDeployRecord } from "../../deploy/aws/deploy-record.ts";
import { type LocalAssistant, openLocalAssistant } from "../../engines/local/assistant.ts";
import { checkModel } from "../../models/check-model.ts";
import { checkChain } from "../../models/failover/check-chain.ts";
import { noModelMessage } from "../../models/model-ref.ts";
import { detectOllama } from "../../models/resolve-model.ts";
import { stripTerminalControls } from "../../util/control-chars.ts";
import { action, green, red, yellow } from "../io.ts";
import { filesCheck } from "./doctor-files.ts";
import { limitsCheck } from "./doctor-limits.ts";
import { stateDbCheck, transcriptsCheck } from "./doctor-state.ts";
import { hasActionableContent, readHeartbeatChecklist } from "../../core/heartbeat/heartbeat-text.ts";

export interface Check {
  name: string;
  status: "ok" | "warn" | "fail";
  detail: string;
  fix?: string;
}

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description(
      "Check the config, the model, Telegram (when a bot is set), the workspace, the state folder and its files",
    )
    .option("--json", "print the checks as JSON")
    .option("--repair", "fix what it can: make the home folder private, rebuild a damaged state.db")
    .addOption(new Option("--fix").hideHelp())
    .action(
      action(async (options: { json?: boolean; repair?: boolean; fix?: boolean }) => {
        const checks = await runChecks(process.env, Boolean(options.repair || options.fix));
        if (options.json) process.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
        else {
          // Details name files and cron jobs that chats or commands the model ran may have named.
          const shown = (text: string, indent: string) =>
            stripTerminalControls(text).split("\n").join(indent);
          for (const c of checks) {
            const mark = c.status === "ok" ? green("✓") : c.status === "warn" ? yellow("!") : red("✗");
            process.stdout.write(`${mark} ${c.name}: ${shown(c.detail, "\n    ")}\n`);
            if (c.fix) process.stdout.write(`    → ${shown(c.fix, "\n      ")}\n`);
          }
        }
        return checks.some((c) => c.status === "fail") ? 1 : 0;
      }),
    );
}

/** The heartbeat and the cron jobs: what runs on its own, and which jobs keep failing. */
async function scheduleCheck(assistant: LocalAssistant): Promise<Check> {
  const { heartbeat, cron } = assistant.config;
  const beats = !heartbeat.enabled
    ? "heartbeat off"
    : hasActionableContent(await readHeartbeatChecklist(assistant.ports.workspace))
      ? `heartbeat every ${heartbeat.everyMinutes} min`
      : "heartbeat on, HEARTBEAT.md empty (no model calls)";
  const jobs = await assistant.cron.list({ kind: "owner" });
  const failing = jobs.filter((job) => job.state.consecutiveErrors > 0);
  const detail = `${beats}; ${jobs.length} cron job(s)${cron.enabled ? "" : " (cron.enabled is false: none run)"}`;
  if (failing.length === 0) return { name: "schedule", status: "ok", detail };
  return {
    name: "schedule",
    status: "warn",
    detail: `${detail}; failing: ${failing.map((job) => `${job.id} "${job.name}" (${job.state.lastError ?? job.state.lastStatus})`).join(", ")}`,
    fix: "See `agent-claw cron runs ID` for each failing job; fix its cause or `agent-claw cron edit ID --pause` it.",
  };
}

async function runChecks(env: NodeJS.ProcessEnv, repair: boolean): Promise<Check[]> {
  const checks: Check[] = [];
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const nodeOk = major > 22 || (major === 22 && minor >= 13);
  checks.push({
    name: "node",
    status: nodeOk ? "ok" : "fail",
    detail: process.versions.node,
    fix: nodeOk
      ? undefined
      : "Use Node 22.13 or newer (npm start / npx use the Node 24 the project installs).",
  });

  const paths = resolvePaths(env);
  let config: Config;
  try {
    config = await loadConfig(paths, env);
    checks.push({ name: "config", status: "ok", detail: paths.configFile });
  } catch (error) {
    checks.push({
      name: "config",
      status: "fail",
      detail: (error as Error).message,
      fix: "Fix the file, or run `agent-claw onboard`.",
    });
    return checks;
  }

  if (!config.model) {
    const base = env.OPENAI_COMPATIBLE_BASE_URL || config.providers.openaiCompatible.baseURL;
    checks.push({
      name: "model",
      status: "fail",
      detail: "not configured",
      fix: noModelMessage(await detectOllama(base)),
    });
  } else {
    const result = await checkModel(config.model, config, env);
    checks.push({
      name: "model",
      status: result.ok ? "ok" : "fail",
      detail: `${config.model}: ${result.detail}`,
      fix: result.fix,
    });
    // The further keys and agent.fallbacks, when there are any: a dead spare is found before it is needed.
    const chain = await checkChain(config.model, config, env);
    if (chain) {
      // A refused spare is a warning (the model still answers); a fallback that cannot be built stops every turn.
      const status = chain.ok ? "ok" : chain.blocking ? "fail" : "warn";
      checks.push({ name: "failover", status, detail: chain.detail, fix: chain.fix });
    }
  }
  const limits = limitsCheck(config);
  if (limits) checks.push(limits);

  // A channel only when it is configured: most installs talk through a few of them, or none.
  for (const channel of CHANNEL_MODULES) {
    if (channel.configured(config)) checks.push({ name: channel.id, ...(await channel.doctor(config)) });
  }
  // A deployment made by `deploy aws`, checked in its account (the AWS SDK loads only when there is one).
  const deployed = await readDeployRecord(paths.home).catch((error: Error) => error);
  if (deployed instanceof Error) checks.push({ name: "aws", status: "fail", detail: deployed.message });
  else if (deployed) {
    const { awsDeployChecks } = await import("./doctor-aws.ts");
    checks.push(...(await awsDeployChecks(deployed, config, env)));
  }

  checks.push(await filesCheck(paths.home, repair));
  // Before anything opens state.db: a damaged one is reported (or rebuilt) here, precisely.
  const damaged = await stateDbCheck(paths, repair, Date.now());
  if (damaged) checks.push(damaged);
  if (damaged?.status === "fail") return checks;
  checks.push(await transcriptsCheck(paths));

  try {
    const assistant = await openLocalAssistant({ env, config, warn: () => {} });
    try {
      const present: string[] = [];
      for (const name of BOOTSTRAP_FILES) if (await assistant.ports.workspace.stat(name)) present.push(name);
      await access(assistant.workspaceDir, constants.W_OK);
      checks.push({
        name: "workspace",
        status: present.includes("SOUL.md") ? "ok" : "warn",
        detail: `${assistant.workspaceDir} (${present.join(", ") || "no bootstrap files"})`,
        fix: present.includes("SOUL.md")
          ? undefined
          : "Add a SOUL.md to give the assistant its persona (`agent-claw onboard` writes one).",
      });
      const sessions = await assistant.ports.sessions.list();
      await access(paths.home, constants.W_OK);
      checks.push({ name: "state", status: "ok", detail: `${paths.stateDb} (${sessions.length} sessions)` });
      checks.push(await scheduleCheck(assistant));
    } finally {
      await assistant.close();
    }
  } catch (error) {
    checks.push({
      name: "state",
      status: "fail",
      detail: (error as Error).message,
      fix: `Check that ${paths.home} is writable (AGENT_CLAW_HOME moves it).`,
    });
  }
  return checks;
}
