import { beforeAll, describe, expect, it } from '@jest/globals';
import { type Resource, type Synthesized, synthStage } from './synth.ts';

let prod: Synthesized;
beforeAll(() => {
  prod = synthStage('prod');
});
const one = (type: string): Resource => {
  const found = Object.values(prod.template.toJSON().Resources as Record<string, Resource>).filter((r) => r.Type === type);
  if (found.length !== 1) throw new Error(`${found.length} × ${type}`);
  return found[0] as Resource;
};

describe('the clerks’ user pool (issue 12, point 12; issue 18, point 8)', () => {
  it('the app client cannot write the e-mail address: a stolen access token cannot redirect the account', () => {
    const client = one('AWS::Cognito::UserPoolClient').Properties;
    expect(client.WriteAttributes).toEqual(['locale']);
    expect(client.WriteAttributes).not.toContain('email');
  });

  it('an address change an admin makes stays pending until verified, the old one keeps working', () => {
    expect(one('AWS::Cognito::UserPool').Properties.UserAttributeUpdateSettings).toEqual({ AttributesRequireVerificationBeforeUpdate: ['email'] });
  });

  it('refresh tokens rotate, with a 10 s grace period, and can be revoked', () => {
    const client = one('AWS::Cognito::UserPoolClient').Properties;
    expect(client.RefreshTokenRotation).toEqual({ Feature: 'ENABLED', RetryGracePeriodSeconds: 10 });
    expect(client.EnableTokenRevocation).toBe(true);
  });

  it('signs in with SRP, or for an operator’s smoke test through the IAM-authenticated admin API; never with a plain password', () => {
    expect(one('AWS::Cognito::UserPoolClient').Properties.ExplicitAuthFlows).toEqual(['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']);
    expect(one('AWS::Cognito::UserPool').Properties.MfaConfiguration).toBe('ON');
  });

  it('has no self-service account recovery: the helpdesk resets passwords', () => {
    expect(one('AWS::Cognito::UserPool').Properties.AccountRecoverySetting).toEqual({
      RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }],
    });
  });

  it('sends its mails from the authority’s own SES identity, in German', () => {
    const pool = one('AWS::Cognito::UserPool').Properties;
    expect(pool.EmailConfiguration).toMatchObject({
      EmailSendingAccount: 'DEVELOPER',
      From: 'Landkreis Online-Formulare <formulare@landkreis.example>',
      SourceArn: expect.objectContaining({}),
    });
    expect(JSON.stringify(pool.EmailConfiguration)).toContain(':identity/landkreis.example');
    expect(JSON.stringify(pool.AdminCreateUserConfig)).toContain('Ihr Zugang zur Fallbearbeitung');
  });
});
