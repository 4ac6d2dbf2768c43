import { CfnOutput, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { keptIf } from './removal.ts';
import { DELIVERY_BACKOFF } from '#lib/delivery/backoff.ts';
import { parseDestinations } from '#lib/delivery/destinations.ts';
import { readDestinationKey, type StageConfig } from '../config.ts';

export interface DeliveryProps {
  readonly config: StageConfig;
  /** Encrypts the signing secrets at rest. */
  readonly secretKey: kms.IKey;
}

/** The name of an office's signing secret in a stage. */
export const signingSecretNameOf = (stage: string, office: string): string => `egov-forms/${stage}/delivery/${office}`;

/**
 * Delivery to back-office systems (docs/delivery.md): per configured destination a signing secret
 * in Secrets Manager (generated here; the operator hands its value to the destination's operators),
 * and the destinations file the delivery worker ships with (URL, public key, secret name, backoff),
 * written from the stage configuration at synth time: no secret value ever enters the template.
 * The queue, its dead-letter queue and alarm are the queue backbone's (queues.ts); the worker's
 * grants come from its needs (grants.ts).
 */
export class Delivery extends Construct {
  readonly secrets: ReadonlyMap<string, secretsmanager.Secret>;
  /** The worker's destinations file (functions/lib/delivery/destinations.ts), as JSON. */
  readonly destinationsFile: string;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    const { config } = props;
    const secrets = new Map<string, secretsmanager.Secret>();
    const destinations: Record<string, unknown> = {};
    for (const [office, destination] of Object.entries(config.destinations)) {
      if (!destination) continue;
      const name = signingSecretNameOf(config.name, office);
      const secret = new secretsmanager.Secret(this, `SigningSecret-${office}`, {
        secretName: name,
        description: `egov-forms ${config.name}: signs deliveries to the back-office system of ${office} (HMAC-SHA512)`,
        encryptionKey: props.secretKey,
        generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
        removalPolicy: keptIf(config.retainData),
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          "A signing secret is shared with the destination's operators; it is rotated as a planned operation with them " +
          '(docs/delivery.md, "Rotating a signing secret"), not automatically.',
      });
      secrets.set(office, secret);
      destinations[office] = { url: destination.url, publicKey: readDestinationKey(destination.publicKeyFile), signingSecretId: name };
      new CfnOutput(this, `SigningSecretArn-${office}`, { value: secret.secretArn, description: `Signing secret of the delivery destination of ${office}` });
    }
    const file = { allowLoopbackHttp: false, backoff: DELIVERY_BACKOFF, destinations };
    parseDestinations(file, 'the stage destinations'); // what the worker will accept, checked at synth
    this.secrets = secrets;
    this.destinationsFile = JSON.stringify(file);
  }

  get secretArns(): string[] {
    return [...this.secrets.values()].map((secret) => secret.secretArn);
  }
}
