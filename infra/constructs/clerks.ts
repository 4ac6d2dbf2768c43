import { Duration } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { keptIf } from './removal.ts';
import type { StageConfig } from '../config.ts';

export interface ClerksProps {
  readonly config: StageConfig;
  /** The at-rest key: the user pool's event log is encrypted with it. */
  readonly logKey: kms.IKey;
}

/**
 * The clerks' identities: a user pool without self sign-up (accounts are created by an operator,
 * infra/scripts/clerk.ts), TOTP MFA required, one group per office, and one public app client for the
 * clerks' front end. The API's Cognito authorizer validates the ID token, whose `cognito:groups`
 * claim lists the clerk's offices.
 */
export class Clerks extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;

  readonly eventLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ClerksProps) {
    super(scope, id);
    const { config } = props;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `egov-forms-${config.name}-clerks`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // No self-service recovery: a stolen mailbox must not reset a clerk's password. The
      // helpdesk resets it through the admin path (docs/operations.md, "Cognito").
      accountRecovery: cognito.AccountRecovery.NONE,
      // An address change stays pending until verified; the old address keeps working meanwhile.
      keepOriginal: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false, email: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        passwordHistorySize: 12,
        tempPasswordValidity: Duration.days(3),
      },
      // Plus: threat protection (compromised credentials, adaptive authentication) in enforcing
      // mode. Billed per monthly active user; a district's few hundred clerks cost a few euros.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      userInvitation: {
        emailSubject: 'Ihr Zugang zur Fallbearbeitung',
        emailBody:
          'Für Sie wurde ein Zugang zur Fallbearbeitung der Online-Formulare angelegt. Benutzername: {username}, ' +
          'vorläufiges Passwort: {####}. Bei der ersten Anmeldung vergeben Sie ein eigenes Passwort und richten eine ' +
          'Authenticator-App ein.',
      },
      ...(config.cognitoEmail
        ? {
            email: cognito.UserPoolEmail.withSES({
              fromEmail: config.cognitoEmail.fromEmail,
              fromName: config.cognitoEmail.fromName,
              sesRegion: config.cognitoEmail.sesRegion ?? config.region,
              // The authority verifies its domain in SES (DKIM), not one mailbox.
              sesVerifiedDomain: config.cognitoEmail.fromEmail.split('@')[1],
            }),
          }
        : {}),
      deletionProtection: config.retainData,
      removalPolicy: keptIf(config.retainData),
    });

    for (const office of config.offices) {
      this.userPool.addGroup(`Group-${office.id}`, {
        groupName: office.id,
        description: `Clerks of the ${office.name.en} (${office.name.de}): may list and process its cases`,
      });
    }

    this.client = this.userPool.addClient('ClerkFrontEnd', {
      userPoolClientName: `egov-forms-${config.name}-clerk-frontend`,
      // A browser application cannot keep a secret.
      generateSecret: false,
      // SRP for the front end; ADMIN_USER_PASSWORD_AUTH only through the IAM-authenticated admin
      // API (cognito-idp:AdminInitiateAuth), for an operator's smoke test (docs/operations.md).
      // TOTP is required either way.
      authFlows: { userSrp: true, adminUserPassword: true },
      // No OAuth flows here; the console turns on managed login (authorization code + PKCE) with
      // its own URL as the only callback (console.ts, allowSignIn).
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.minutes(15),
      accessTokenValidity: Duration.minutes(15),
      refreshTokenValidity: Duration.hours(8),
      // Each refresh returns a new refresh token and retires the old one (after 10 s, for
      // requests in flight): a stolen refresh token stops working at the clerk's next refresh.
      refreshTokenRotationGracePeriod: Duration.seconds(10),
      // Clerks may not change their own e-mail (the account's recovery and sign-in name): a stolen
      // access token would otherwise become an account takeover. Changes go through the admin path.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ locale: true }),
    });

    // Sign-ins, failures, MFA and threat-protection decisions per clerk (Plus plan), and failed
    // mail deliveries: the audit of who signed in, kept like every other log of the stage.
    this.eventLogs = new logs.LogGroup(this, 'EventLogs', {
      logGroupName: `/aws/vendedlogs/egov-forms-${config.name}/cognito`,
      retention: config.logRetentionDays,
      encryptionKey: props.logKey,
      removalPolicy: keptIf(config.retainData),
    });
    new cognito.CfnLogDeliveryConfiguration(this, 'EventLogDelivery', {
      userPoolId: this.userPool.userPoolId,
      logConfigurations: [
        { eventSource: 'userAuthEvents', logLevel: 'INFO', cloudWatchLogsConfiguration: { logGroupArn: this.eventLogs.logGroupArn } },
        { eventSource: 'userNotification', logLevel: 'ERROR', cloudWatchLogsConfiguration: { logGroupArn: this.eventLogs.logGroupArn } },
      ],
    });
  }
}
