// The wire side of the local EventBridge Scheduler: restJson1 requests as the real
// @aws-sdk/client-scheduler sends them (schedules and schedule groups), checked with zod and answered
// with the service's shapes and errors (ValidationException 400, ResourceNotFound 404, Conflict 409).
import { z } from "zod";

/** A schedule as CreateSchedule and UpdateSchedule send it (PascalCase, dates in epoch seconds). */
export const scheduleBody = z.object({
  GroupName: z.string().optional(),
  ScheduleExpression: z.string().min(1).max(256),
  ScheduleExpressionTimezone: z.string().max(50).optional(),
  StartDate: z.number().optional(),
  EndDate: z.number().optional(),
  Description: z.string().max(512).optional(),
  State: z.enum(["ENABLED", "DISABLED"]).optional(),
  KmsKeyArn: z.string().optional(),
  ClientToken: z.string().optional(),
  ActionAfterCompletion: z.enum(["NONE", "DELETE"]).optional(),
  FlexibleTimeWindow: z.object({
    Mode: z.enum(["OFF", "FLEXIBLE"]),
    MaximumWindowInMinutes: z.number().int().min(1).max(1440).optional(),
  }),
  Target: z
    .object({
      Arn: z.string().min(1).max(1600),
      RoleArn: z.string().min(1).max(1600),
      Input: z.string().max(8192).optional(),
      RetryPolicy: z
        .object({
          MaximumRetryAttempts: z.number().int().min(0).max(185).optional(),
          MaximumEventAgeInSeconds: z.number().int().min(60).max(86_400).optional(),
        })
        .optional(),
      DeadLetterConfig: z.object({ Arn: z.string().optional() }).optional(),
    })
    .passthrough(),
});
export type ScheduleBody = z.infer<typeof scheduleBody>;

export const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;

export type ErrorType = "ValidationException" | "ResourceNotFoundException" | "ConflictException";

const STATUS: Record<ErrorType, number> = {
  ValidationException: 400,
  ResourceNotFoundException: 404,
  ConflictException: 409,
};

/** An error the service answers with: its type (the x-amzn-errortype header) and HTTP status. */
export class ServiceError extends Error {
  readonly type: ErrorType;
  readonly status: number;
  constructor(type: ErrorType, message: string) {
    super(message);
    this.type = type;
    this.status = STATUS[type];
  }
}

/** The operations the routes call; the emulator implements them over its schedules. */
export interface SchedulerOperations {
  create(name: string, body: ScheduleBody): { ScheduleArn: string };
  update(name: string, body: ScheduleBody): { ScheduleArn: string };
  get(name: string, group: string): Record<string, unknown>;
  remove(name: string, group: string): Record<string, never>;
  list(
    group: string | undefined,
    prefix: string | undefined,
    state: string | undefined,
  ): Record<string, unknown>[];
  createGroup(name: string): { ScheduleGroupArn: string };
  getGroup(name: string): Record<string, unknown>;
  removeGroup(name: string): Record<string, never>;
}

/** A zod failure in the service's words: "1 validation error detected: Value at 'X' failed to satisfy constraint". */
export function validationMessage(error: z.ZodError): string {
  const problems = error.issues.map(
    (issue) => `Value at '${issue.path.join(".") || "body"}' failed to satisfy constraint: ${issue.message}`,
  );
  return `${problems.length} validation error${problems.length === 1 ? "" : "s"} detected: ${problems.join("; ")}`;
}

/** Answers one request: the JSON to send, or throws a ServiceError. */
export function route(
  ops: SchedulerOperations,
  method: string,
  url: URL,
  body: unknown,
): Record<string, unknown> {
  const [, collection, rawName, ...rest] = url.pathname.split("/");
  const name = rawName === undefined ? undefined : decodeURIComponent(rawName);
  if (rest.length > 0) throw new ServiceError("ResourceNotFoundException", `No route for ${url.pathname}`);
  if (name !== undefined && !NAME.test(name)) {
    throw new ServiceError(
      "ValidationException",
      `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+`,
    );
  }
  const query = url.searchParams;
  const parsed = () => {
    const result = scheduleBody.safeParse(body);
    if (!result.success) throw new ServiceError("ValidationException", validationMessage(result.error));
    return result.data;
  };
  if (collection === "schedules" && name !== undefined) {
    const group = query.get("groupName") ?? "default";
    if (method === "POST") return ops.create(name, parsed());
    if (method === "PUT") return ops.update(name, parsed());
    if (method === "GET") return ops.get(name, group);
    if (method === "DELETE") return ops.remove(name, group);
  }
  if (collection === "schedules" && method === "GET") {
    const max = Number(query.get("MaxResults") ?? 100);
    const from = Number(query.get("NextToken") ?? 0);
    const all = ops.list(
      query.get("ScheduleGroup") ?? undefined,
      query.get("NamePrefix") ?? undefined,
      query.get("State") ?? undefined,
    );
    const page = all.slice(from, from + max);
    return { Schedules: page, ...(from + max < all.length && { NextToken: String(from + max) }) };
  }
  if (collection === "schedule-groups" && name !== undefined) {
    if (method === "POST") return ops.createGroup(name);
    if (method === "GET") return ops.getGroup(name);
    if (method === "DELETE") return ops.removeGroup(name);
  }
  throw new ServiceError("ResourceNotFoundException", `No route for ${method} ${url.pathname}`);
}
