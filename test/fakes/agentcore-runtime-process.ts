// A stand-in for `agent-claw runtime` that the AgentCore emulator's tests spawn (node runs this file
// directly): AgentCore's HTTP contract with knobs in the environment, and no engine behind it.
//   FAKE_RUNTIME_PING=no-timestamp  /ping says HealthyBusy without time_of_last_update
//   FAKE_RUNTIME_EXIT=1             exits at once (a runtime that crashes while starting)
// POST /invocations answers {pid, session, body, env} as JSON, or as SSE frames then a result frame;
// a body {"hold": true} keeps the turn open until the caller goes away, then records that in /aborted.
import { createServer } from "node:http";

const args = process.argv.slice(2);
const port = Number(args[args.indexOf("--port") + 1]);
if (process.env["FAKE_RUNTIME_EXIT"] === "1") process.exit(3);

let busy = false;
let changedAt = Math.floor(Date.now() / 1000);
let aborted = 0;
const setBusy = (value: boolean) => {
  busy = value;
  changedAt = Math.floor(Date.now() / 1000);
};

const server = createServer(async (req, res) => {
  if (req.method === "GET" && req.url === "/ping") {
    const body =
      process.env["FAKE_RUNTIME_PING"] === "no-timestamp"
        ? { status: "HealthyBusy" }
        : { status: busy ? "HealthyBusy" : "Healthy", time_of_last_update: changedAt };
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify(body));
  }
  if (req.method === "GET" && req.url === "/aborted") {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify({ aborted }));
  }
  if (req.method !== "POST" || req.url !== "/invocations") {
    res.writeHead(404);
    return res.end();
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "null") as Record<string, unknown> | null;
  if (body?.["fail"]) {
    res.writeHead(500, { "content-type": "application/json" });
    return res.end(JSON.stringify({ error: { message: "the turn failed", kind: "internal" } }));
  }
  const result = {
    pid: process.pid,
    session: req.headers["x-amzn-bedrock-agentcore-runtime-session-id"],
    body,
    dir: process.env["AGENT_CLAW_RUNTIME_DIR"],
    greeting: process.env["GREETING"],
  };
  setBusy(true);
  if (!String(req.headers["accept"]).includes("text/event-stream")) {
    setBusy(false);
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify(result));
  }
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.write(`data: ${JSON.stringify({ type: "text_delta", text: "Hel" })}\n\n`);
  if (body?.["hold"]) {
    res.once("close", () => {
      aborted++;
      setBusy(false);
    });
    return;
  }
  res.write(`data: ${JSON.stringify({ type: "text_delta", text: "lo" })}\n\n`);
  res.end(`data: ${JSON.stringify({ type: "result", ...result })}\n\n`);
  setBusy(false);
});
server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
