// Reading and validating JSON request bodies for the gateway's HTTP routes: one place that turns a
// bad body into a precise sentence ("messages[1].content: expected string ..."), never a stack trace.
import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { formatKey } from "../config/errors.ts";

/** A body that cannot be used; `message` names the field and what is expected. */
export interface BodyProblem {
  message: string;
  /** The first offending field ("messages[0].content"), or null for the body as a whole. */
  param: string | null;
}

/** What a request whose body is not declared JSON is told. */
export const JSON_ONLY_MESSAGE =
  "The request body must be JSON sent with the header `Content-Type: application/json`.";

/** Whether the Content-Type is application/json or application/<something>+json. */
export function declaresJson(contentType: string | undefined): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || /^application\/[\w.-]+\+json$/.test(type);
}

/**
 * Refuses a body not declared JSON before anything reads it: any web page can make a browser send
 * text/plain or a form to 127.0.0.1 unasked, but application/json only after a CORS preflight,
 * which the gateway never grants. `refuse` words the 415 in the route's error format.
 */
export function requireJsonBody(refuse: (c: Context) => Response): MiddlewareHandler {
  return async (c, next) => {
    if (!declaresJson(c.req.header("content-type"))) return refuse(c);
    await next();
  };
}

/** Joins zod issues into one sentence per issue, each naming its field. */
export function describeIssues(error: z.ZodError): BodyProblem {
  const first = error.issues[0];
  const parts = error.issues.slice(0, 5).map((issue) => {
    if (issue.code === "unrecognized_keys") {
      const where = issue.path.length ? ` in ${formatKey(issue.path)}` : "";
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}${where}`;
    }
    const key = issue.path.length ? formatKey(issue.path) : "body";
    return `${key}: ${issue.message.replace(/^Invalid input: /, "")}`;
  });
  return {
    message: parts.join("; "),
    param: first && first.path.length ? formatKey(first.path) : null,
  };
}

/**
 * Parses the request body as JSON and validates it. Contract: never throws; a non-JSON body or one
 * that fails the schema comes back as a BodyProblem.
 */
export async function readBody<T extends z.ZodType>(
  c: Context,
  schema: T,
): Promise<{ ok: true; value: z.infer<T> } | { ok: false; problem: BodyProblem }> {
  let json: unknown;
  try {
    json = JSON.parse(await c.req.text());
  } catch {
    return {
      ok: false,
      problem: {
        message:
          "The request body is not valid JSON. Send a JSON object with `Content-Type: application/json`.",
        param: null,
      },
    };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: describeIssues(parsed.error) };
  return { ok: true, value: parsed.data };
}

/** The Idempotency-Key header when present: 1-255 visible ASCII characters, else a problem. */
export function idempotencyKey(c: Context): { key?: string; problem?: BodyProblem } {
  const raw = c.req.header("idempotency-key");
  if (raw === undefined) return {};
  const key = raw.trim();
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    return {
      problem: {
        message: "The Idempotency-Key header must be 1 to 255 visible ASCII characters (no spaces).",
        param: "Idempotency-Key",
      },
    };
  }
  return { key };
}
