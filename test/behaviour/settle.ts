// For tests on a fake clock over SQLite: group commits wait for setImmediate, which advancing the
// fake clock does not run. This lets them, and the promise chains they start, finish.

/** Runs a few rounds of immediates without moving time. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 8; i++) await new Promise((resolve) => setImmediate(resolve));
}
