import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { Firewall } from './firewall.ts';
import type { DeployedFunction } from './functions.ts';
import { addProblemResponses } from './gatewayResponses.ts';

export interface ApiProps {
  readonly config: StageConfig;
  readonly functions: readonly DeployedFunction[];
  readonly userPool: cognito.IUserPool;
}

/** Path parameters of a route path: `/cases/{caseId}/events` → `['caseId']`. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
}

/**
 * The REST API: one method per route, Lambda proxy integration, the Cognito authorizer exactly on
 * the clerk routes, CORS for the configured origins, stage throttling, JSON access logs, ERROR-level
 * execution logs without data tracing (bodies carry citizens' data), X-Ray, and the WAF.
 */
export class Api extends Construct {
  readonly restApi: apigw.RestApi;
  readonly authorizer: apigw.CognitoUserPoolsAuthorizer;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { config } = props;

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.restApi = new apigw.RestApi(this, 'RestApi', {
      restApiName: `egov-forms-${config.stage}`,
      description: 'Online forms of the district administration: citizen submissions and clerk case work',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // Execution logs need the account-wide API Gateway logging role. It is kept on deletion:
      // the setting is shared by every REST API of the account and region.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: config.stage,
        throttlingRateLimit: config.throttle.rateLimit,
        throttlingBurstLimit: config.throttle.burstLimit,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: apigw.AccessLogField.contextRequestId(),
            time: apigw.AccessLogField.contextRequestTime(),
            ip: apigw.AccessLogField.contextIdentitySourceIp(),
            method: apigw.AccessLogField.contextHttpMethod(),
            resource: apigw.AccessLogField.contextResourcePath(),
            status: apigw.AccessLogField.contextStatus(),
            protocol: apigw.AccessLogField.contextProtocol(),
            responseLength: apigw.AccessLogField.contextResponseLength(),
            latencyMs: apigw.AccessLogField.contextResponseLatency(),
            integrationStatus: apigw.AccessLogField.contextIntegrationStatus(),
            integrationLatencyMs: apigw.AccessLogField.contextIntegrationLatency(),
            errorType: apigw.AccessLogField.contextErrorResponseType(),
            wafStatus: apigw.AccessLogField.contextWafResponseCode(),
            clerk: apigw.AccessLogField.contextAuthorizerClaims('sub'),
          }),
        ),
      },
      defaultCorsPreflightOptions: {
        allowOrigins: [...config.corsOrigins],
        allowMethods: ['GET', 'POST', 'PATCH', 'OPTIONS'],
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'Accept-Language'],
        exposeHeaders: ['ETag', 'X-Request-Id'],
        maxAge: Duration.hours(1),
        statusCode: 204,
      },
    });
    // The stack's own `ApiUrl` output replaces the construct's generated `Endpoint` output.
    this.restApi.node.tryRemoveChild('Endpoint');
    const cloudWatchRole = this.restApi.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-wide API Gateway logging role is assumed by API Gateway itself to write execution and access ' +
          'logs of every REST API in the region; AWS maintains this managed policy for exactly that purpose.',
      });
    }

    addProblemResponses(this.restApi, config.corsOrigins);

    this.authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'ClerkAuthorizer', {
      cognitoUserPools: [props.userPool],
      identitySource: apigw.IdentitySource.header('Authorization'),
    });

    // Parameter validation rejects a request missing a declared path parameter before any handler
    // runs. Bodies are validated by the handlers against the form's JSON Schema, which alone can
    // answer with API.md's `validation-failed` pointers; no API Gateway body models are declared.
    const validator = this.restApi.addRequestValidator('PathParameters', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });

    for (const { trigger: route, fn } of props.functions) {
      if (route.kind !== 'http') continue;
      const resource = this.restApi.root.resourceForPath(route.path);
      const requestParameters = Object.fromEntries(
        pathParameters(route.path).map((name) => [`method.request.path.${name}`, true]),
      );
      const method = resource.addMethod(route.method, new apigw.LambdaIntegration(fn, { allowTestInvoke: false }), {
        requestParameters,
        requestValidator: validator,
        ...(route.access === 'clerk'
          ? { authorizer: this.authorizer, authorizationType: apigw.AuthorizationType.COGNITO }
          : { authorizationType: apigw.AuthorizationType.NONE }),
      });
      if (route.access === 'public') {
        const reason = `${route.method} ${route.path} is public by the contract (API.md: the citizens' routes and the OpenAPI document need no authentication); it is protected by the WAF and stage throttling instead.`;
        Validations.of(method).acknowledge(
          { id: 'AwsSolutions-APIG4', reason },
          { id: 'AwsSolutions-COG4', reason },
        );
      }
    }

    new Firewall(this, 'Firewall', {
      stage: config.stage,
      stageArn: this.restApi.deploymentStage.stageArn,
      requestsPerIpPer5Min: config.wafRequestsPerIpPer5Min,
    });
  }
}
