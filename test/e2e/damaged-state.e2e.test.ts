// Damaged state, end to end: a state.db with a damaged table stops the gateway with one line and its
// own exit code (no stack trace, no restart loop); doctor names the file, and `doctor --repair` keeps
// it aside, rebuilds the session index from the transcripts and says what was lost.
import { appendFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { damagePage } from "../../src/adapters/sqlite/testing/damage.ts";
import { gatewayTurns, runCli, startCli, useCliWorld } from "./run-cli.ts";

const world = useCliWorld();

describe("a damaged state.db", () => {
  it("stops the gateway with one line and exit code 78, and doctor --repair rebuilds it", async () => {
    world.fake.script([{ text: "Hello, Ada." }, { text: "Still here." }]);
    const home = world.env.AGENT_CLAW_HOME!;
    expect((await gatewayTurns(world.env, ["hi", "again"])).code).toBe(0);
    const before = JSON.parse((await runCli(["sessions", "list", "--json"], world.env)).stdout);
    expect(before).toMatchObject([{ key: "agent:main:http:ada", turns: 2 }]);

    await damagePage(join(home, "state.db"), "sessions");

    const gateway = await startCli(["gateway", "--port", "0"], world.env).done;
    expect(gateway.code).toBe(78);
    const lines = gateway.stderr.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`error: ${join(home, "state.db")} is damaged (`);
    expect(lines[0]).toContain("Run `agent-claw doctor --repair`: it keeps the damaged file aside");

    const doctor = await runCli(["doctor"], world.env);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/✗ state: .*state\.db is damaged \(/);
    expect(doctor.stdout).toContain("→ Run `agent-claw doctor --repair`");

    // Other commands say the same one line, not a stack trace (and --json callers get it as JSON).
    for (const command of [
      ["sessions", "list"],
      ["agent", "-m", "hi"],
    ]) {
      const run = await runCli(command, world.env);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^error: .*state\.db is damaged \(.*`agent-claw doctor --repair`.*\n$/);
    }
    const json = await runCli(["agent", "-m", "hi", "--json"], world.env);
    expect(JSON.parse(json.stdout)).toMatchObject({
      error: { code: "damaged_state", message: /state\.db is damaged/ },
    });
    expect(json.stderr).toBe("");

    const repair = await runCli(["doctor", "--repair"], world.env);
    expect(repair.stdout).toMatch(/! state repair: .*state\.db is damaged .*; rebuilt it\./);
    expect(repair.stdout).toMatch(/The damaged file is kept as state\.db\.damaged-\d{4}-\d\d-\d\dT/);
    expect(repair.stdout).toMatch(/outbox: kept 2, lost 0/);
    expect(repair.stdout).toMatch(/sessions: kept 0, lost (1|an unknown number)/);
    expect(repair.stdout).toContain("Sessions put back from their transcripts: 1.");
    expect((await readdir(home)).filter((name) => name.startsWith("state.db.damaged-"))).toHaveLength(1);

    const after = JSON.parse((await runCli(["sessions", "list", "--json"], world.env)).stdout);
    expect(after).toMatchObject([{ key: "agent:main:http:ada", sessionId: before[0].sessionId, turns: 2 }]);
    expect((await runCli(["doctor"], world.env)).stdout).toMatch(/✓ state: .*\(1 sessions\)/);
    world.fake.script([{ text: "Back." }]);
    expect((await gatewayTurns(world.env, ["are you there?"])).code).toBe(0);
  });
});

describe("a damaged line in a transcript", () => {
  it("is skipped with a warning naming the file and the line, and doctor lists it", async () => {
    world.fake.script([{ text: "One." }, { text: "Two." }]);
    const first = await runCli(["agent", "-m", "first"], world.env);
    expect(first.code, first.stderr).toBe(0);
    const [session] = JSON.parse((await runCli(["sessions", "list", "--json"], world.env)).stdout);
    const file = join(world.env.AGENT_CLAW_HOME!, "sessions", `${session.sessionId}.jsonl`);
    await appendFile(file, '{"type":"message","id":"x","at":1,"mess\n');

    const second = await runCli(["agent", "-m", "second"], world.env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`warning: ${file}: skipped damaged line 3 (not JSON)`);
    // The conversation before the damage still reaches the model.
    expect(world.fake.requests[1]?.messages.map((m) => m.text)).toEqual(["first", "One.", "second"]);

    const doctor = await runCli(["doctor"], world.env);
    expect(doctor.stdout).toMatch(
      new RegExp(`! transcripts: damaged lines in .*: ${session.sessionId}\\.jsonl line 3`),
    );
  });
});
