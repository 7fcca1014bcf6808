// Each turn the gateway runs leaves one line in its log (what the Logs page shows): session,
// channel, duration, tokens and outcome, and never the words of the conversation.
import { describe, expect, it } from "vitest";
import { useGatewayWorld } from "./gateway-world.ts";

const world = useGatewayWorld();

const ask = (text: string) =>
  world.call("/v1/chat/completions", {
    method: "POST",
    body: JSON.stringify({ model: "agent-claw", messages: [{ role: "user", content: text }] }),
  });
const turnLines = () => world.gateway.ctx.logs.tail().filter((line) => line.message.startsWith("turn "));

describe("turn log", () => {
  it("logs one line per turn with session, channel, time, tokens and outcome, but no message text", async () => {
    world.fake.script([{ text: "The secret plan is safe.", usage: { inputTokens: 41, outputTokens: 6 } }]);
    expect((await ask("my secret plan")).status).toBe(200);
    const lines = turnLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "info" });
    expect(lines[0]!.message).toMatch(
      /^turn agent:main:[^ ]+ · http · \d+(\.\d)? m?s · 41 in \/ 6 out tokens · 1 step · done$/,
    );
    expect(lines[0]!.message).not.toMatch(/secret/);
  });

  it("logs a turn that failed as a warning", async () => {
    world.fake.script([{ error: { status: 400, message: "bad request from the fake" } }]);
    await ask("hello");
    const failed = turnLines().find((line) => line.message.endsWith("· failed"));
    expect(failed).toMatchObject({ level: "warn" });
    expect(failed!.message).not.toMatch(/hello|bad request/);
  });
});
