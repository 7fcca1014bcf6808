// What AgentCore's health check reads: Healthy, or HealthyBusy while a turn runs (so the session's
// microVM is not reclaimed mid-turn), with the unix second the status last changed.
export type PingStatus = "Healthy" | "HealthyBusy";

export interface PingSnapshot {
  status: PingStatus;
  time_of_last_update: number;
}

export interface PingState {
  snapshot(): PingSnapshot;
  /** Marks a turn as running; false when one already runs (this process takes one turn at a time). */
  begin(): boolean;
  end(): void;
}

/** `now` gives milliseconds (the Clock port's now), so a test can move time with the fake clock. */
export function createPingState(now: () => number): PingState {
  let status: PingStatus = "Healthy";
  let changedAt = Math.floor(now() / 1000);
  const set = (next: PingStatus) => {
    status = next;
    changedAt = Math.floor(now() / 1000);
  };
  return {
    snapshot: () => ({ status, time_of_last_update: changedAt }),
    begin() {
      if (status === "HealthyBusy") return false;
      set("HealthyBusy");
      return true;
    },
    end() {
      if (status === "HealthyBusy") set("Healthy");
    },
  };
}
