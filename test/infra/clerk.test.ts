import { describe, expect, it } from '@jest/globals';
import { AdminAddUserToGroupCommand, AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { type CognitoSender, UsageError, addClerk, parseClerkArgs } from '../../infra/scripts/clerk.ts';
import { defaultStageName, loadStageConfig, officeIds } from '../../infra/config.ts';

const POOL = 'eu-central-1_AbC123xyz';
const args = (...rest: string[]) => ['add', '--email', 'Anna.Muster@Kreis.example', '--office', 'ordnungsamt', ...rest];

describe('clerk command line', () => {
  it('parses add with e-mail, office, stage and user pool id', () => {
    expect(parseClerkArgs(args('--stage', 'kreis-bergstrasse-prod', '--user-pool-id', POOL), {})).toEqual({
      action: 'add',
      email: 'anna.muster@kreis.example',
      office: 'ordnungsamt',
      stage: 'kreis-bergstrasse-prod',
      region: 'eu-central-1',
      userPoolId: POOL,
    });
  });

  it('defaults to the default stage file (cdk.json) and takes the user pool id from USER_POOL_ID', () => {
    expect(parseClerkArgs(args(), { USER_POOL_ID: POOL })).toMatchObject({ stage: defaultStageName(), userPoolId: POOL });
  });

  it('refuses an office that is not in the stage configuration, listing the known ones', () => {
    expect(() => parseClerkArgs(['add', '--email', 'a@b.de', '--office', 'bauamt', '--user-pool-id', POOL], {})).toThrow(
      `unknown office "bauamt" for stage ${defaultStageName()}: one of ${officeIds(loadStageConfig((key) => (key === 'stage' ? defaultStageName() : undefined))).join(', ')}`,
    );
  });

  it('refuses a missing office', () => {
    expect(() => parseClerkArgs(['add', '--email', 'a@b.de', '--user-pool-id', POOL], {})).toThrow(/unknown office undefined/);
  });

  it('refuses an invalid e-mail address', () => {
    expect(() => parseClerkArgs(['add', '--email', 'anna', '--office', 'jugendamt', '--user-pool-id', POOL], {})).toThrow(
      /valid e-mail address/,
    );
  });

  it('refuses an unknown command, stage or option with the usage', () => {
    expect(() => parseClerkArgs(['remove', '--email', 'a@b.de'], {})).toThrow(UsageError);
    expect(() => parseClerkArgs(args('--stage', 'test', '--user-pool-id', POOL), {})).toThrow(/unknown stage "test"/);
    expect(() => parseClerkArgs(args('--force'), {})).toThrow(/usage: npm run clerk/);
  });

  it('refuses a missing user pool id, pointing at the stack output', () => {
    expect(() => parseClerkArgs(args(), {})).toThrow(/USER_POOL_ID \(stack output UserPoolId\)/);
  });
});

/** A Cognito client double that records commands and can fail AdminCreateUser. */
function recordingCognito(createError?: Error): CognitoSender & { sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    sent,
    async send(command) {
      sent.push(command);
      if (createError && command instanceof AdminCreateUserCommand) throw createError;
      return {};
    },
  };
}

describe('adding a clerk', () => {
  const command = parseClerkArgs(args('--user-pool-id', POOL), {});

  it('creates the user with his verified e-mail as user name, then adds him to the office group', async () => {
    const cognito = recordingCognito();
    expect(await addClerk(cognito, command)).toBe('created');
    expect(cognito.sent).toHaveLength(2);
    const [create, group] = cognito.sent as [AdminCreateUserCommand, AdminAddUserToGroupCommand];
    expect(create).toBeInstanceOf(AdminCreateUserCommand);
    expect(create.input).toEqual({
      UserPoolId: POOL,
      Username: 'anna.muster@kreis.example',
      UserAttributes: [
        { Name: 'email', Value: 'anna.muster@kreis.example' },
        { Name: 'email_verified', Value: 'true' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    });
    expect(group).toBeInstanceOf(AdminAddUserToGroupCommand);
    expect(group.input).toEqual({ UserPoolId: POOL, Username: 'anna.muster@kreis.example', GroupName: 'ordnungsamt' });
  });

  it('adds an existing clerk to a further office', async () => {
    const exists = Object.assign(new Error('User account already exists'), { name: 'UsernameExistsException' });
    const cognito = recordingCognito(exists);
    expect(await addClerk(cognito, command)).toBe('existing');
    expect(cognito.sent[1]).toBeInstanceOf(AdminAddUserToGroupCommand);
  });

  it('stops on any other Cognito error without touching groups', async () => {
    const denied = Object.assign(new Error('not allowed'), { name: 'NotAuthorizedException' });
    const cognito = recordingCognito(denied);
    await expect(addClerk(cognito, command)).rejects.toThrow('not allowed');
    expect(cognito.sent).toHaveLength(1);
  });
});
