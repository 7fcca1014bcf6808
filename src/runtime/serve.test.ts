// AgentCore stops a session's microVM with SIGTERM, possibly right after the runtime says it listens;
// the listener must be set by then, or the signal kills it without closing the server.
import { afterEach, expect, it, vi } from "vitest";
import { serveRuntime } from "./serve.ts";

afterEach(() => vi.restoreAllMocks());

it("listens for SIGTERM before it prints that it listens, and closes when it comes", async () => {
  const before = process.listenerCount("SIGTERM");
  const atListening: number[] = [];
  let onListening = (_url: string) => {};
  const listening = new Promise<string>((resolve) => (onListening = resolve));
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    const url = /agent-claw runtime listening on (\S+)/.exec(String(chunk))?.[1];
    if (url) {
      atListening.push(process.listenerCount("SIGTERM"));
      onListening(url);
    }
    return true;
  });
  const served = serveRuntime({ port: "0" }, {});
  // A start that fails rejects here with its own error, rather than leaving the test waiting.
  const url = await Promise.race([listening, served.then(() => Promise.reject(new Error("stopped")))]);
  expect(atListening).toEqual([before + 1]);
  expect((await fetch(`${url}/ping`)).status).toBe(200);
  process.emit("SIGTERM");
  await served;
  expect(process.listenerCount("SIGTERM")).toBe(before);
  await expect(fetch(`${url}/ping`)).rejects.toThrow();
});
