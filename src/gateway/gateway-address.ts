// gateway.port: the address the running gateway really listens on, for the CLI's connection to it.
// config.json's is not enough: `gateway --port` and `--bind` override it, and whatever listened at the
// configured address then would be sent the token. Written after listening, naming the gateway's pid.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { PRIVATE_FILE_MODE } from "../util/private-files.ts";
import { runningGatewayPid } from "./pid-lock.ts";

export const gatewayPortFile = (home: string) => join(home, "gateway.port");

/** Publishes this process's address; resolves with the function that removes the file again. */
export async function publishGatewayAddress(
  home: string,
  address: { port: number; bind: string },
): Promise<() => Promise<void>> {
  const file = gatewayPortFile(home);
  const text = `${process.pid}\n${address.port}\n${address.bind}\n`;
  await writeFileAtomic(file, text, { mode: PRIVATE_FILE_MODE });
  return async () => {
    if ((await readFile(file, "utf8").catch(() => "")) === text) await rm(file, { force: true });
  };
}

/**
 * The address of the gateway running on `home`: only from a gateway.port written by the process that
 * holds gateway.pid now, so neither a crashed gateway's file nor config.json sends the CLI elsewhere.
 */
export async function runningGatewayAddress(
  home: string,
): Promise<{ port: number; bind: string } | undefined> {
  const pid = await runningGatewayPid(home);
  if (pid === undefined) return undefined;
  const [writer, port, bind] = (await readFile(gatewayPortFile(home), "utf8").catch(() => "")).split("\n");
  if (Number(writer) !== pid || !/^[1-9]\d{0,4}$/.test(port ?? "") || !bind) return undefined;
  return { port: Number(port), bind };
}
