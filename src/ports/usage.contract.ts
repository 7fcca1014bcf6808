// The suite every UsageLedger adapter must pass: records kept as written, ranges half-open, totals
// equal to the sum of the list, across day boundaries and from a second process.
import { describe, expect, it } from "vitest";
import { useHarness } from "./contract-harness.ts";
import { addUsage, EMPTY_TOTALS, type UsageLedger, type UsageRecord } from "./usage.ts";

export interface UsageHarness {
  usage: UsageLedger;
  /** A second handle on the same storage, as another process would open it. */
  other: UsageLedger;
  cleanup(): Promise<void>;
}

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 7, 9, 30);

export function usageRecord(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    at: T0,
    sessionKey: "agent:main:main",
    model: "anthropic/claude-sonnet-4-5",
    kind: "turn",
    inputTokens: 1200,
    outputTokens: 80,
    cacheReadTokens: 1000,
    cacheWriteTokens: 0,
    costUsd: 0.00186,
    ...overrides,
  };
}

export function usageContract(name: string, make: () => Promise<UsageHarness>): void {
  describe(`UsageLedger contract: ${name}`, () => {
    const open = useHarness(make);

    it("gives back each record as written, oldest first, and an unpriced one without a cost", async () => {
      const { usage } = await open();
      const later = usageRecord({ at: T0 + 5_000, kind: "heartbeat", model: "openai/gpt-5-mini" });
      const local = usageRecord({ at: T0 + 1_000, model: "ollama/llama3.2", costUsd: undefined });
      const first = usageRecord();
      await usage.record(later);
      await usage.record(local);
      await usage.record(first);
      const listed = await usage.list(T0, T0 + DAY);
      expect(listed).toEqual([first, local, later]);
      expect("costUsd" in listed[1]!).toBe(false);
    });

    it("keeps two identical records as two calls", async () => {
      const { usage } = await open();
      await usage.record(usageRecord());
      await usage.record(usageRecord());
      expect(await usage.list(T0, T0 + 1)).toHaveLength(2);
      expect((await usage.total(T0, T0 + 1)).calls).toBe(2);
    });

    it("counts a record when from <= at < to, across days, and another process sees it", async () => {
      const { usage, other } = await open();
      const ats = [T0 - DAY, T0 - 1, T0, T0 + DAY - 1, T0 + DAY, T0 + 3 * DAY];
      for (const at of ats) await usage.record(usageRecord({ at, sessionKey: `s${at}` }));
      const inDay = await other.list(T0, T0 + DAY);
      expect(inDay.map((r) => r.at)).toEqual([T0, T0 + DAY - 1]);
      expect((await other.list(T0 - 2 * DAY, T0 + 4 * DAY)).map((r) => r.at)).toEqual(ats);
      expect(await other.list(T0 + 4 * DAY, T0 + 5 * DAY)).toEqual([]);
    });

    it("totals the same records list gives, cost over priced ones, and unpriced ones counted", async () => {
      const { usage } = await open();
      const records = [
        usageRecord({ inputTokens: 100, outputTokens: 10, cacheReadTokens: 0, costUsd: 0.25 }),
        usageRecord({ at: T0 + 10, inputTokens: 300, cacheWriteTokens: 200, costUsd: 0.5 }),
        usageRecord({ at: T0 + 20, costUsd: undefined, kind: "compaction" }),
        usageRecord({ at: T0 + DAY }),
      ];
      for (const record of records) await usage.record(record);
      const total = await usage.total(T0, T0 + DAY);
      const expected = records.slice(0, 3).reduce(addUsage, EMPTY_TOTALS);
      expect({ ...total, costUsd: Math.round(total.costUsd * 1e6) }).toEqual({
        ...expected,
        costUsd: 750_000,
      });
      expect(total.unpriced).toBe(1);
      expect(await usage.total(T0 + 2 * DAY, T0 + 3 * DAY)).toEqual(EMPTY_TOTALS);
    });
  });
}
