// The allowlist matcher: exact and prefix patterns, and no prefix match across shell operators.
import { describe, expect, it } from "vitest";
import { findAllowlistMatch, hasShellControl } from "./exec-allowlist.ts";

const allowlist = ["git status*", "ls *", "npm run test*", "make build", "echo hi && echo there"];

describe("exec allowlist", () => {
  it.each([
    ["git status", "git status*"],
    ["git status -s", "git status*"],
    ["  git status --porcelain  ", "git status*"],
    ["ls", "ls *"],
    ["ls -la notes", "ls *"],
    ["npm run test:unit", "npm run test*"],
    ["make build", "make build"],
    ["echo hi && echo there", "echo hi && echo there"],
  ])("%j runs without asking (matches %j)", (command, pattern) => {
    expect(findAllowlistMatch(command, allowlist)).toBe(pattern);
  });

  it.each([
    "git status; rm -rf /",
    "git status && rm -rf /",
    "git status || rm -rf /",
    "git status & rm -rf /",
    "git status | sh",
    "git status `rm -rf /`",
    "git status $(rm -rf /)",
    "git status > /etc/passwd",
    "git status < /dev/zero",
    "git status >> log",
    "git status\nrm -rf /",
    "git status\rrm -rf /",
    "ls <(rm -rf /)",
    "ls (rm)",
    "ls\u0000rm",
    "lsblk",
    "make build --eval=x",
    "make  build",
    "git log",
    "sudo git status",
    "",
  ])("%j is asked about", (command) => {
    expect(findAllowlistMatch(command, allowlist)).toBeUndefined();
  });

  it("treats operators inside quotes as operators too (asks rather than parses)", () => {
    expect(findAllowlistMatch('git status "a;b"', allowlist)).toBeUndefined();
    expect(hasShellControl("git status -- 'x|y'")).toBe(true);
    expect(hasShellControl("git status -- notes/a.md")).toBe(false);
  });

  it("matches nothing with an empty allowlist, and everything operator-free with *", () => {
    expect(findAllowlistMatch("ls", [])).toBeUndefined();
    expect(findAllowlistMatch("cat notes/a.md", ["*"])).toBe("*");
    expect(findAllowlistMatch("cat a; rm b", ["*"])).toBeUndefined();
  });
});
