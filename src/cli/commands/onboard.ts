// `agent-claw onboard`: set the model, the workspace and who is who; interactive, or all by flags.
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { createFsWorkspace } from "../../adapters/fs/workspace.ts";
import { withKey } from "../../config/edit.ts";
import { configJsonSchema } from "../../config/json-schema.ts";
import { readRawConfig, validateConfig } from "../../config/load.ts";
import { resolvePaths } from "../../config/paths.ts";
import { modelRefSchema } from "../../config/schema.ts";
import { ensureWorkspace } from "../../core/workspace/ensure-workspace.ts";
import { WORKSPACE_TEMPLATES } from "../../core/workspace/templates.ts";
import { workspaceDirFor } from "../../engines/local/assistant.ts";
import { detectOllama } from "../../models/resolve-model.ts";
import { writeFileAtomic } from "../../util/atomic-write.ts";
import { action, bold, dim, green, UsageError } from "../io.ts";

interface OnboardOptions {
  model?: string;
  workspace?: string;
  timezone?: string;
  assistantName?: string;
  userName?: string;
  dmScope?: string;
  yes?: boolean;
}

export function registerOnboard(program: Command): void {
  program
    .command("onboard")
    .description("Set up agent-claw: model, workspace, names and time zone (asks for what flags leave out)")
    .option("--model <ref>", 'model, e.g. "anthropic/claude-sonnet-4-5" or "openai-compatible/llama3.2"')
    .option("--workspace <dir>", "workspace folder (an existing OpenClaw workspace works as is)")
    .option("--timezone <iana>", 'your time zone, e.g. "Europe/Berlin"')
    .option("--assistant-name <name>", "what the assistant is called")
    .option("--user-name <name>", "what the assistant calls you")
    .option("--dm-scope <scope>", "main | per-peer | per-channel-peer")
    .option("-y, --yes", "ask nothing: use the flags and defaults")
    .action(action(onboard));
}

async function onboard(options: OnboardOptions): Promise<void> {
  const paths = resolvePaths();
  const ask =
    options.yes || !process.stdin.isTTY
      ? undefined
      : createInterface({ input: process.stdin, output: process.stdout });
  const question = async (label: string, fallback: string | undefined) => {
    if (!ask) return fallback;
    const answer = (await ask.question(`${label}${fallback ? dim(` [${fallback}]`) : ""}: `)).trim();
    return answer || fallback;
  };
  try {
    let raw = await readRawConfig(paths.configFile);
    const current = validateConfig(raw, paths.configFile);
    let suggestedModel = options.model ?? current.model;
    if (!suggestedModel && ask) {
      const local = await detectOllama();
      if (local?.[0]) suggestedModel = `openai-compatible/${local[0]}`;
    }
    const model = await question("Model (provider/model)", suggestedModel);
    if (model && !modelRefSchema.safeParse(model).success) {
      throw new UsageError(
        `"${model}" is not a model reference; use e.g. anthropic/claude-sonnet-4-5 or openai-compatible/llama3.2.`,
      );
    }
    const workspace = await question(
      "Workspace folder",
      options.workspace ?? current.agent.workspace ?? paths.defaultWorkspace,
    );
    const systemZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const timezone = await question(
      "Your time zone",
      options.timezone ?? current.agent.timezone ?? systemZone,
    );
    const assistantName = await question("Assistant name", options.assistantName ?? "Claw");
    const userName = await question("Your name", options.userName);

    if (model) raw = withKey(raw, "model", model);
    if (workspace && workspace !== paths.defaultWorkspace) raw = withKey(raw, "agent.workspace", workspace);
    if (timezone && timezone !== systemZone) raw = withKey(raw, "agent.timezone", timezone);
    if (options.dmScope) raw = withKey(raw, "session.dmScope", options.dmScope);
    raw = { $schema: "./config.schema.json", ...raw };
    const config = validateConfig(raw, "The onboarding answers");

    await writeFileAtomic(paths.schemaFile, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    await writeFileAtomic(paths.configFile, `${JSON.stringify(raw, null, 2)}\n`);

    const dir = workspaceDirFor(config, paths);
    const overrides: Record<string, string> = {
      "IDENTITY.md": (WORKSPACE_TEMPLATES["IDENTITY.md"] ?? "").replace(
        "- Name: Claw",
        `- Name: ${assistantName ?? "Claw"}`,
      ),
      "USER.md": (WORKSPACE_TEMPLATES["USER.md"] ?? "")
        .replace("- Name:", `- Name: ${userName ?? ""}`.trimEnd())
        .replace("- Time zone:", `- Time zone: ${timezone ?? systemZone}`),
    };
    const written = await ensureWorkspace(createFsWorkspace({ root: dir }), { fillMissing: true, overrides });

    process.stdout.write(`${green("✓")} Config written to ${paths.configFile}\n`);
    process.stdout.write(
      `${green("✓")} Workspace ${dir}${written.length ? ` (created ${written.join(", ")})` : " (existing files kept as they are)"}\n`,
    );
    if (!config.model) {
      process.stdout.write(
        `${bold("!")} No model set yet: run \`agent-claw onboard --model <provider/model>\` or set AGENT_CLAW_MODEL.\n`,
      );
    }
    process.stdout.write(
      `\nNext: ${bold("agent-claw chat")} (or ${bold("npm start")}), and ${bold("agent-claw doctor")} to check everything.\n`,
    );
  } finally {
    ask?.close();
  }
}
