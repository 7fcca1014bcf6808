// Cron expressions to AWS's form and back: the same instants either way, and no AWS form where the
// meaning would change (the alarm then falls back to one-shot schedules).
import { Cron } from "croner";
import { describe, expect, it } from "vitest";
import { awsCronToCroner, toAwsCron } from "./aws-cron.ts";

const next = (expr: string, from: string, tz = "Europe/Paris") =>
  new Cron(expr, { timezone: tz, paused: true }).nextRun(new Date(from))!.toISOString();

describe("toAwsCron", () => {
  it("writes AWS's 6 fields, with ? in the unused day field and Sunday as 1", () => {
    expect(toAwsCron("0 7 * * 1-5")).toBe("cron(0 7 ? * 2-6 *)");
    expect(toAwsCron("30 8 1 * *")).toBe("cron(30 8 1 * ? *)");
    expect(toAwsCron("0 */6 * * *")).toBe("cron(0 0/6 * * ? *)");
    expect(toAwsCron("15 18 * * 0,7")).toBe("cron(15 18 ? * 1,1 *)");
    expect(toAwsCron("0 9 * * MON-FRI")).toBe("cron(0 9 ? * MON-FRI *)");
  });

  it("has no AWS form where the meaning would change", () => {
    expect(toAwsCron("0 0 9 * * *")).toBeUndefined(); // seconds
    expect(toAwsCron("0 9 1 * 1")).toBeUndefined(); // the 1st or any Monday
    expect(toAwsCron("0 9 * * 5-7")).toBeUndefined(); // Friday to Sunday wraps once Sunday is 1
    expect(toAwsCron("0 9 * * */2")).toBeUndefined();
    expect(toAwsCron("0 9 * * 5L")).toBeUndefined(); // croner's last Friday; AWS would read the last Thursday
  });

  it("round-trips through the emulator's reading to the same instants", () => {
    for (const expr of ["0 7 * * 1-5", "30 8 1 * *", "0 */6 * * *", "15 18 * * 0", "45 12 * * 6"]) {
      const aws = toAwsCron(expr)!.slice(5, -1);
      const back = awsCronToCroner(aws);
      expect(back.ok).toBe(true);
      const from = "2026-03-28T12:00:00Z";
      expect(next(back.ok ? back.expr : "", from)).toBe(next(expr, from));
    }
  });
});

describe("awsCronToCroner", () => {
  it("refuses what the service refuses", () => {
    expect(awsCronToCroner("0 9 * * *")).toMatchObject({ ok: false, error: /6 fields/ });
    expect(awsCronToCroner("0 9 * * 1 *")).toMatchObject({ ok: false, error: /exactly one/ });
    expect(awsCronToCroner("0 9 ? * ? *")).toMatchObject({ ok: false, error: /exactly one/ });
  });
});
