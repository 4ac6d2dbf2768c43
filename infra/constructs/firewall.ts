import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface FirewallProps {
  readonly stage: string;
  /** ARN of the API Gateway stage to protect. */
  readonly stageArn: string;
  readonly requestsPerIpPer5Min: number;
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

const managed = (priority: number, name: string, ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[]): wafv2.CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ...(ruleActionOverrides ? { ruleActionOverrides } : {}) } },
  visibilityConfig: visibility(name),
});

const RATE_LIMITED_BODY = JSON.stringify({
  type: 'urn:problem:rate-limited',
  title: 'Too many requests',
  status: 429,
  detail: 'Too many requests from this address; try again in a few minutes.',
});

/**
 * A regional WAF web ACL in front of the API stage (the reason the API is REST: WAF cannot protect
 * an HTTP API): AWS's IP reputation list, a rate limit per client IP, the common rule set and the
 * known-bad-inputs rule set.
 */
export class Firewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: FirewallProps) {
    super(scope, id);

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `egov-forms-${props.stage}`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`egov-forms-${props.stage}`),
      customResponseBodies: {
        rateLimited: { contentType: 'APPLICATION_JSON', content: RATE_LIMITED_BODY },
      },
      rules: [
        managed(0, 'AWSManagedRulesAmazonIpReputationList'),
        {
          name: 'RateLimitPerClientIp',
          priority: 1,
          action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'rateLimited' } } },
          statement: { rateBasedStatement: { limit: props.requestsPerIpPer5Min, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('RateLimitPerClientIp'),
        },
        // SizeRestrictions_BODY blocks bodies over 8 KB, but a legitimate form submission may be up
        // to 256 KiB (API.md), which the handlers enforce exactly (413). Counting keeps the rule
        // visible in metrics without rejecting citizens' applications.
        managed(2, 'AWSManagedRulesCommonRuleSet', [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
        managed(3, 'AWSManagedRulesKnownBadInputsRuleSet'),
      ],
    });

    new wafv2.CfnWebACLAssociation(this, 'StageAssociation', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
