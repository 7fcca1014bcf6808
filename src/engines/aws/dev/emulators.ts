// DynamoDB (dynalite), SQS and S3 (fauxqs) in memory on loopback, for `aws dev` and the tests. Both are
// devDependencies, loaded only when asked for, so an install without them says what to run instead of crashing.
import type { Server } from "node:http";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { buildApp } from "fauxqs";
import { applyFauxqsFifo, loadFauxqsQueueClass } from "./fauxqs-fifo.ts";
import { listenOnLoopback } from "../../../util/listen-loopback.ts";

/** A running emulator. */
export interface Emulator {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  stop(): Promise<void>;
}

/** Static fake credentials: the emulators accept anything, and nothing reads the developer's AWS setup. */
export const FAKE_AWS = {
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
} as const;

/** Raised when the emulators are not installed (a global install leaves devDependencies out). */
export class EmulatorsMissingError extends Error {
  override readonly name = "EmulatorsMissingError";
}

// A specifier in a variable: the bundler leaves the import to run time instead of bundling the emulator.
async function load<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new EmulatorsMissingError(
      `aws dev needs the emulators dynalite and fauxqs, which are not installed (${name} is missing). ` +
        "Run `npm ci` in the agent-claw checkout and start aws dev from there.",
    );
  }
}

// dynalite ships no type declarations; this is the slice we use.
type DynaliteFactory = (options: { createTableMs: number; deleteTableMs: number }) => Server;

/** Starts an in-memory dynalite on a random loopback port; tables become ACTIVE at once. */
export async function startDynalite(): Promise<Emulator> {
  const dynalite = (await load<{ default: DynaliteFactory }>("dynalite")).default;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  const origin = await listenOnLoopback(server);
  return {
    endpoint: origin,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets of SDK clients would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

/**
 * Starts fauxqs in memory on a random loopback port. Its own startFauxqs() always binds 0.0.0.0, so the
 * app is built and bound here instead; queue URLs then follow the request's Host (127.0.0.1:<port>).
 * Its FIFO receive is first made to batch a group as SQS does (fauxqs-fifo.ts).
 */
export async function startFauxqs(): Promise<Emulator> {
  const fauxqs = await load<{ buildApp: typeof buildApp }>("fauxqs");
  applyFauxqsFifo(await loadFauxqsQueueClass());
  const app = fauxqs.buildApp({ logger: false });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  return { endpoint: address, stop: () => app.close() };
}

/**
 * A DynamoDB client for the emulator, with fake credentials and no retries hiding failures. `timeoutMs`
 * bounds connecting and each wait for an answer: for a reader of an emulator that may be gone, whose port
 * something else (that never answers) may hold now.
 */
export function dynamoClient(endpoint: string, options: { timeoutMs?: number } = {}): DynamoDBClient {
  const { timeoutMs } = options;
  return new DynamoDBClient({
    ...FAKE_AWS,
    endpoint,
    maxAttempts: 1,
    ...(timeoutMs !== undefined && {
      // Without throwOnRequestTimeout the handler only logs a warning when requestTimeout passes, and waits on.
      requestHandler: {
        connectionTimeout: timeoutMs,
        requestTimeout: timeoutMs,
        throwOnRequestTimeout: true,
      },
    }),
  });
}

/** An S3 client for the emulator: path-style, because bucket subdomains of 127.0.0.1 do not resolve. */
export function s3Client(endpoint: string): S3Client {
  return new S3Client({ ...FAKE_AWS, endpoint, forcePathStyle: true, maxAttempts: 1 });
}

/** An SQS client for the emulator, with fake credentials. */
export function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({ ...FAKE_AWS, endpoint, maxAttempts: 1 });
}
