// Test helpers for the stacks: small stand-ins for the build's artifacts (so the tests do not depend on a
// build), a template per options, and a walk over every IAM statement a template grants.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { buildApp } from "../app.ts";
import { type DeployOptionsInput, parseDeployOptions, stackName } from "../options.ts";

export interface Artifacts {
  lambdaDir: string;
  runtimeDir: string;
  gatewayDir: string;
  remove(): void;
}

/** dist/lambda's three bundles, a runtime Docker context and a package root with the gateway's Dockerfile. */
export function fakeArtifacts(): Artifacts {
  const root = mkdtempSync(join(tmpdir(), "agent-claw-infra-"));
  const lambdaDir = join(root, "lambda");
  const runtimeDir = join(root, "runtime");
  const gatewayDir = join(root, "package");
  for (const dir of [lambdaDir, runtimeDir, join(gatewayDir, "dist", "gateway"), join(gatewayDir, "bin")]) {
    mkdirSync(dir, { recursive: true });
  }
  for (const name of ["ingest", "runner", "schedule"]) {
    writeFileSync(join(lambdaDir, `${name}.mjs`), `export const handler = async () => "${name}";\n`);
  }
  writeFileSync(join(runtimeDir, "Dockerfile"), "FROM node:24-slim\n");
  writeFileSync(join(gatewayDir, "dist", "gateway", "Dockerfile"), "FROM node:24-slim\n");
  writeFileSync(join(gatewayDir, "bin", "agent-claw.js"), "\n");
  writeFileSync(join(gatewayDir, "package.json"), "{}\n");
  return { lambdaDir, runtimeDir, gatewayDir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** The template of the stack the options describe (CDK's own validation off: it is tested in app.test.ts). */
export function templateOf(input: DeployOptionsInput): Template {
  const app = buildApp(input, { validate: false });
  return Template.fromStack(app.node.findChild(stackName(parseDeployOptions(input))) as Stack);
}

export interface Statement {
  /** Where it sits: "<policy or role logical id>". */
  where: string;
  Effect: string;
  Action: string[];
  Resource: unknown[];
}

const list = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Every statement of every identity policy in the template: AWS::IAM::Policy, ManagedPolicy and roles' inline ones. */
export function iamStatements(template: Template): Statement[] {
  const out: Statement[] = [];
  const add = (where: string, document: { Statement?: unknown } | undefined) => {
    for (const s of list(document?.Statement) as Array<Record<string, unknown>>) {
      out.push({
        where,
        Effect: String(s["Effect"]),
        Action: list(s["Action"]).map(String),
        Resource: list(s["Resource"]),
      });
    }
  };
  for (const type of ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"]) {
    for (const [id, r] of Object.entries(template.findResources(type)))
      add(id, r["Properties"].PolicyDocument);
  }
  for (const [id, r] of Object.entries(template.findResources("AWS::IAM::Role"))) {
    for (const p of list(r["Properties"].Policies) as Array<{ PolicyDocument: { Statement?: unknown } }>) {
      add(id, p.PolicyDocument);
    }
  }
  return out;
}

/** The logical ids of the roles a policy resource is attached to. */
export function rolesOf(template: Template, policyId: string): string[] {
  const policy = template.findResources("AWS::IAM::Policy")[policyId];
  return (list(policy?.["Properties"].Roles) as Array<{ Ref: string }>).map((r) => r.Ref);
}

/** The one resource of `type` whose logical id starts with `prefix`. */
export function resourceNamed(
  template: Template,
  type: string,
  prefix: string,
): [string, { Properties: Record<string, unknown> } & Record<string, unknown>] {
  const found = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} named ${prefix}*, found ${found.length}`);
  return found[0] as [string, { Properties: Record<string, unknown> } & Record<string, unknown>];
}
