// The gateway's last route: the Values port (core/last-route.ts), migrating the last-route.json file
// that earlier versions kept in the home folder the first time the port has no route.
import { readFile } from "node:fs/promises";
import { asRoute, createLastRoute, type LastRoute } from "../core/last-route.ts";
import type { Values } from "../ports/values.ts";

export { type LastRoute, WEB_CHAT } from "../core/last-route.ts";

/** The last route over `values`; `legacyFile` is the old last-route.json (missing or unreadable: none). */
export function openLastRoute(values: Values, legacyFile: string, log: (message: string) => void): LastRoute {
  return createLastRoute(values, {
    legacy: async () => {
      try {
        return asRoute(JSON.parse(await readFile(legacyFile, "utf8")));
      } catch {
        return undefined;
      }
    },
    log,
  });
}
