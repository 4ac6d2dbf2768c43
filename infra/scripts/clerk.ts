import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { z } from 'zod';
import { defaultStageName, loadStageConfig, officeIds, stageNames } from '../config.ts';

/**
 * Clerk accounts: `npm run clerk -- add --email a@b.de --office <office id> [--stage <stage file name>]`.
 *
 * Creates the Cognito user (e-mail as user name, marked verified; Cognito mails a temporary
 * password) and puts it into the office's group. Adding an existing clerk to a further office
 * only adds the group. The user pool id is the stack output `UserPoolId`, passed as
 * `--user-pool-id` or env `USER_POOL_ID` (reading it from CloudFormation would need
 * @aws-sdk/client-cloudformation, which the project does not install).
 */

export const USAGE =
  'usage: npm run clerk -- add --email <address> --office <office> [--stage <stage file name>] [--user-pool-id <id>]\n' +
  '       (the user pool id defaults to env USER_POOL_ID; see the stack output UserPoolId)';

export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
    this.name = 'UsageError';
  }
}

export interface AddClerk {
  readonly action: 'add';
  readonly email: string;
  readonly office: string;
  readonly stage: string;
  readonly region: string;
  readonly userPoolId: string;
}

const userPoolId = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$/);

/** Parses the command line (without `node` and the script) into a checked command. */
export function parseClerkArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): AddClerk {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        email: { type: 'string' },
        office: { type: 'string' },
        stage: { type: 'string' },
        'user-pool-id': { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1 || positionals[0] !== 'add') {
    throw new UsageError(`unknown command ${JSON.stringify(positionals.join(' '))}: the only command is "add"`);
  }

  const stage = values.stage ?? defaultStageName();
  if (!stageNames().includes(stage)) throw new UsageError(`unknown stage ${JSON.stringify(stage)}: one of ${stageNames().join(', ')} (infra/stages/)`);
  const config = loadStageConfig((key) => (key === 'stage' ? stage : undefined));

  const email = z.email().safeParse(values.email?.trim().toLowerCase());
  if (!email.success) throw new UsageError(`--email needs a valid e-mail address, got ${JSON.stringify(values.email)}`);

  const office = values.office;
  if (office === undefined || !officeIds(config).includes(office)) {
    throw new UsageError(`unknown office ${JSON.stringify(office)} for stage ${stage}: one of ${officeIds(config).join(', ')} (${config.file})`);
  }

  const pool = userPoolId.safeParse(values['user-pool-id'] ?? env.USER_POOL_ID);
  if (!pool.success) {
    throw new UsageError('the user pool id is missing or malformed: pass --user-pool-id or set USER_POOL_ID (stack output UserPoolId)');
  }

  return { action: 'add', email: email.data, office, stage, region: config.region, userPoolId: pool.data };
}

/** The part of the Cognito client this command uses; tests hand in their own. */
export interface CognitoSender {
  send(command: AdminCreateUserCommand | AdminAddUserToGroupCommand): Promise<unknown>;
}

/** Creates the clerk (unless he exists) and adds him to the office's group. */
export async function addClerk(cognito: CognitoSender, command: AddClerk): Promise<'created' | 'existing'> {
  let outcome: 'created' | 'existing' = 'created';
  try {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: command.userPoolId,
        Username: command.email,
        UserAttributes: [
          { Name: 'email', Value: command.email },
          { Name: 'email_verified', Value: 'true' },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'UsernameExistsException') throw error;
    outcome = 'existing';
  }
  await cognito.send(
    new AdminAddUserToGroupCommand({ UserPoolId: command.userPoolId, Username: command.email, GroupName: command.office }),
  );
  return outcome;
}

async function main(): Promise<void> {
  if (process.argv.slice(2).some((arg) => arg === '--help' || arg === '-h')) {
    console.log(`${USAGE}\n\nAdds a clerk to the stage's Cognito user pool (creating the user if needed) and to the office's group.`);
    return;
  }
  let command: AddClerk;
  try {
    command = parseClerkArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  try {
    const outcome = await addClerk(new CognitoIdentityProviderClient({ region: command.region }), command);
    console.log(
      outcome === 'created'
        ? `Created clerk ${command.email} in ${command.office} (${command.stage}); Cognito mails a temporary password.`
        : `Clerk ${command.email} existed; added to ${command.office} (${command.stage}).`,
    );
  } catch (error) {
    console.error(`Could not add clerk ${command.email}: ${(error as Error).name}: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
