// The Fargate stack's template: one arm64 gateway task with its home on encrypted EFS, a /healthz health
// check, the secret through ECS, and a load balancer with HTTPS only when a certificate is given.
import { Match, type Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDeployOptions } from "./options.ts";
import { type Artifacts, fakeArtifacts, iamStatements, resourceNamed, templateOf } from "./testing/stacks.ts";

const CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/0c8f2d3e-1111-2222-3333-444455556666";

let artifacts: Artifacts;
let polling: Template;
let https: Template;

beforeAll(() => {
  artifacts = fakeArtifacts();
  const base = { stack: "fargate" as const, ...artifacts };
  polling = templateOf(base);
  https = templateOf({ ...base, fargate: { certificateArn: CERTIFICATE, domainName: "claw.example.com" } });
});
afterAll(() => artifacts.remove());

interface ContainerDefinition {
  Environment: Array<{ Name: string; Value: unknown }>;
  Secrets: Array<{ Name: string; ValueFrom: unknown }>;
  HealthCheck: { Command: string[] };
  MountPoints: Array<{ ContainerPath: string; SourceVolume: string; ReadOnly: boolean }>;
  PortMappings?: Array<{ ContainerPort: number }>;
}
const containerOf = (template: Template) => {
  const [, task] = resourceNamed(template, "AWS::ECS::TaskDefinition", "Task");
  const containers = task.Properties["ContainerDefinitions"] as ContainerDefinition[];
  expect(containers).toHaveLength(1);
  return containers[0]!;
};

describe("the gateway task", () => {
  it("is one arm64 Fargate task that never runs twice", () => {
    polling.hasResourceProperties("AWS::ECS::TaskDefinition", {
      RequiresCompatibilities: ["FARGATE"],
      RuntimePlatform: { CpuArchitecture: "ARM64", OperatingSystemFamily: "LINUX" },
    });
    polling.hasResourceProperties("AWS::ECS::Service", {
      DesiredCount: 1,
      DeploymentConfiguration: Match.objectLike({ MaximumPercent: 100, MinimumHealthyPercent: 0 }),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: "ENABLED" }) },
    });
  });

  it("keeps its home on encrypted EFS through an access point, mounted as AGENT_CLAW_HOME", () => {
    const [fsId, fileSystem] = resourceNamed(polling, "AWS::EFS::FileSystem", "Home");
    expect(fileSystem.Properties["Encrypted"]).toBe(true);
    expect(fileSystem["DeletionPolicy"]).toBe("Retain");
    const [accessId] = resourceNamed(polling, "AWS::EFS::AccessPoint", "Home");
    polling.hasResourceProperties("AWS::EFS::AccessPoint", {
      FileSystemId: { Ref: fsId },
      PosixUser: { Uid: "1000", Gid: "1000" },
    });
    polling.hasResourceProperties("AWS::ECS::TaskDefinition", {
      Volumes: [
        {
          Name: "home",
          EFSVolumeConfiguration: {
            FilesystemId: { Ref: fsId },
            TransitEncryption: "ENABLED",
            AuthorizationConfig: { AccessPointId: { Ref: accessId }, IAM: "ENABLED" },
          },
        },
      ],
    });
    const container = containerOf(polling);
    expect(container.MountPoints).toEqual([
      { ContainerPath: "/data", SourceVolume: "home", ReadOnly: false },
    ]);
    expect(container.Environment).toContainEqual({ Name: "AGENT_CLAW_HOME", Value: "/data" });
  });

  it("is health-checked on /healthz", () => {
    expect(containerOf(polling).HealthCheck.Command.join(" ")).toContain("http://127.0.0.1:18789/healthz");
  });

  it("gets the secret through ECS as one variable, and no secret value in the template", () => {
    const [secretId] = resourceNamed(polling, "AWS::SecretsManager::Secret", "Secrets");
    polling.hasResourceProperties("AWS::SecretsManager::Secret", { SecretString: "{}" });
    expect(containerOf(polling).Secrets).toEqual([
      { Name: "AGENT_CLAW_SECRETS_JSON", ValueFrom: { Ref: secretId } },
    ]);
    const names = containerOf(https).Environment.map((e) => e.Name);
    expect(names.sort()).toEqual(["AGENT_CLAW_GATEWAY_PUBLIC_URL", "AGENT_CLAW_HOME"]);
  });

  it("runs in public subnets with no NAT gateway", () => {
    polling.resourceCountIs("AWS::EC2::NatGateway", 0);
    for (const subnet of Object.values(polling.findResources("AWS::EC2::Subnet"))) {
      expect(subnet["Properties"].MapPublicIpOnLaunch).toBe(true);
    }
  });
});

describe("the load balancer", () => {
  it("is absent without a certificate: Telegram is long-polled and no port is open", () => {
    polling.resourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 0);
    expect(containerOf(polling).PortMappings ?? []).toEqual([]);
    for (const group of Object.values(polling.findResources("AWS::EC2::SecurityGroup"))) {
      expect(group["Properties"].SecurityGroupIngress ?? []).toEqual([]);
    }
    // The only way in is the task's own to its file system (NFS), from the service's group.
    const ingress = Object.values(polling.findResources("AWS::EC2::SecurityGroupIngress"));
    expect(ingress.map((r) => [r["Properties"].FromPort, r["Properties"].CidrIp])).toEqual([
      [2049, undefined],
    ]);
    expect(Object.keys(polling.toJSON()["Outputs"])).not.toContain("LoadBalancerUrl");
  });

  it("serves HTTPS with the certificate, redirects HTTP, and checks the task's /healthz", () => {
    https.resourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 1);
    https.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 443,
      Protocol: "HTTPS",
      Certificates: [{ CertificateArn: CERTIFICATE }],
    });
    https.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: "redirect" })],
    });
    https.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", {
      Port: 18_789,
      TargetType: "ip",
      HealthCheckPath: "/healthz",
    });
    expect(https.toJSON()["Outputs"]["LoadBalancerUrl"].Value).toBe("https://claw.example.com");
  });

  it("needs the domain the certificate covers", () => {
    expect(() =>
      parseDeployOptions({ stack: "fargate", ...artifacts, fargate: { certificateArn: CERTIFICATE } }),
    ).toThrow(/fargate\.domainName a certificate needs the domainName it covers/);
  });
});

describe("the rest", () => {
  it("grants no * action and no service-wide action on *", () => {
    for (const template of [polling, https]) {
      for (const s of iamStatements(template).filter((st) => st.Effect === "Allow")) {
        expect(s.Action, s.where).not.toContain("*");
        if (s.Resource.includes("*")) for (const a of s.Action) expect(a, s.where).not.toMatch(/:\*$/);
      }
    }
  });

  it("alarms when no gateway task runs, and outputs what deploy aws reads", () => {
    polling.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "CPUUtilization",
      Statistic: "SampleCount",
      TreatMissingData: "breaching",
    });
    expect(Object.keys(polling.toJSON()["Outputs"])).toEqual(
      expect.arrayContaining(["SecretArn", "ClusterName", "ServiceName", "FileSystemId", "LogGroupName"]),
    );
  });
});
