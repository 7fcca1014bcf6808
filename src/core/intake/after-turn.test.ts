// After-turn work read back from a queue body: what a runner may act on (a URL to POST to, a cron run
// to record) is taken only in the shapes this build writes; anything else is dropped, not run.
import { describe, expect, it } from "vitest";
import { readAfterTurn } from "./after-turn.ts";
import { asTurnJob } from "./turn-job.ts";

const run = { jobId: "job1", runId: "cron:job1:1", dueAt: 1, startedAt: 2 };

describe("after-turn work from the queue", () => {
  it("keeps the three kinds in the shapes they are written in, in order", () => {
    const work = [
      { kind: "cronRun", run, note: " (no chat to deliver to yet)" },
      { kind: "heartbeat", events: [{ id: "e1", run }, { id: "e2" }], checklist: true },
      { kind: "hookCallback", url: "http://127.0.0.1:9000/done" },
    ];
    expect(readAfterTurn(work)).toEqual(work);
  });

  it("drops unknown kinds and malformed entries instead of acting on them", () => {
    expect(
      readAfterTurn([
        { kind: "shell", command: "rm -rf /" },
        { kind: "cronRun", run: { jobId: "job1" } },
        { kind: "heartbeat", events: [{ id: 7 }], checklist: false },
        { kind: "hookCallback", url: 42 },
        null,
        "cronRun",
      ]),
    ).toEqual([]);
    expect(readAfterTurn({ kind: "hookCallback", url: "http://x" })).toEqual([]);
  });

  it("leaves a job without valid after-turn work with none", () => {
    const body = {
      id: "hook:agent:1",
      sessionKey: "agent:main:hook:1",
      message: { id: "hook:agent:1", text: "hi" },
      channel: { channel: "hook" },
      after: [{ kind: "unknown" }],
    };
    expect(asTurnJob(body)).not.toHaveProperty("after");
    expect(asTurnJob({ ...body, after: [{ kind: "hookCallback", url: "http://x/y" }] })?.after).toEqual([
      { kind: "hookCallback", url: "http://x/y" },
    ]);
  });
});
