import { Aws, Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { keptIf } from './removal.ts';
import type { StageConfig } from '../config.ts';
import { ApiDomain } from './domain.ts';
import { Firewall } from './firewall.ts';
import type { DeployedFunction } from './functions.ts';
import { SECURITY_HEADERS, addProblemResponses } from './gatewayResponses.ts';

export interface ApiProps {
  readonly config: StageConfig;
  readonly functions: readonly DeployedFunction[];
  readonly userPool: cognito.IUserPool;
  /** The clerks' app client: the authorizer accepts ID tokens issued to it only (`aud`). */
  readonly userPoolClient: cognito.IUserPoolClient;
  /** The at-rest key: the API's log groups and the WAF's are encrypted with it. */
  readonly logKey: kms.IKey;
  /** What API Gateway invokes per route: the function's live alias when deployments are canaries. */
  readonly targetOf?: (fn: DeployedFunction) => lambda.IFunction;
  /** The clerk console's origin (CloudFront): allowed by the preflights besides the stage's origins. */
  readonly consoleOrigin?: string;
  /** The citizens' portal's origin (CloudFront): allowed by the preflights too. */
  readonly portalOrigin?: string;
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
  readonly firewall: Firewall;
  readonly domain?: ApiDomain;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { config } = props;

    const removalPolicy = keptIf(config.retainData);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays,
      encryptionKey: props.logKey,
      removalPolicy,
    });

    this.restApi = new apigw.RestApi(this, 'RestApi', {
      restApiName: `egov-forms-${config.name}`,
      description: 'Online forms of the district administration: citizen submissions and clerk case work',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // With a custom domain, that domain (TLS policy, WAF) is the only way in.
      disableExecuteApiEndpoint: config.customDomain !== undefined,
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
    });
    // CORS preflights on the resources whose routes a script calls from the console's or the
    // portal's origin, not on every resource (intermediate paths, navigations and simple GETs need
    // none): each is a method of the stack's 500 resources.
    const preflight: apigw.CorsOptions = {
      allowOrigins: [...new Set([...config.corsOrigins, ...(props.consoleOrigin ? [props.consoleOrigin] : []), ...(props.portalOrigin ? [props.portalOrigin] : [])])],
      allowMethods: ['GET', 'POST', 'PATCH', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'Status-Token', 'Accept-Language'],
      exposeHeaders: ['ETag', 'X-Request-Id'],
      maxAge: Duration.hours(1),
      statusCode: 204,
    };
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

    // API Gateway would create the execution log group itself on the first error, without
    // retention or encryption. Created here first, under the name API Gateway writes to.
    const executionLogs = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: Fn.join('', ['API-Gateway-Execution-Logs_', this.restApi.restApiId, `/${config.stage}`]),
      retention: config.logRetentionDays,
      encryptionKey: props.logKey,
      removalPolicy,
    });
    this.restApi.deploymentStage.node.addDependency(executionLogs);

    addProblemResponses(this.restApi, config.corsOrigins);

    this.authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'ClerkAuthorizer', {
      cognitoUserPools: [props.userPool],
      identitySource: apigw.IdentitySource.header('Authorization'),
    });
    // For a Cognito authorizer the validation expression is matched against the token's `aud`
    // claim. Only ID tokens carry `aud` (access tokens carry `client_id`), so this one expression
    // admits exactly ID tokens issued to the clerks' app client: it pins both `aud` and
    // `token_use = id`. Signature (the pool's keys), issuer and expiry API Gateway checks anyway.
    (this.authorizer.node.defaultChild as apigw.CfnAuthorizer).identityValidationExpression = Fn.join('', [
      '^',
      props.userPoolClient.userPoolClientId,
      '$',
    ]);

    // Parameter validation rejects a request missing a declared path parameter before any handler
    // runs. Bodies are validated by the handlers against the form's JSON Schema, which alone can
    // answer with API.md's `validation-failed` pointers; no API Gateway body models are declared.
    const validator = this.restApi.addRequestValidator('PathParameters', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });

    // API Gateway invokes the functions with one role of its own, not with a resource policy
    // statement (Lambda::Permission) per function: the same least privilege (these functions'
    // live aliases only), about 30 resources fewer of the stack's 500.
    const invoker = new iam.Role(this, 'Invoker', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      description: 'API Gateway invokes the HTTP functions (their live aliases) with this role',
    });

    for (const deployed of props.functions) {
      const { trigger: route, fn } = deployed;
      if (route.kind !== 'http') continue;
      const resource = this.restApi.root.resourceForPath(route.path);
      if (!route.simple && !resource.node.tryFindChild('OPTIONS')) resource.addCorsPreflight(preflight);
      const requestParameters = Object.fromEntries(
        pathParameters(route.path).map((name) => [`method.request.path.${name}`, true]),
      );
      const target = props.targetOf ? props.targetOf(deployed) : fn;
      invoker.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [target.functionArn] }));
      // Lambda proxy integration (as LambdaIntegration builds it) with the invoker role as credentials.
      const integration = new apigw.Integration({
        type: apigw.IntegrationType.AWS_PROXY,
        integrationHttpMethod: 'POST',
        uri: `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}:lambda:path/2015-03-31/functions/${target.functionArn}/invocations`,
        options: { credentialsRole: invoker },
      });
      const method = resource.addMethod(route.method, integration, {
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

    // CORS preflights are answered by a mock integration CDK builds: give them the security headers
    // every other answer carries (a backslash escapes a literal dot in an override path).
    for (const method of this.restApi.methods.filter((candidate) => candidate.httpMethod === 'OPTIONS')) {
      const cfn = method.node.defaultChild as apigw.CfnMethod;
      for (const [header, value] of Object.entries(SECURITY_HEADERS)) {
        const key = `method\\.response\\.header\\.${header}`;
        cfn.addPropertyOverride(`Integration.IntegrationResponses.0.ResponseParameters.${key}`, value);
        cfn.addPropertyOverride(`MethodResponses.0.ResponseParameters.${key}`, true);
      }
    }

    this.firewall = new Firewall(this, 'Firewall', {
      config,
      stageArn: this.restApi.deploymentStage.stageArn,
      userPoolArn: props.userPool.userPoolArn,
      logKey: props.logKey,
    });

    if (config.customDomain) {
      this.domain = new ApiDomain(this, 'CustomDomain', { restApi: this.restApi, ...config.customDomain });
    }
  }
}
