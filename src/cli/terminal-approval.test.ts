import { expect, it } from "vitest";
import { approvalAnswer } from "./terminal-approval.ts";

it("reads y as once, a as always, and anything else (Enter included) as no", () => {
  expect(["y", "Yes", " y "].map(approvalAnswer)).toEqual(["once", "once", "once"]);
  expect(["a", "ALWAYS"].map(approvalAnswer)).toEqual(["always", "always"]);
  expect(["", "n", "no", "yep", "sure"].map(approvalAnswer)).toEqual([
    "deny",
    "deny",
    "deny",
    "deny",
    "deny",
  ]);
});
