// usage.summary: the model calls of the last days added up by day, session and model, with today's
// standing against the daily limits, for the web UI's Usage view (the same report as `agent-claw usage`).
import { z } from "zod";
import { readUsageSummary } from "../../core/usage/usage-report.ts";
import { type MethodTable, method } from "./methods.ts";

const summaryParams = z
  .object({
    days: z
      .number({ error: "expected a whole number of days from 1 to 366" })
      .int("expected a whole number of days from 1 to 366")
      .min(1, "expected a whole number of days from 1 to 366")
      .max(366, "expected a whole number of days from 1 to 366")
      .default(14),
  })
  .strict();

export const usageMethods: MethodTable = {
  "usage.summary": method(summaryParams, async ({ days }, { gateway }) => {
    const { ports, timeZone, config } = gateway.assistant;
    const summary = await readUsageSummary(ports.usage, days, ports.clock.now(), timeZone);
    return { ...summary, limits: config.limits };
  }),
};
