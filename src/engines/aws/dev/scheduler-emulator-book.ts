// The schedules and groups of the local EventBridge Scheduler, behind the operations its wire API
// calls: made from requests (checked, timed from the clock), read, listed and removed as the service does.
import type { Clock } from "../../../ports/clock.ts";
import { type ScheduleBody, type SchedulerOperations, ServiceError } from "./scheduler-emulator-api.ts";
import { firstSlot, parseExpression, type Timing } from "./scheduler-emulator-timing.ts";

export interface Schedule {
  name: string;
  group: string;
  body: ScheduleBody;
  timing: Timing;
  created: number;
  modified: number;
  next?: number;
}

export interface ScheduleBook {
  ops: SchedulerOperations;
  schedules: Map<string, Schedule>;
  key(group: string, name: string): string;
  arn(group: string, name: string): string;
}

export function createScheduleBook(options: {
  clock: Clock;
  region: string;
  account: string;
  groups: string[];
  /** Told after every change (the automatic timer re-arms). */
  changed(): void;
}): ScheduleBook {
  const { clock, region, account, changed } = options;
  const groups = new Map<string, number>([
    ["default", clock.now()],
    ...options.groups.map((g): [string, number] => [g, clock.now()]),
  ]);
  const schedules = new Map<string, Schedule>();
  const key = (group: string, name: string) => `${group}/${name}`;
  const arn = (group: string, name: string) =>
    `arn:aws:scheduler:${region}:${account}:schedule/${group}/${name}`;
  const seconds = (ms: number) => ms / 1000;

  const find = (group: string, name: string) => {
    const schedule = schedules.get(key(group, name));
    if (!schedule) throw new ServiceError("ResourceNotFoundException", `Schedule ${name} does not exist.`);
    return schedule;
  };
  const needGroup = (group: string) => {
    if (!groups.has(group))
      throw new ServiceError("ResourceNotFoundException", `Schedule group ${group} does not exist.`);
  };

  /** A schedule made from a request, with its first slot from now. */
  function build(name: string, body: ScheduleBody, created = clock.now()): Schedule {
    const group = body.GroupName ?? "default";
    needGroup(group);
    const read = parseExpression(body.ScheduleExpression, body.ScheduleExpressionTimezone);
    if (!read.ok) throw new ServiceError("ValidationException", read.error);
    const start = body.StartDate === undefined ? undefined : body.StartDate * 1000;
    const next = firstSlot(read.timing, clock.now(), start);
    return {
      name,
      group,
      body,
      timing: read.timing,
      created,
      modified: clock.now(),
      ...(next !== undefined && { next }),
    };
  }

  const ops: SchedulerOperations = {
    create(name, body) {
      const schedule = build(name, body);
      if (schedules.has(key(schedule.group, name)))
        throw new ServiceError("ConflictException", `Schedule ${name} already exists.`);
      schedules.set(key(schedule.group, name), schedule);
      changed();
      return { ScheduleArn: arn(schedule.group, name) };
    },
    update(name, body) {
      const old = find(body.GroupName ?? "default", name);
      const schedule = build(name, body, old.created);
      schedules.set(key(schedule.group, name), schedule);
      changed();
      return { ScheduleArn: arn(schedule.group, name) };
    },
    get(name, group) {
      const s = find(group, name);
      return {
        Arn: arn(s.group, s.name),
        Name: s.name,
        GroupName: s.group,
        ...s.body,
        State: s.body.State ?? "ENABLED",
        ActionAfterCompletion: s.body.ActionAfterCompletion ?? "NONE",
        CreationDate: seconds(s.created),
        LastModificationDate: seconds(s.modified),
      };
    },
    remove(name, group) {
      find(group, name);
      schedules.delete(key(group, name));
      changed();
      return {};
    },
    list(group, prefix, state) {
      return [...schedules.values()]
        .filter(
          (s) =>
            (!group || s.group === group) &&
            (!prefix || s.name.startsWith(prefix)) &&
            (!state || (s.body.State ?? "ENABLED") === state),
        )
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((s) => ({
          Arn: arn(s.group, s.name),
          Name: s.name,
          GroupName: s.group,
          State: s.body.State ?? "ENABLED",
          CreationDate: seconds(s.created),
          LastModificationDate: seconds(s.modified),
          Target: { Arn: s.body.Target.Arn },
        }));
    },
    createGroup(name) {
      if (groups.has(name))
        throw new ServiceError("ConflictException", `Schedule group ${name} already exists.`);
      groups.set(name, clock.now());
      return { ScheduleGroupArn: `arn:aws:scheduler:${region}:${account}:schedule-group/${name}` };
    },
    getGroup(name) {
      needGroup(name);
      const at = seconds(groups.get(name)!);
      return {
        Arn: `arn:aws:scheduler:${region}:${account}:schedule-group/${name}`,
        Name: name,
        State: "ACTIVE",
        CreationDate: at,
        LastModificationDate: at,
      };
    },
    removeGroup(name) {
      needGroup(name);
      if (name === "default")
        throw new ServiceError("ValidationException", "The default schedule group cannot be deleted.");
      groups.delete(name);
      for (const [k, s] of schedules) if (s.group === name) schedules.delete(k);
      changed();
      return {};
    },
  };

  return { ops, schedules, key, arn };
}
