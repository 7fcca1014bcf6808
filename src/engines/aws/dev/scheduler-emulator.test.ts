// The local EventBridge Scheduler through the real @aws-sdk/client-scheduler: the service's shapes and
// errors, and firings on a fake clock (at() once and then deleted, cron() in Europe/Paris across the
// spring DST change, rate() from its StartDate, retries per RetryPolicy, duplicate delivery).
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
} from "@aws-sdk/client-scheduler";
import { afterEach, describe, expect, it } from "vitest";
import { FAKE_AWS } from "../../../../test/emulators/dynalite.ts";
import { createFakeClock, type FakeClock } from "../../../util/fake-clock.ts";
import { type Firing, type SchedulerEmulator, startSchedulerEmulator } from "./scheduler-emulator.ts";

const open: Array<{ emulator: SchedulerEmulator; client: SchedulerClient }> = [];
afterEach(async () => {
  for (const { emulator, client } of open.splice(0)) {
    client.destroy();
    await emulator.stop();
  }
});

async function world(options: { start?: number; fail?: number; duplicate?: boolean; auto?: boolean } = {}) {
  const clock: FakeClock = createFakeClock(options.start);
  const invoked: Firing[] = [];
  let failures = options.fail ?? 0;
  const emulator = await startSchedulerEmulator({
    clock,
    groups: ["agent"],
    ...(options.duplicate && { duplicate: true }),
    ...(options.auto && { auto: true }),
    async invoke(firing) {
      invoked.push(firing);
      if (failures-- > 0) throw new Error("the Lambda failed");
    },
  });
  const client = new SchedulerClient({ ...FAKE_AWS, endpoint: emulator.endpoint, maxAttempts: 1 });
  open.push({ emulator, client });
  return { clock, emulator, client, invoked };
}

const schedule = (name: string, expression: string, extra: Partial<CreateScheduleCommandInput> = {}) =>
  new CreateScheduleCommand({
    Name: name,
    GroupName: "agent",
    ScheduleExpression: expression,
    FlexibleTimeWindow: { Mode: "OFF" },
    Target: {
      Arn: "arn:aws:lambda:us-east-1:000000000000:function:schedule",
      RoleArn: "arn:aws:iam::000000000000:role/scheduler",
      Input:
        '{"jobId":"j1","scheduledTime":"<aws.scheduler.scheduled-time>","try":<aws.scheduler.attempt-number>}',
      RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
    },
    ...extra,
  });

const iso = (ms: number) => new Date(ms).toISOString();

describe("the local EventBridge Scheduler", () => {
  it("creates, reads, changes, lists and deletes schedules as the SDK expects", async () => {
    const { client } = await world();
    const { ScheduleArn } = await client.send(schedule("cron-a", "rate(5 minutes)"));
    expect(ScheduleArn).toBe("arn:aws:scheduler:us-east-1:000000000000:schedule/agent/cron-a");
    await client.send(
      new UpdateScheduleCommand({
        ...schedule("cron-a", "cron(0 9 ? * 2-6 *)").input,
        ScheduleExpressionTimezone: "Europe/Paris",
      }),
    );
    const got = await client.send(new GetScheduleCommand({ Name: "cron-a", GroupName: "agent" }));
    expect(got).toMatchObject({
      Name: "cron-a",
      GroupName: "agent",
      ScheduleExpression: "cron(0 9 ? * 2-6 *)",
      ScheduleExpressionTimezone: "Europe/Paris",
      State: "ENABLED",
      Target: { RetryPolicy: { MaximumRetryAttempts: 2 } },
    });
    expect(got.CreationDate).toBeInstanceOf(Date);
    await client.send(schedule("cron-b", "rate(1 hour)"));
    const listed = await client.send(new ListSchedulesCommand({ GroupName: "agent" }));
    expect(listed.Schedules?.map((s) => s.Name)).toEqual(["cron-a", "cron-b"]);
    await client.send(new DeleteScheduleCommand({ Name: "cron-a", GroupName: "agent" }));
    expect((await client.send(new ListSchedulesCommand({}))).Schedules?.map((s) => s.Name)).toEqual([
      "cron-b",
    ]);
  });

  it("answers with the service's errors", async () => {
    const { client } = await world();
    await client.send(schedule("a", "rate(5 minutes)"));
    await expect(client.send(schedule("a", "rate(5 minutes)"))).rejects.toBeInstanceOf(ConflictException);
    await expect(
      client.send(new GetScheduleCommand({ Name: "nope", GroupName: "agent" })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(schedule("b", "cron(0 9 * * *)"))).rejects.toThrow(/6 fields/);
    await expect(client.send(schedule("b", "every 5 minutes"))).rejects.toBeInstanceOf(ValidationException);
    await expect(client.send(schedule("b", "rate(5 minutes)", { GroupName: "other" }))).rejects.toThrow(
      /Schedule group other does not exist/,
    );
    await expect(
      client.send(schedule("b", "rate(5 minutes)", { ScheduleExpressionTimezone: "Mars/Olympus" })),
    ).rejects.toBeInstanceOf(ValidationException);
    await expect(client.send(schedule("bad name!", "rate(5 minutes)"))).rejects.toBeInstanceOf(
      ValidationException,
    );
  });

  it("fires an at() once at its time with the context substituted, then deletes it", async () => {
    const { clock, emulator, client, invoked } = await world();
    const at = clock.now() + 90_000;
    await client.send(schedule("once", `at(${iso(at).slice(0, 19)})`, { ActionAfterCompletion: "DELETE" }));
    expect(await emulator.fire(at - 1)).toEqual([]);
    await clock.advance(90_000);
    await emulator.fire();
    expect(invoked.map((f) => JSON.parse(f.input))).toEqual([
      { jobId: "j1", scheduledTime: `${iso(at).slice(0, 19)}Z`, try: 1 },
    ]);
    expect(emulator.schedules()).toEqual([]);
    await clock.advance(3_600_000);
    await emulator.fire();
    expect(invoked).toHaveLength(1);
  });

  it("fires a cron() in Europe/Paris at 09:00 local time on both sides of the spring change", async () => {
    const { clock, emulator, client, invoked } = await world({ start: Date.UTC(2026, 2, 27, 0, 0) });
    await client.send(schedule("daily", "cron(0 9 * * ? *)", { ScheduleExpressionTimezone: "Europe/Paris" }));
    await clock.advance(4 * 86_400_000);
    await emulator.fire();
    expect(invoked.map((f) => iso(f.scheduledAt))).toEqual([
      "2026-03-27T08:00:00.000Z",
      "2026-03-28T08:00:00.000Z",
      "2026-03-29T07:00:00.000Z",
      "2026-03-30T07:00:00.000Z",
    ]);
  });

  it("fires a rate() from its StartDate, keeping its phase", async () => {
    const { clock, emulator, client, invoked } = await world();
    const start = clock.now() + 7 * 60_000 + 30_000;
    await client.send(schedule("every", "rate(10 minutes)", { StartDate: new Date(start) }));
    await clock.advance(30 * 60_000);
    await emulator.fire();
    expect(invoked.map((f) => f.scheduledAt - start)).toEqual([0, 600_000, 1_200_000]);
  });

  it("retries a failed invocation per RetryPolicy, then gives the firing to the dead letters", async () => {
    const retried = await world({ fail: 2 });
    await retried.client.send(schedule("r", `at(${iso(retried.clock.now() + 1000).slice(0, 19)})`));
    await retried.emulator.fire(retried.clock.now() + 1000);
    expect(retried.invoked.map((f) => JSON.parse(f.input).try)).toEqual([1, 2, 3]);
    expect(retried.emulator.deadLetters).toEqual([]);

    const lost = await world({ fail: 10 });
    await lost.client.send(schedule("r", `at(${iso(lost.clock.now() + 1000).slice(0, 19)})`));
    await lost.emulator.fire(lost.clock.now() + 1000);
    expect(lost.invoked).toHaveLength(3);
    expect(lost.emulator.deadLetters).toMatchObject([{ schedule: "r", attempt: 3 }]);
  });

  it("delivers each firing twice when asked, with the same scheduled time", async () => {
    const { clock, emulator, client, invoked } = await world({ duplicate: true });
    await client.send(schedule("twice", `at(${iso(clock.now() + 1000).slice(0, 19)})`));
    await emulator.fire(clock.now() + 1000);
    expect(invoked).toHaveLength(2);
    expect(invoked[0]!.input).toBe(invoked[1]!.input);
  });

  it("fires on its own by the clock in auto mode (aws dev), one timer at the earliest schedule", async () => {
    const { clock, client, invoked } = await world({ auto: true });
    await client.send(schedule("soon", `at(${iso(clock.now() + 5 * 60_000).slice(0, 19)})`));
    await client.send(schedule("later", `at(${iso(clock.now() + 50 * 60_000).slice(0, 19)})`));
    expect(clock.pending).toBe(1);
    await clock.advance(5 * 60_000 - 1);
    expect(invoked).toEqual([]);
    await clock.advance(1);
    await expect.poll(() => invoked.map((f) => f.schedule)).toEqual(["soon"]);
    await clock.advance(45 * 60_000);
    await expect.poll(() => invoked.map((f) => f.schedule)).toEqual(["soon", "later"]);
  });
});
