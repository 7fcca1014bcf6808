// The Fargate stack (seed 002): the gateway as one arm64 task, its home on EFS, in public subnets with no
// NAT (a public IP reaches ECR and Telegram). Without a certificate Telegram is long-polled and nothing
// listens outside; with one, an HTTPS load balancer forwards to the gateway and Telegram uses the webhook.
import { Duration, RemovalPolicy, SecretValue, Stack, type StackProps } from "aws-cdk-lib";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import { Platform } from "aws-cdk-lib/aws-ecr-assets";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as efs from "aws-cdk-lib/aws-efs";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import * as logs from "aws-cdk-lib/aws-logs";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { IgnoreMode } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { Alarms } from "./alarms.ts";
import type { DeployOptions } from "./options.ts";
import { output } from "./outputs.ts";

/** The gateway's port in the container (the entrypoint pins gateway.port to it). */
export const GATEWAY_PORT = 18_789;
/** Where the EFS access point is mounted: the gateway's AGENT_CLAW_HOME. */
export const HOME_PATH = "/data";
/** The image's Dockerfile inside the package root (scripts/build.mjs copies it from infra/gateway/). */
export const GATEWAY_DOCKERFILE = "dist/gateway/Dockerfile";
/** The `node` user of node:24-slim: the task writes its home as this user, never as root. */
const NODE_UID = "1000";

export interface FargateStackProps extends StackProps {
  options: DeployOptions;
}

export class FargateStack extends Stack {
  constructor(scope: Construct, id: string, props: FargateStackProps) {
    super(scope, id, props);
    const { options } = props;
    const https = options.fargate?.certificateArn;
    const domainName = options.fargate?.domainName;

    // Created holding "{}"; `deploy aws` puts the values, then restarts the service (ECS reads it at start).
    const secret = new secretsmanager.Secret(this, "Secrets", {
      secretName: `${options.name}/secrets`,
      description: "agent-claw gateway: a JSON object of environment variables, read when the task starts",
      secretStringValue: SecretValue.unsafePlainText("{}"),
    });

    // Public subnets only: a NAT gateway would cost more than everything else here together.
    const vpc = new ec2.Vpc(this, "Vpc", {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: "public", subnetType: ec2.SubnetType.PUBLIC }],
      // Restricting the default group needs a custom-resource Lambda; nothing here uses that group.
      restrictDefaultSecurityGroup: false,
    });
    const cluster = new ecs.Cluster(this, "Cluster", { vpc });

    // The gateway's home: config, sessions, workspace, its SQLite files. Kept when the stack goes.
    const fileSystem = new efs.FileSystem(this, "Home", {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      encrypted: true,
      enableAutomaticBackups: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const accessPoint = fileSystem.addAccessPoint("HomeAccess", {
      path: "/agent-claw",
      posixUser: { uid: NODE_UID, gid: NODE_UID },
      createAcl: { ownerUid: NODE_UID, ownerGid: NODE_UID, permissions: "750" },
    });

    const task = new ecs.FargateTaskDefinition(this, "Task", {
      cpu: 256,
      memoryLimitMiB: 512,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
      volumes: [
        {
          name: "home",
          efsVolumeConfiguration: {
            fileSystemId: fileSystem.fileSystemId,
            transitEncryption: "ENABLED",
            authorizationConfig: { accessPointId: accessPoint.accessPointId, iam: "ENABLED" },
          },
        },
      ],
    });
    fileSystem.grantReadWrite(task.taskRole);

    const logGroup = new logs.LogGroup(this, "Logs", {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const container = task.addContainer("Gateway", {
      image: ecs.ContainerImage.fromAsset(options.gatewayDir!, {
        file: GATEWAY_DOCKERFILE,
        platform: Platform.LINUX_ARM64,
        // The package root is the context: only what the image copies goes in (not node_modules or src).
        ignoreMode: IgnoreMode.DOCKER,
        exclude: ["*", "!bin", "!dist", "!package.json", "dist/lambda", "dist/agentcore", "dist/**/*.map"],
      }),
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: "gateway" }),
      environment: {
        AGENT_CLAW_HOME: HOME_PATH,
        ...(https && { AGENT_CLAW_GATEWAY_PUBLIC_URL: `https://${domainName}` }),
      },
      // The whole JSON object in one variable: the entrypoint spreads it under the environment. Named
      // keys would stop the task from starting until every one of them exists in the secret.
      secrets: { AGENT_CLAW_SECRETS_JSON: ecs.Secret.fromSecretsManager(secret) },
      healthCheck: {
        command: [
          "CMD",
          "node",
          "-e",
          `fetch("http://127.0.0.1:${GATEWAY_PORT}/healthz").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
        ],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
      portMappings: https ? [{ containerPort: GATEWAY_PORT }] : [],
    });
    container.addMountPoints({ sourceVolume: "home", containerPath: HOME_PATH, readOnly: false });

    // One task, never two: two gateways would both long-poll Telegram (409) and share one SQLite home.
    const service = new ecs.FargateService(this, "Service", {
      cluster,
      taskDefinition: task,
      desiredCount: 1,
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      assignPublicIp: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      circuitBreaker: { rollback: true },
    });
    fileSystem.connections.allowDefaultPortFrom(service);

    if (https) {
      const lb = new elbv2.ApplicationLoadBalancer(this, "LoadBalancer", { vpc, internetFacing: true });
      const listener = lb.addListener("Https", {
        port: 443,
        certificates: [acm.Certificate.fromCertificateArn(this, "Certificate", https)],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      });
      listener.addTargets("Gateway", {
        port: GATEWAY_PORT,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targets: [
          service.loadBalancerTarget({ containerName: container.containerName, containerPort: GATEWAY_PORT }),
        ],
        healthCheck: { path: "/healthz", healthyHttpCodes: "200" },
      });
      lb.addRedirect();
      output(this, "LoadBalancerUrl", `https://${domainName}`, "The gateway's public URL");
      output(this, "LoadBalancerDnsName", lb.loadBalancerDnsName, `Point ${domainName} (CNAME) here`);
    }

    const alarms = new Alarms(this, "Alarms", options.alarmEmail ? { email: options.alarmEmail } : {});
    output(this, "SecretArn", secret.secretArn, "The secret holding the gateway's secret environment");
    output(this, "ClusterName", cluster.clusterName, "The ECS cluster");
    output(
      this,
      "ServiceName",
      service.serviceName,
      "The gateway's service (force a new deployment after a secret change)",
    );
    output(this, "FileSystemId", fileSystem.fileSystemId, "The gateway's home (kept on destroy)");
    output(this, "LogGroupName", logGroup.logGroupName, "The gateway's logs");
    output(this, "AlarmTopicArn", alarms.topic.topicArn, "Alarms are sent here");
    alarms.service(service);
  }
}
