// The runtime session's workspace: a disk copy of the S3 prefix, refreshed before each turn and written
// back after it, with exec running in it; and the session the process serves is the first one invoked.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_HEADER } from "../../src/runtime/invocation.ts";
import { createGate } from "../fakes/openai-chat-server.ts";
import { sessionFolder } from "../../src/runtime/runtime-dir.ts";
import { ownerTurn as turn } from "./owner-turn.ts";
import { SESSION, type RuntimeWorld, startRuntimeWorld } from "./runtime-world.ts";

const ALLOWED = "echo made-by-exec > exec-out.txt";
const REMOVE = "rm notes/old.txt";

describe("agent-claw runtime: the session's workspace", () => {
  let world: RuntimeWorld;
  beforeAll(async () => {
    world = await startRuntimeWorld({ tools: { exec: { enabled: true, allowlist: [ALLOWED, REMOVE] } } });
  }, 60_000);
  afterAll(() => world?.close());

  const run = async (text: string) => {
    const response = await world.invoke(turn(text));
    expect(response.status).toBe(200);
    return (await response.json()) as { reply: string };
  };
  /** What the model was given back for the tool call of the turn's second request. */
  const lastToolOutput = () => world.model.requests.at(-1)!.messages.at(-1)!.toolResults[0]!.output;

  it("copies the workspace lazily: a file a tool writes is in S3 after the turn", async () => {
    await world.putS3("notes/old.txt", "old notes");
    world.model.script([
      { toolCalls: [{ name: "write", input: { path: "notes/today.md", content: "written in AgentCore" } }] },
      { text: "Saved." },
    ]);
    expect((await run("save a note")).reply).toBe("Saved.");
    expect(await world.s3Text("notes/today.md")).toBe("written in AgentCore");
    const copy = sessionFolder(world.runtimeDir, SESSION).workspace;
    expect(existsSync(join(copy, "notes/old.txt"))).toBe(true);
    // The prompt says exec runs only what the allowlist holds, since nobody can approve from here.
    expect(world.model.requests[0]!.system).toContain("nobody can approve");
    expect(world.model.requests[0]!.toolNames).toContain("exec");
  });

  it("sees a file changed in S3 between turns", async () => {
    await world.putS3("notes/old.txt", "changed by another session");
    world.model.script([
      { toolCalls: [{ name: "read", input: { path: "notes/old.txt" } }] },
      { text: "Read it." },
    ]);
    await run("what do the old notes say?");
    expect(lastToolOutput()).toContain("changed by another session");
  });

  it("runs exec in the copy; its output file goes to S3 and a file it removes is removed from S3", async () => {
    world.model.script([
      { toolCalls: [{ name: "exec", input: { command: ALLOWED } }] },
      { toolCalls: [{ name: "exec", input: { command: REMOVE } }] },
      { text: "Done." },
    ]);
    await run("run the report");
    expect(await world.s3Text("exec-out.txt")).toBe("made-by-exec\n");
    expect(await world.s3Text("notes/old.txt")).toBeNull();
    expect(await world.s3Text("notes/today.md")).toBe("written in AgentCore");
  });

  it("refuses a command off the allowlist, saying it was not approved", async () => {
    world.model.script([
      { toolCalls: [{ name: "exec", input: { command: "touch sneaky.txt" } }] },
      { text: "Could not." },
    ]);
    await run("make a file with touch");
    expect(lastToolOutput()).toContain("not approved");
    expect(await world.s3Text("sneaky.txt")).toBeNull();
  });

  it("keeps what the tools wrote when the turn fails afterwards", async () => {
    world.model.script([
      { toolCalls: [{ name: "write", input: { path: "partial.md", content: "half done" } }] },
      ...Array.from({ length: 6 }, () => ({ error: { status: 400, message: "the model broke midway" } })),
    ]);
    const response = await world.invoke(turn("do two things"));
    expect(response.status).toBe(500);
    expect(await world.s3Text("partial.md")).toBe("half done");
  });

  it("serves only the first session id: another gets 409 and no turn", async () => {
    const calls = world.model.requests.length;
    const other = await world.invoke(turn("hi from elsewhere"), {
      [SESSION_HEADER]: "another-session-0123456789abcdefghij",
    });
    expect(other.status).toBe(409);
    const { error } = (await other.json()) as { error: { message: string } };
    expect(error.message).toContain("already serves another session");
    expect(world.model.requests.length).toBe(calls);
    expect(world.loads).toEqual([SESSION]);
  });

  // Last: it closes the world's server.
  it("stops a running turn when the process is told to stop, and still saves what the turn wrote", async () => {
    const gate = createGate();
    world.model.script([
      { toolCalls: [{ name: "write", input: { path: "before-stop.md", content: "saved on the way out" } }] },
      { text: "never finished", hold: { after: 0, gate } },
    ]);
    const streaming = world.invoke(turn("a long job"), { accept: "text/event-stream" });
    await gate.reached;
    await world.server.close();
    const last = (await (await streaming).text()).trim().split("\n\n").at(-1)!;
    // The loop ends a stopped turn either way: a result that says so, or a failure of kind "aborted".
    expect(last).toMatch(/"stopReason":"aborted"|"kind":"aborted"/);
    expect(await world.s3Text("before-stop.md")).toBe("saved on the way out");
    gate.release();
  });
});
