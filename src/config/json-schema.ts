// The JSON Schema editors use to validate and complete config.json, generated from the zod schema.
import { z } from "zod";
import { configSchema } from "./schema.ts";

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    title: "agent-claw config",
    description: "~/.agent-claw/config.json (AGENT_CLAW_HOME overrides the folder)",
  };
}
