// The README promises only what ships: no shipped feature is still "coming next", and it claims to
// run serverless only once the AWS engine has Lambda handlers to run.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const readme = () => readFile(join(root, "README.md"), "utf8");
const sentences = (text: string) => text.replace(/\s+/g, " ").split(/(?<=[.;:)])\s/);

describe("README.md", () => {
  it("calls nothing that ships 'coming next'", async () => {
    const text = await readme();
    const cli = await readFile(join(root, "src/cli/main.ts"), "utf8");
    // What ships, and the words a stale sentence would use for it.
    const shipped = [
      { feature: /telegram/i, ships: /registerChannels/ },
      { feature: /schedule|cron/i, ships: /registerCron/ },
      { feature: /heartbeat/i, ships: /registerCron/ },
    ];
    const stale = sentences(text).filter(
      (s) =>
        /\b(comes?|coming) (next|soon)\b/i.test(s) &&
        shipped.some(({ feature, ships }) => feature.test(s) && ships.test(cli)),
    );
    expect(stale).toEqual([]);
  });

  it("claims serverless AWS only with Lambda handlers in the AWS engine", async () => {
    const files = await readdir(join(root, "src/engines/aws"));
    const handlers = files.filter((f) => /handler|ingest|runner|lambda/i.test(f) && !f.includes(".test."));
    const claims = sentences(await readme()).filter(
      (s) => /serverless/i.test(s) && !/\b(not (built|yet)|planned)\b/i.test(s),
    );
    if (handlers.length === 0) expect(claims).toEqual([]);
  });
});
