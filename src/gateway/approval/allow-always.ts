// "Always" on an approval: the exact command joins tools.exec.allowlist through the config writer
// (validated, written atomically, applied at once), one addition at a time so none is lost.
import type { GatewayContext } from "../gateway-context.ts";

/** Returns the `allowAlways` of createApprovals for this gateway. */
export function allowAlwaysWith(ctx: Pick<GatewayContext, "config" | "patchConfig" | "logs">) {
  let chain: Promise<unknown> = Promise.resolve();
  return (entry: string): Promise<void> => {
    const next = chain.then(async () => {
      // Read when it is this addition's turn, so an addition just before it is kept.
      const current = ctx.config().tools.exec.allowlist;
      if (current.includes(entry)) return;
      await ctx.patchConfig({ "tools.exec.allowlist": [...current, entry] });
      ctx.logs.log("info", `approval: ${JSON.stringify(entry)} added to tools.exec.allowlist`);
    });
    chain = next.catch(() => {});
    return next;
  };
}
