import { Aws, CfnOutput, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { runbookReference } from './alarms.ts';

/** The runbook entry of bounced or complained confirmation mails (docs/operations.md). */
export const MAIL_FEEDBACK_RUNBOOK = 'confirmation mail feedback';
import type { ConfirmationMailSettings } from '#lib/status/mailer.ts';

export interface MailProps {
  readonly config: StageConfig;
  /** The at-rest key: the bounce topic is encrypted with it. */
  readonly topicKey: kms.IKey;
  /** The status page the mail links to unless the stage names one: the deployed portal's (portal.ts). */
  readonly defaultStatusPageUrl?: string;
}

/**
 * Citizens' confirmation mails (API.md, "Citizens' status and confirmation"): the stage's sender
 * identity (a domain or address of the authority; a domain needs its DKIM records in DNS, see the
 * `MailDkim*` outputs and docs/deploy.md), a configuration set that every mail is sent with, and
 * an encrypted SNS topic that receives bounces, complaints and rejects. The confirmation worker may
 * send with exactly this identity and this configuration set (grants.ts).
 */
export class Mail extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  readonly feedbackTopic: sns.Topic;
  /** What the worker reads as CONFIRMATION_MAIL. */
  readonly settings: ConfirmationMailSettings;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    const { config } = props;
    const mail = config.confirmationMail;

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: `egov-forms-${config.name}-confirmations`,
      reputationMetrics: true,
      sendingEnabled: true,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });

    this.feedbackTopic = new sns.Topic(this, 'Feedback', {
      displayName: `egov-forms ${config.name}: bounces and complaints of confirmation mails`,
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: ses.EventDestination.snsTopic(this.feedbackTopic),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT, ses.EmailSendingEvent.REJECT, ses.EmailSendingEvent.RENDERING_FAILURE],
    });
    // SES publishes to the encrypted topic with the at-rest key, for this account only.
    props.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SesPublishesMailFeedback',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );

    this.identity = new ses.EmailIdentity(this, 'Sender', {
      identity: mail.senderIdentity.includes('@') ? ses.Identity.email(mail.senderIdentity) : ses.Identity.domain(mail.senderIdentity),
      configurationSet: this.configurationSet,
    });

    this.settings = {
      fromAddress: mail.fromAddress,
      configurationSet: this.configurationSet.configurationSetName,
      statusPageUrl: mail.statusPageUrl ?? props.defaultStatusPageUrl ?? '',
    };
    if (!this.settings.statusPageUrl) throw new Error('confirmationMail.statusPageUrl: name the status page, or deploy the portal whose status page it defaults to');

    if (!mail.senderIdentity.includes('@')) {
      this.identity.dkimRecords.forEach((record, index) => {
        new CfnOutput(this, `Dkim${index + 1}`, {
          // The name docs/deploy.md gives, without the hash CDK appends to a nested output's id.
          key: `MailDkim${index + 1}`,
          value: `${record.name} CNAME ${record.value}`,
          description: `DNS record ${index + 1} of 3 that verifies the sender domain ${mail.senderIdentity} (DKIM)`,
        });
      });
    }
  }

  /**
   * Bounces and complaints are worth a look: an alarm (created in `scope`, the monitoring nested
   * stack, monitoring.ts) on the feedback topic's first message of an hour, sent to `topic`.
   */
  alarmOnFeedback(scope: Construct, topic: sns.ITopic): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(scope, 'FeedbackAlarm', {
      alarmDescription: `Confirmation mails bounced or were marked as spam (topic: bounces and complaints). ${runbookReference(MAIL_FEEDBACK_RUNBOOK)}`,
      metric: this.feedbackTopic.metricNumberOfMessagesPublished({ period: Duration.hours(1), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(topic));
    return alarm;
  }

  /** ARN of the configuration set (SES v2 names it in the resource of ses:SendEmail). */
  get configurationSetArn(): string {
    return `arn:${Aws.PARTITION}:ses:${Aws.REGION}:${Aws.ACCOUNT_ID}:configuration-set/${this.configurationSet.configurationSetName}`;
  }
}
