/**
 * The route table: the one place that says which routes exist, which handler serves each, who may
 * call it and what the handler may touch. The CDK stack derives functions, API methods, authorizers
 * and IAM grants from it; the local gateway derives its routing and token checks from it.
 */

export type Access = 'public' | 'clerk';

/** What a handler needs beyond its own code. The stack turns this into least-privilege grants. */
export interface Needs {
  /** KMS operations on the stack's case key (always restricted to our encryption-context keys). */
  readonly kms: readonly ('kms:GenerateDataKey' | 'kms:Decrypt')[];
  /** DynamoDB actions on the cases table (and its indexes, for Query). */
  readonly cases: readonly ('dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:UpdateItem' | 'dynamodb:Query' | 'dynamodb:ConditionCheckItem')[];
  /** DynamoDB actions on the events table (append-only: never UpdateItem or DeleteItem). */
  readonly events: readonly ('dynamodb:PutItem' | 'dynamodb:Query')[];
  /** DynamoDB actions on the idempotency table. */
  readonly idempotency: readonly ('dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:UpdateItem')[];
  /** Reads the HMAC secret (idempotency keys, cursors). */
  readonly secret: boolean;
  /** Ships the form definitions under schemas/forms with the function. */
  readonly forms: boolean;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH';
  /** API Gateway resource path, `{name}` for a path parameter. */
  readonly path: string;
  /** Folder under functions/ holding `handler.ts`; also the function's logical name. */
  readonly handler: string;
  readonly access: Access;
  readonly needs: Needs;
}

const none: Needs = { kms: [], cases: [], events: [], idempotency: [], secret: false, forms: false };

export const routes: readonly Route[] = [
  { method: 'GET', path: '/forms', handler: 'listForms', access: 'public', needs: { ...none, forms: true } },
  { method: 'GET', path: '/forms/{formId}', handler: 'getForm', access: 'public', needs: { ...none, forms: true } },
  {
    method: 'POST',
    path: '/forms/{formId}/submissions',
    handler: 'submit',
    access: 'public',
    needs: {
      kms: ['kms:GenerateDataKey'],
      cases: ['dynamodb:PutItem'],
      events: ['dynamodb:PutItem'],
      idempotency: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      secret: true,
      forms: true,
    },
  },
  {
    method: 'GET',
    path: '/cases',
    handler: 'listCases',
    access: 'clerk',
    needs: { ...none, cases: ['dynamodb:Query'], secret: true },
  },
  {
    method: 'GET',
    path: '/cases/{caseId}',
    handler: 'getCase',
    access: 'clerk',
    needs: { ...none, kms: ['kms:Decrypt'], cases: ['dynamodb:Query'], events: ['dynamodb:PutItem'] },
  },
  {
    method: 'PATCH',
    path: '/cases/{caseId}',
    handler: 'updateCase',
    access: 'clerk',
    needs: {
      ...none,
      kms: ['kms:Decrypt'],
      cases: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      events: ['dynamodb:PutItem'],
    },
  },
  {
    method: 'GET',
    path: '/cases/{caseId}/events',
    handler: 'listEvents',
    access: 'clerk',
    needs: { ...none, cases: ['dynamodb:GetItem'], events: ['dynamodb:Query'] },
  },
  { method: 'GET', path: '/openapi.json', handler: 'openapi', access: 'public', needs: none },
];
