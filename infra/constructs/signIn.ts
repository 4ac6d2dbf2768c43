import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { signInSettingsOf, type StageConfig } from '../config.ts';
import type { SignInConfig } from './functions.ts';

/**
 * Citizen sign-in with BundID in the stack: the settings the sign-in functions ship (from the
 * stage's `bundid`) and the secret of the service provider's signing key. The operator creates
 * that secret (docs/deploy.md, *BundID*): the key never passes through CDK, a template or a bundle.
 */
export function signInConfigOf(scope: Construct, config: StageConfig): SignInConfig {
  const settings = signInSettingsOf(config);
  if (!settings || !config.bundid) return {};
  const key = secretsmanager.Secret.fromSecretNameV2(scope, 'BundidServiceProviderKey', config.bundid.sp.keySecretName);
  return { settings: JSON.stringify(settings), keySecretArn: key.secretArn };
}
