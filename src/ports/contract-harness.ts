// Shared by the contract suites: opens a fresh harness per test and always cleans it up.
import { afterEach } from "vitest";

/** Returns `open()`, which makes a harness for the current test; cleanup runs after each test. */
export function useHarness<H extends { cleanup(): Promise<void> }>(make: () => Promise<H>): () => Promise<H> {
  let current: H | undefined;
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return async () => {
    current = await make();
    return current;
  };
}
