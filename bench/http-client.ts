// The benches' HTTP client: node:http over keep-alive connections, much cheaper per request than
// fetch, so that the load generator (which shares the machine) takes as little CPU as it can.
import { Agent, request } from "node:http";

export const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** One POST with a keep-alive connection; resolves with the status and the body. */
export function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(data),
          ...headers,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}
