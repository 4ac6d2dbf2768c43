import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { CognitoIdentityProviderClient, DescribeUserPoolDomainCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetAccountCommand, GetEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { PreflightAws } from './checks.ts';

/** Something with the SDK v3 client's `send` (tests hand in stubs). */
export interface Sender {
  send(command: object): Promise<unknown>;
}

/** The clients the pre-flight uses; each made for the region it is asked about. */
export interface PreflightClients {
  readonly lambda: Sender;
  readonly ses: (region: string) => Sender;
  readonly acm: (region: string) => Sender;
  readonly cognito: (region: string) => Sender;
}

/** The SDK clients for a stage region (credentials from the default chain: AWS_PROFILE, environment, SSO). */
export function sdkClients(region: string): PreflightClients {
  return {
    lambda: new LambdaClient({ region }),
    ses: (sesRegion) => new SESv2Client({ region: sesRegion }),
    acm: (acmRegion) => new ACMClient({ region: acmRegion }),
    cognito: (cognitoRegion) => new CognitoIdentityProviderClient({ region: cognitoRegion }),
  };
}

const isNotFound = (error: unknown): boolean => error instanceof Error && (error.name === 'NotFoundException' || error.name === 'ResourceNotFoundException');

/** The read-only calls of the pre-flight: GetAccountSettings, GetEmailIdentity, GetAccount, DescribeCertificate, DescribeUserPoolDomain. */
export function preflightAws(clients: PreflightClients): PreflightAws {
  return {
    async lambdaConcurrency() {
      const answer = (await clients.lambda.send(new GetAccountSettingsCommand({}))) as {
        AccountLimit?: { ConcurrentExecutions?: number; UnreservedConcurrentExecutions?: number };
      };
      return { quota: answer.AccountLimit?.ConcurrentExecutions ?? 0, unreserved: answer.AccountLimit?.UnreservedConcurrentExecutions ?? 0 };
    },
    async sesIdentity(region, identity) {
      try {
        const answer = (await clients.ses(region).send(new GetEmailIdentityCommand({ EmailIdentity: identity }))) as { VerifiedForSendingStatus?: boolean };
        return { verifiedForSending: answer.VerifiedForSendingStatus === true };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async sesAccount(region) {
      const answer = (await clients.ses(region).send(new GetAccountCommand({}))) as { ProductionAccessEnabled?: boolean; SendQuota?: { MaxSendRate?: number } };
      return { productionAccess: answer.ProductionAccessEnabled === true, maxSendRate: answer.SendQuota?.MaxSendRate ?? 0 };
    },
    async certificate(arn) {
      try {
        const answer = (await clients.acm(arn.split(':')[3] ?? '').send(new DescribeCertificateCommand({ CertificateArn: arn }))) as {
          Certificate?: { Status?: string; DomainName?: string; SubjectAlternativeNames?: string[] };
        };
        const found = answer.Certificate;
        if (!found) return undefined;
        return { status: found.Status ?? 'UNKNOWN', domainNames: [...new Set([found.DomainName ?? '', ...(found.SubjectAlternativeNames ?? [])])].filter(Boolean) };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async cognitoDomainOwner(region, prefix) {
      // A free prefix answers with an empty description.
      const answer = (await clients.cognito(region).send(new DescribeUserPoolDomainCommand({ Domain: prefix }))) as { DomainDescription?: { UserPoolId?: string } };
      return answer.DomainDescription?.UserPoolId || undefined;
    },
  };
}
