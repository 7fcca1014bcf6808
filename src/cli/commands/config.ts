// `agent-claw config get|set|unset|schema|path`: read and change config.json, validated first.
import type { Command } from "commander";
import { getAtKey, parseCliValue, updateConfigFile } from "../../config/edit.ts";
import { configJsonSchema } from "../../config/json-schema.ts";
import { loadConfig, readRawConfig } from "../../config/load.ts";
import { resolvePaths } from "../../config/paths.ts";
import { maskSecretsAt } from "../../config/secrets.ts";
import { writeFileAtomic } from "../../util/atomic-write.ts";
import { action, dim, UsageError } from "../io.ts";

export function registerConfig(program: Command): void {
  const config = program
    .command("config")
    .description("Show and change the configuration (config.json in the agent-claw home folder)");

  config
    .command("get")
    .description("Print the effective value of a key (defaults and environment applied), or the whole config")
    .argument("[key]", 'dotted key, e.g. "model" or "tools.exec.allowlist"')
    .option("--show-secrets", "print tokens and secrets as they are (masked as [redacted] otherwise)")
    .action(
      action(async (key: string | undefined, options: { showSecrets?: boolean }) => {
        const effective = await loadConfig(resolvePaths());
        const found = key ? getAtKey(effective, key) : effective;
        if (found === undefined) throw new UsageError(`"${key}" is not set and has no default.`);
        const value = options.showSecrets ? found : maskSecretsAt(found, key ?? "");
        process.stdout.write(`${typeof value === "string" ? value : JSON.stringify(value, null, 2)}\n`);
      }),
    );

  config
    .command("set")
    .description("Set a key; the value is JSON when it parses (numbers, true/false, arrays), otherwise text")
    .argument("<key>", 'dotted key, e.g. "session.dmScope"')
    .argument("<value>", "new value, e.g. per-peer, 40, '[\"git status\"]'")
    .addHelpText(
      "after",
      '\nExamples:\n  agent-claw config set model anthropic/claude-sonnet-4-5\n  agent-claw config set tools.exec.allowlist \'["git status", "ls *"]\'',
    )
    .action(
      action(async (key: string, raw: string) => {
        const { configFile } = resolvePaths();
        await updateConfigFile(configFile, key, parseCliValue(raw));
        process.stdout.write(dim(`Set ${key} in ${configFile}\n`));
      }),
    );

  config
    .command("unset")
    .description("Remove a key from config.json (its default applies again)")
    .argument("<key>", "dotted key")
    .action(
      action(async (key: string) => {
        const { configFile } = resolvePaths();
        if (getAtKey(await readRawConfig(configFile), key) === undefined) {
          throw new UsageError(
            `"${key}" is not set in ${configFile}, so there is nothing to remove (\`agent-claw config get ${key}\` shows its default).`,
          );
        }
        await updateConfigFile(configFile, key, undefined);
        process.stdout.write(dim(`Removed ${key} from ${configFile}\n`));
      }),
    );

  config
    .command("schema")
    .description("Print the JSON Schema of config.json (for editors); --write saves it beside the config")
    .option("--write", "write it to config.schema.json in the home folder")
    .action(
      action(async (options: { write?: boolean }) => {
        const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
        if (!options.write) return void process.stdout.write(text);
        const { schemaFile } = resolvePaths();
        await writeFileAtomic(schemaFile, text);
        process.stdout.write(
          `Wrote ${schemaFile}; add "$schema": "./config.schema.json" to config.json for completion.\n`,
        );
      }),
    );

  config
    .command("path")
    .description("Print where the config file is")
    .action(action(async () => void process.stdout.write(`${resolvePaths().configFile}\n`)));
}
