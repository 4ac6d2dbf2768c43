import { RemovalPolicy } from 'aws-cdk-lib';

/**
 * The removal policy of everything a stage keeps (`retainData`, prod): retained on update and on
 * stack deletion, but deleted when the stack's first create rolls back (CloudFormation's
 * `RetainExceptOnCreate`). A failed first deploy then leaves no fixed-name log group, vault or key
 * behind to collide with the retry (docs/deploy.md, "When the first deploy fails").
 */
export function keptIf(retainData: boolean): RemovalPolicy {
  return retainData ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY;
}
