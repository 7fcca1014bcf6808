// vi.waitFor gives up after 1 s unless told otherwise, and vitest has no setting for it: on a loaded
// 2-core CI machine, a process or a request that takes milliseconds here can take longer, and the
// test fails for nothing. Every file's waits get 10 s; a wait that names its own timeout keeps it.
import { vi } from "vitest";

const waitFor = vi.waitFor.bind(vi);
vi.waitFor = ((callback, options) =>
  waitFor(callback, {
    timeout: 10_000,
    ...(typeof options === "number" ? { timeout: options } : options),
  })) as typeof vi.waitFor;
