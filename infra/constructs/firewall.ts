import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { keptIf } from './removal.ts';
import type { StageConfig } from '../config.ts';

export interface FirewallProps {
  readonly config: StageConfig;
  /** ARN of the API Gateway stage to protect. */
  readonly stageArn: string;
  /** ARN of the clerks' user pool (sign-in, token refresh). */
  readonly userPoolArn: string;
  /** The at-rest key: WAF's logs are encrypted with it. */
  readonly logKey: kms.IKey;
}

/**
/** Name of a stage's API web ACL (also the `WebACL` dimension of its metrics). */
export function webAclNameOf(stage: string): string {
  return `egov-forms-${stage}`;
}

/**
 * Headers WAF logs must never keep: a clerk's bearer token, any cookie (a portal's or the sign-in
 * domain's session), the citizen's idempotency key (whoever holds it can read the answer of the
 * submission it keyed) and his status token.
 */
export const REDACTED_HEADERS = ['authorization', 'cookie', 'idempotency-key', 'status-token'] as const;

/**
 * Sampled requests are off everywhere: WAF would keep full requests, bearer tokens included, for
 * three hours, readable by anyone with read-only WAF access. The (redacted) log is the record.
 */
const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: false,
});

const managed = (
  priority: number,
  name: string,
  ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[],
): wafv2.CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ...(ruleActionOverrides ? { ruleActionOverrides } : {}) } },
  visibilityConfig: visibility(name),
});

/**
 * Rules of the common rule set that inspect bodies and that free text in a form (a letter of
 * objection, an address with "../") or a legitimate size can trip. They count first; an operator
 * switches one to block after reading the counts (docs/operations.md, "WAF").
 */
export const BODY_RULES_COUNTED = [
  'SizeRestrictions_BODY',
  'CrossSiteScripting_BODY',
  'GenericLFI_BODY',
  'GenericRFI_BODY',
  'EC2MetaDataSSRF_BODY',
] as const;

const lowercase = [{ priority: 0, type: 'LOWERCASE' }];
const uriContains = (text: string): wafv2.CfnWebACL.StatementProperty => ({
  byteMatchStatement: { fieldToMatch: { uriPath: {} }, positionalConstraint: 'CONTAINS', searchString: text, textTransformations: lowercase },
});
const uriEndsWith = (text: string): wafv2.CfnWebACL.StatementProperty => ({
  byteMatchStatement: { fieldToMatch: { uriPath: {} }, positionalConstraint: 'ENDS_WITH', searchString: text, textTransformations: lowercase },
});
const methodIs = (method: string): wafv2.CfnWebACL.StatementProperty => ({
  byteMatchStatement: { fieldToMatch: { method: {} }, positionalConstraint: 'EXACTLY', searchString: method, textTransformations: [{ priority: 0, type: 'NONE' }] },
});
const not = (statement: wafv2.CfnWebACL.StatementProperty): wafv2.CfnWebACL.StatementProperty => ({ notStatement: { statement } });

const rateLimited = (status: string): wafv2.CfnWebACL.RuleActionProperty => ({
  block: { customResponse: { responseCode: 429, customResponseBodyKey: status } },
});

const RATE_LIMITED_BODY = JSON.stringify({
  type: 'urn:problem:rate-limited',
  title: 'Too many requests',
  status: 429,
  detail: 'Too many requests from this address; try again in a few minutes.',
});

/**
 * Two regional WAF web ACLs: one in front of the API stage (the reason the API is REST: WAF cannot
 * protect an HTTP API), one in front of the clerks' user pool. Limits fit the users:
 * - submissions and attachment tickets: tight, per client IP;
 * - clerk routes: per bearer token, so twenty clerks behind one district egress address are twenty
 *   clients, not one;
 * - everything else per client IP, preflights and the configured egress addresses excepted.
 * Logs go to a KMS-encrypted log group with the bearer token and the idempotency key redacted.
 */
export class Firewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly userPoolWebAcl: wafv2.CfnWebACL;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: FirewallProps) {
    super(scope, id);
    const { config } = props;
    const { waf } = config;
    const name = webAclNameOf(config.name);

    const egress =
      waf.clerkEgressCidrs.length > 0
        ? new wafv2.CfnIPSet(this, 'ClerkEgress', {
            name: `${name}-clerk-egress`,
            scope: 'REGIONAL',
            ipAddressVersion: 'IPV4',
            addresses: [...waf.clerkEgressCidrs],
            description: 'Egress addresses of the district: exempt from the per-IP limit',
          })
        : undefined;
    const perIpScope: wafv2.CfnWebACL.StatementProperty = egress
      ? { andStatement: { statements: [not(methodIs('OPTIONS')), not({ ipSetReferenceStatement: { arn: egress.attrArn } })] } }
      : not(methodIs('OPTIONS'));

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(name),
      customResponseBodies: { rateLimited: { contentType: 'APPLICATION_JSON', content: RATE_LIMITED_BODY } },
      rules: [
        managed(0, 'AWSManagedRulesAmazonIpReputationList'),
        {
          name: 'RateLimitSubmissionsPerIp',
          priority: 1,
          action: rateLimited('rateLimited'),
          statement: {
            rateBasedStatement: {
              limit: waf.submissionsPerIpPer5Min,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                andStatement: {
                  statements: [methodIs('POST'), { orStatement: { statements: [uriEndsWith('/submissions'), uriContains('/attachments')] } }],
                },
              },
            },
          },
          visibilityConfig: visibility('RateLimitSubmissionsPerIp'),
        },
        {
          name: 'RateLimitClerksPerToken',
          priority: 2,
          action: rateLimited('rateLimited'),
          statement: {
            rateBasedStatement: {
              limit: waf.clerkRequestsPerTokenPer5Min,
              aggregateKeyType: 'CUSTOM_KEYS',
              customKeys: [{ header: { name: 'authorization', textTransformations: [{ priority: 0, type: 'NONE' }] } }],
              scopeDownStatement: uriContains('/cases'),
            },
          },
          visibilityConfig: visibility('RateLimitClerksPerToken'),
        },
        {
          name: 'RateLimitPerClientIp',
          priority: 3,
          action: rateLimited('rateLimited'),
          statement: { rateBasedStatement: { limit: waf.requestsPerIpPer5Min, aggregateKeyType: 'IP', scopeDownStatement: perIpScope } },
          visibilityConfig: visibility('RateLimitPerClientIp'),
        },
        managed(
          4,
          'AWSManagedRulesCommonRuleSet',
          BODY_RULES_COUNTED.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
        ),
        managed(5, 'AWSManagedRulesKnownBadInputsRuleSet'),
        {
          // Citizens' status lookups, messages, replies and their files: a token guessed per
          // request must stay hopeless, and each refusal cheap. Per IP, tighter than the general
          // limit; every method (replies and their tickets are POSTs).
          name: 'RateLimitStatusPerIp',
          priority: 6,
          action: rateLimited('rateLimited'),
          statement: {
            rateBasedStatement: {
              limit: waf.statusRequestsPerIpPer5Min,
              aggregateKeyType: 'IP',
              scopeDownStatement: uriContains('/status/'),
            },
          },
          visibilityConfig: visibility('RateLimitStatusPerIp'),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'StageAssociation', { resourceArn: props.stageArn, webAclArn: this.webAcl.attrArn });

    this.userPoolWebAcl = new wafv2.CfnWebACL(this, 'UserPoolWebAcl', {
      name: `${name}-clerk-sign-in`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`${name}-clerk-sign-in`),
      rules: [
        managed(0, 'AWSManagedRulesAmazonIpReputationList'),
        {
          name: 'RateLimitSignInsPerIp',
          priority: 1,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: waf.signInsPerIpPer5Min, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('RateLimitSignInsPerIp'),
        },
        managed(2, 'AWSManagedRulesKnownBadInputsRuleSet'),
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'UserPoolAssociation', {
      resourceArn: props.userPoolArn,
      webAclArn: this.userPoolWebAcl.attrArn,
    });

    // WAF requires the log group's name to start with `aws-waf-logs-`.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-${name}`,
      retention: config.logRetentionDays,
      encryptionKey: props.logKey,
      removalPolicy: keptIf(config.retainData),
    });
    for (const [logId, acl] of [
      ['ApiLogging', this.webAcl],
      ['UserPoolLogging', this.userPoolWebAcl],
    ] as const) {
      new wafv2.CfnLoggingConfiguration(this, logId, {
        resourceArn: acl.attrArn,
        // WAF wants the log group's ARN without the `:*` suffix of `logGroupArn`.
        logDestinationConfigs: [
          Stack.of(this).formatArn({ service: 'logs', resource: 'log-group', resourceName: this.logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        ],
        redactedFields: REDACTED_HEADERS.map((header) => ({ singleHeader: { Name: header } })),
      });
    }
  }
}
