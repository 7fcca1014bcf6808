// The systemd unit and env file, read back the way systemd reads them: awkward values survive.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderEnvFile, renderSystemdUnit, systemdUnitPath } from "./systemd.ts";
import { AWKWARD, parseEnvFile, specWith } from "./testing/fixtures.ts";

/** [section] → key → values, as systemd's unit parser groups them (comments skipped). */
function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let current: Record<string, string[]> = {};
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) sections[section[1]!] = current = {};
    else {
      const at = line.indexOf("=");
      (current[line.slice(0, at)] ??= []).push(line.slice(at + 1));
    }
  }
  return sections;
}

const C_ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", '"': '"', "'": "'" };

/** systemd's word splitting (quotes, C escapes), then specifiers (%%) and, for ExecStart, $$. */
function unitWords(value: string, dollars: boolean): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === "\\") {
      word = (word ?? "") + (C_ESCAPES[value[++i]!] ?? `\\${value[i]}`);
    } else if (quote) {
      if (c === quote) quote = undefined;
      else word = (word ?? "") + c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= "";
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? "") + c;
  }
  expect(quote, `unbalanced quotes in ${value}`).toBeUndefined();
  if (word !== undefined) words.push(word);
  return words.map((w) => {
    const unspecified = w.replace(/%(.)/g, (_, c: string) => {
      expect(c, `unknown specifier %${c} in ${value}`).toBe("%");
      return "%";
    });
    return dollars
      ? unspecified.replace(/\$(\$|\{?\w)/g, (m, c: string) => (c === "$" ? "$" : `<expanded ${m}>`))
      : unspecified;
  });
}

describe("renderSystemdUnit", () => {
  it("runs `node <cli> gateway` with absolute paths, the home folder and the env file", () => {
    const spec = specWith({ home: `/home/ada/100% "claw" $HOME`, envFile: "/home/ada/100%/gateway.env" });
    const unit = parseUnit(renderSystemdUnit(spec));
    const service = unit.Service!;
    expect(unitWords(service.ExecStart![0]!, true)).toEqual([spec.nodePath, spec.cliScript, "gateway"]);
    expect(unitWords(service.Environment![0]!, false)).toEqual([`AGENT_CLAW_HOME=${spec.home}`]);
    expect(service.WorkingDirectory).toEqual([`/home/ada/100%% "claw" $HOME`]);
    expect(service.EnvironmentFile).toEqual(["/home/ada/100%%/gateway.env"]);
  });

  it("does not restart a gateway that stopped on a damaged state.db (restarting cannot repair it)", () => {
    const unit = parseUnit(renderSystemdUnit(specWith()));
    expect(unit.Service).toMatchObject({ RestartPreventExitStatus: ["78"] });
  });

  it("restarts after a crash, starts at login, and says how to outlive the session", () => {
    const text = renderSystemdUnit(specWith());
    const unit = parseUnit(text);
    expect(unit.Service).toMatchObject({ Restart: ["on-failure"], RestartSec: ["5"], Type: ["simple"] });
    expect(unit.Install).toEqual({ WantedBy: ["default.target"] });
    expect(text).toContain("loginctl enable-linger");
    // Secrets never go into the unit (it is world-readable); they live in the env file.
    expect(text).not.toContain("sk-");
  });

  it("keeps $ and % in arguments literal", () => {
    const spec = specWith({ nodePath: "/opt/$HOME/50%/node", cliScript: "/x/${X}/cli.js" });
    const [execStart] = parseUnit(renderSystemdUnit(spec)).Service!.ExecStart!;
    expect(unitWords(execStart!, true)).toEqual(["/opt/$HOME/50%/node", "/x/${X}/cli.js", "gateway"]);
  });

  it.skipIf(!existsSync("/usr/bin/systemd-analyze"))("passes systemd-analyze verify", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ac-unit-"));
    try {
      const file = join(dir, "agent-claw-verify.service");
      await writeFile(
        file,
        renderSystemdUnit(specWith({ nodePath: process.execPath, home: `${dir}/${AWKWARD}` })),
      );
      // Exits non-zero and names the line for any setting systemd cannot parse.
      execFileSync("/usr/bin/systemd-analyze", ["verify", "--man=no", file], { stdio: "pipe" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("renderEnvFile", () => {
  it("writes values that systemd (and a shell) read back exactly", () => {
    const env = {
      OPENAI_API_KEY: AWKWARD,
      MULTI_LINE: "line one\nline two",
      TRAILING: "ends with backslash \\",
      EMPTYISH: " ",
    };
    expect(parseEnvFile(renderEnvFile(env))).toEqual(env);
  });

  it("reads the same in /bin/sh, for people who source it", async () => {
    const env = { OPENAI_API_KEY: AWKWARD, MULTI_LINE: "a\nb" };
    const dir = await mkdtemp(join(tmpdir(), "ac-env-"));
    try {
      await writeFile(join(dir, "gateway.env"), renderEnvFile(env));
      const printed = execFileSync(
        "/bin/sh",
        ["-c", '. ./gateway.env; printf "%s|%s" "$OPENAI_API_KEY" "$MULTI_LINE"'],
        {
          cwd: dir,
          encoding: "utf8",
          env: { PATH: process.env.PATH },
        },
      );
      expect(printed).toBe(`${AWKWARD}|a\nb`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("systemdUnitPath", () => {
  it("is under ~/.config, or XDG_CONFIG_HOME when set", () => {
    expect(systemdUnitPath({ HOME: "/home/ada" })).toBe("/home/ada/.config/systemd/user/agent-claw.service");
    expect(systemdUnitPath({ HOME: "/home/ada", XDG_CONFIG_HOME: "/cfg" })).toBe(
      "/cfg/systemd/user/agent-claw.service",
    );
  });
});
