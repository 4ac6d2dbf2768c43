import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';

/**
 * The clerks' identities: a user pool without self sign-up (accounts are created by an operator,
 * infra/scripts/clerk.ts), TOTP MFA required, one group per office, and one public app client for the
 * clerks' front end. The API's Cognito authorizer validates the ID token, whose `cognito:groups`
 * claim lists the clerk's offices.
 */
export class Clerks extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, config: StageConfig) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `egov-forms-${config.stage}-clerks`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
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
      deletionProtection: config.retainData,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    for (const office of config.offices) {
      this.userPool.addGroup(`Group-${office}`, {
        groupName: office,
        description: `Clerks of the ${office}: may list and process its cases`,
      });
    }

    this.client = this.userPool.addClient('ClerkFrontEnd', {
      userPoolClientName: `egov-forms-${config.stage}-clerk-frontend`,
      // A browser application cannot keep a secret.
      generateSecret: false,
      authFlows: { userSrp: true },
      // No hosted UI or OAuth redirects: the front end signs in with SRP directly.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.minutes(15),
      accessTokenValidity: Duration.minutes(15),
      refreshTokenValidity: Duration.hours(8),
    });
  }
}
