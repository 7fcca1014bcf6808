// The real clock passes the Clock contract, with real (short) waits.
import { clockContract } from "../ports/clock.contract.ts";
import { createSystemClock } from "./system-clock.ts";

clockContract("system", () => {
  const clock = createSystemClock();
  return { clock, pass: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
});
