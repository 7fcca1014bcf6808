// The signals that end a foreground command that runs until told to stop (aws dev): Ctrl-C (SIGINT), a
// service manager or kill (SIGTERM), and the terminal closing (SIGHUP). Each must clean up the same way,
// or a closed terminal leaves behind what Ctrl-C would have removed.
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const satisfies readonly NodeJS.Signals[];

export type StopSignal = (typeof STOP_SIGNALS)[number];

/**
 * Resolves with the first of `signals` received, and stops listening for the others. Call it before
 * printing that the command is ready: until a listener is set, SIGTERM kills the process outright, so a
 * supervisor that stops it on seeing the ready line would skip the clean-up.
 */
export function untilStopSignal(signals: readonly StopSignal[] = STOP_SIGNALS): Promise<StopSignal> {
  return new Promise((resolve) => {
    const handlers = signals.map((signal) => {
      const handler = () => {
        for (const [other, registered] of handlers) process.off(other, registered);
        resolve(signal);
      };
      return [signal, handler] as const;
    });
    for (const [signal, handler] of handlers) process.on(signal, handler);
  });
}
