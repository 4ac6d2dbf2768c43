import { CfnOutput } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { Construct } from 'constructs';

export interface ApiDomainProps {
  readonly restApi: apigw.RestApi;
  readonly domainName: string;
  /** An ACM certificate for `domainName` in the stack's region (regional endpoint). */
  readonly certificateArn: string;
}

/**
 * The API under the authority's own name: a regional custom domain that accepts TLS 1.2 with
 * forward secrecy and TLS 1.3 only (STRICT: clients that offer less are refused), mapped to the
 * stage at the root path. The stack then disables the default `execute-api` endpoint (api.ts), so
 * the WAF-protected custom domain is the one way in. The DNS record (a CNAME or alias to the
 * `ApiDomainTarget` output) is the operator's: the zone is usually not in this account.
 */
export class ApiDomain extends Construct {
  readonly domain: apigw.DomainName;

  constructor(scope: Construct, id: string, props: ApiDomainProps) {
    super(scope, id);
    this.domain = new apigw.DomainName(this, 'Domain', {
      domainName: props.domainName,
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
      endpointType: apigw.EndpointType.REGIONAL,
      securityPolicy: apigw.SecurityPolicy.TLS13_1_2_PFS_PQ_2025_09,
      endpointAccessMode: apigw.EndpointAccessMode.STRICT,
    });
    this.domain.addBasePathMapping(props.restApi, { stage: props.restApi.deploymentStage });

    new CfnOutput(this, 'ApiDomainUrl', { key: 'ApiDomainUrl', value: `https://${props.domainName}/`, description: 'Base URL of the API under the custom domain' });
    new CfnOutput(this, 'ApiDomainTarget', {
      key: 'ApiDomainTarget',
      value: this.domain.domainNameAliasDomainName,
      description: 'DNS target of the custom domain: point a CNAME (or Route 53 alias) of the domain name here',
    });
  }
}
