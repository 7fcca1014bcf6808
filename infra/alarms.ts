// The stacks' alarms: one SNS topic (e-mailed when an address is given) that every alarm notifies, so a
// dead letter, a failing function or a throttled one reaches the owner instead of waiting in a console.
import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as ecs from "aws-cdk-lib/aws-ecs";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface AlarmsProps {
  /** Where alarms are e-mailed; SNS sends a confirmation first. */
  email?: string;
}

/** The alarm topic and helpers that add alarms notifying it. */
export class Alarms extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, "Topic", { enforceSSL: true });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
  }

  /** Any message in a dead-letter queue: something was given up on and waits for a person. */
  deadLetters(id: string, queue: sqs.IQueue, what: string): cloudwatch.Alarm {
    return this.notify(
      new cloudwatch.Alarm(this, id, {
        alarmDescription: `${what}: messages are waiting in ${queue.node.id}. Read them, fix the cause, then redrive or delete them.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: "Maximum",
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /** Errors and throttles of a function, each over five minutes. */
  lambda(fn: lambda.IFunction, name: string): cloudwatch.Alarm[] {
    const alarm = (kind: "Errors" | "Throttles", metric: cloudwatch.IMetric, why: string) =>
      this.notify(
        new cloudwatch.Alarm(this, `${name}${kind}`, {
          alarmDescription: `The ${name} function ${why}. Its log group says why.`,
          metric,
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    return [
      alarm("Errors", fn.metricErrors({ period: Duration.minutes(5), statistic: "Sum" }), "failed"),
      alarm(
        "Throttles",
        fn.metricThrottles({ period: Duration.minutes(5), statistic: "Sum" }),
        "was throttled (the account's concurrency is used up)",
      ),
    ];
  }

  /**
   * The gateway task is not running: ECS reports a service's CPU only while a task runs, so no samples
   * for 15 minutes (a crash loop, a secret the task cannot read, an image that does not start) alarms.
   */
  service(service: ecs.FargateService): cloudwatch.Alarm {
    return this.notify(
      new cloudwatch.Alarm(this, "GatewayNotRunning", {
        alarmDescription:
          "The gateway task has not been running for 15 minutes. The service's events and the log group say why.",
        metric: service.metricCpuUtilization({ period: Duration.minutes(5), statistic: "SampleCount" }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    );
  }

  private notify(alarm: cloudwatch.Alarm): cloudwatch.Alarm {
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    return alarm;
  }
}
