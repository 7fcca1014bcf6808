// Listening on a free port of 127.0.0.1, as every emulator and stand-in does: the port is the system's
// choice, and a failure to listen rejects instead of surfacing later as an unhandled 'error' event.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Resolves with the origin (`http://127.0.0.1:<port>`) once the server listens. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
