import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { functionsOf, type FunctionTable } from '../../functions/functions.ts';
import { LIST_PROJECTION, casesTable, eventsTable, idempotencyTable } from '#lib/cases/tables.ts';

export interface DataProps {
  /** The at-rest key (see keys.ts), not the case-envelope key. */
  readonly key: kms.IKey;
  readonly retainData: boolean;
  /** The function table: a table gets a stream exactly when a worker is triggered by it. */
  readonly table: FunctionTable;
}

/**
 * The tables of functions/lib/cases/tables.ts, physically: on-demand, point-in-time recovery,
 * encrypted with the stack's at-rest key, expiring items by TTL. Names are left to CloudFormation
 * so that a retained prod table never blocks a re-deploy.
 */
export class Data extends Construct {
  readonly cases: dynamodb.Table;
  readonly events: dynamodb.Table;
  readonly idempotency: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    const streamed = new Set(functionsOf(props.table).flatMap(({ trigger }) => (trigger.kind === 'stream' ? [trigger.table] : [])));
    const streamOf = (table: 'cases' | 'events') => (streamed.has(table) ? { stream: dynamodb.StreamViewType.NEW_IMAGE } : {});
    const common = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
      deletionProtection: props.retainData,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    };

    this.cases = new dynamodb.Table(this, 'Cases', {
      ...common,
      partitionKey: { name: casesTable.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: casesTable.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: casesTable.ttlAttribute,
      ...streamOf('cases'),
    });
    for (const index of casesTable.indexes) {
      this.cases.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        // The list answers from the index alone; the envelope never leaves the base table.
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: [...LIST_PROJECTION],
      });
    }

    this.events = new dynamodb.Table(this, 'Events', {
      ...common,
      partitionKey: { name: eventsTable.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: eventsTable.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: eventsTable.ttlAttribute,
      ...streamOf('events'),
    });

    this.idempotency = new dynamodb.Table(this, 'Idempotency', {
      ...common,
      partitionKey: { name: idempotencyTable.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: idempotencyTable.ttlAttribute,
    });
  }

  tableOf(name: 'cases' | 'events'): dynamodb.Table {
    return name === 'cases' ? this.cases : this.events;
  }

  /** ARNs of the cases table's indexes, named one by one so that no grant needs `index/*`. */
  casesIndexArns(): string[] {
    return casesTable.indexes.map((index) => `${this.cases.tableArn}/index/${index.name}`);
  }
}
