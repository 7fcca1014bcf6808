// The launchd plist, read back with a real XML parser: arguments, environment, restart policy, logs.
import { DomUtils, parseDocument } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { LAUNCHD_LABEL, launchdPlistPath, renderLaunchdPlist } from "./launchd.ts";
import { AWKWARD, specWith } from "./testing/fixtures.ts";

type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };
interface XmlNode {
  type: string;
  name?: string;
  children?: XmlNode[];
}

const elements = (node: XmlNode) => (node.children ?? []).filter((c) => c.type === "tag");

function toValue(node: XmlNode): PlistValue {
  const text = () => DomUtils.textContent(node as Parameters<typeof DomUtils.textContent>[0]);
  switch (node.name) {
    case "string":
      return text();
    case "integer":
      return Number(text());
    case "true":
      return true;
    case "false":
      return false;
    case "array":
      return elements(node).map(toValue);
    case "dict": {
      const out: Record<string, PlistValue> = {};
      const children = elements(node);
      for (let i = 0; i < children.length; i += 2) {
        expect(children[i]!.name).toBe("key");
        out[toValue({ ...children[i]!, name: "string" }) as string] = toValue(children[i + 1]!);
      }
      return out;
    }
    default:
      throw new Error(`unexpected plist element <${node.name}>`);
  }
}

/** The plist's top-level dict, parsed as XML (entities decoded). */
function parsePlist(xml: string): Record<string, PlistValue> {
  const doc = parseDocument(xml, { xmlMode: true }) as unknown as XmlNode;
  const plist = elements(doc).find((n) => n.name === "plist")!;
  const [dict] = elements(plist);
  return toValue(dict!) as Record<string, PlistValue>;
}

describe("renderLaunchdPlist", () => {
  it("runs `node <cli> gateway` with absolute paths in the home folder", () => {
    const spec = specWith({ nodePath: `/opt/${AWKWARD}/node`, home: `/Users/ada/${AWKWARD}` });
    const plist = parsePlist(renderLaunchdPlist(spec));
    expect(plist.Label).toBe(LAUNCHD_LABEL);
    expect(plist.ProgramArguments).toEqual([spec.nodePath, spec.cliScript, "gateway"]);
    expect(plist.WorkingDirectory).toBe(spec.home);
  });

  it("carries the environment exactly, with AGENT_CLAW_HOME set", () => {
    const spec = specWith({ env: { OPENAI_API_KEY: AWKWARD, AGENT_CLAW_MODEL: "openai/gpt-5-mini" } });
    const plist = parsePlist(renderLaunchdPlist(spec));
    expect(plist.EnvironmentVariables).toEqual({
      AGENT_CLAW_HOME: spec.home,
      OPENAI_API_KEY: AWKWARD,
      AGENT_CLAW_MODEL: "openai/gpt-5-mini",
    });
  });

  it("starts at login, restarts after a crash only, and logs into <home>/logs", () => {
    const plist = parsePlist(renderLaunchdPlist(specWith()));
    expect(plist).toMatchObject({
      RunAtLoad: true,
      KeepAlive: { SuccessfulExit: false },
      StandardOutPath: "/home/ada/.agent-claw/logs/gateway.log",
      StandardErrorPath: "/home/ada/.agent-claw/logs/gateway.log",
    });
    expect(plist.ExitTimeOut).toBeGreaterThanOrEqual(30);
  });

  it("refuses values XML cannot hold, rather than writing a plist launchd rejects", () => {
    expect(() => renderLaunchdPlist(specWith({ env: { OPENAI_API_KEY: "bad\u0001key" } }))).toThrow(
      /control characters/,
    );
  });

  it("lives in ~/Library/LaunchAgents", () => {
    expect(launchdPlistPath({ HOME: "/Users/ada" })).toBe(
      "/Users/ada/Library/LaunchAgents/ai.agent-claw.gateway.plist",
    );
  });
});
