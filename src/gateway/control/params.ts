// Validates a method's params with its zod schema and words the failure for people: which field,
// and what was expected. Also the param types several methods share (session keys).
import { z } from "zod";
import { formatKey, valueAt } from "../../config/errors.ts";
import { mainSessionKey, normalizeSessionKey } from "../../core/session-key.ts";
import { ControlError } from "./frames.ts";

/** A session key as a person types it: "work" becomes "agent:main:work"; a full key stays. */
export const sessionKeyParam = z
  .string({ error: "expected a session key string" })
  .max(500, "a session key has at most 500 characters")
  .transform((value, ctx) => {
    try {
      return normalizeSessionKey(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  });

/** An optional session key that defaults to the main session. */
export const optionalSessionKeyParam = sessionKeyParam.optional().transform((key) => key ?? mainSessionKey());

function describeIssue(issue: z.core.$ZodIssue, params: unknown): string {
  const field = formatKey(["params", ...issue.path]);
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => `"${k}"`).join(", ");
    return `${field} has unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}`;
  }
  const message = issue.message.replace(/^Invalid input: /, "");
  if (issue.path.length > 0 && valueAt(params, issue.path) === undefined) {
    return `${field} is missing (${message.replace(/, received undefined$/, "")})`;
  }
  return `${field}: ${message}`;
}

/**
 * The params parsed by `schema`. Contract: throws a ControlError "invalid_params" whose message
 * names the method, every failing field and what it expects.
 */
export function parseParams<S extends z.ZodType>(method: string, schema: S, params: unknown): z.output<S> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => describeIssue(issue, params));
  throw new ControlError("invalid_params", `${method}: ${problems.join("; ").replace(/\.*$/, ".")}`);
}
