// What the config says about the assistant that channels need too (the user's time zone, whether the
// model sees images): pure and light, so a channel's bundle does not pull in the model or agent loop.
import type { Config } from "../config/schema.ts";

/** The user's time zone: agent.timezone, else the process's (UTC on Lambda). */
export function systemTimeZone(config: Config): string {
  return config.agent.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC";
}

/** Whether the configured model is shown images (agent.imageInput; auto: not openai-compatible or ollama ones). */
export function takesImages(config: Config): boolean {
  const setting = config.agent.imageInput;
  if (setting !== "auto") return setting === "on";
  return Boolean(config.model) && !/^(openai-compatible|ollama)\//.test(config.model!);
}
