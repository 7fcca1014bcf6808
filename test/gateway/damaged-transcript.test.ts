// A damaged line in the middle of a transcript is not dropped silently: the gateway's log names the
// file and the line, and the turn still gets the rest of the conversation.
import { appendFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { useGatewayWorld } from "./gateway-world.ts";

const world = useGatewayWorld();

const ask = async (content: string) => {
  const response = await world.call("/v1/chat/completions", {
    method: "POST",
    body: JSON.stringify({ model: "agent-claw", user: "ada", messages: [{ role: "user", content }] }),
  });
  expect(response.status).toBe(200);
};

it("logs a damaged transcript line with its file and line number", async () => {
  world.fake.script([{ text: "One." }, { text: "Two." }]);
  await ask("first");
  const [session] = await world.gateway.ctx.assistant.ports.sessions.list();
  const file = join(world.home, "sessions", `${session!.sessionId}.jsonl`);
  await appendFile(file, "{not json\n");

  await ask("second");

  const warnings = world.gateway.ctx.logs.tail().filter((line) => line.level === "warn");
  expect(warnings.map((line) => line.message)).toContainEqual(
    expect.stringContaining(`${file}: skipped damaged line 3 (not JSON)`),
  );
  expect(world.fake.requests[1]?.messages.map((m) => m.text)).toEqual(["first", "One.", "second"]);
});
