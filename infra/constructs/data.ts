import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { keptIf } from './removal.ts';
import { functionsOf, type FunctionTable } from '../../functions/functions.ts';
import { LIST_PROJECTION, caseIndexNames, casesTable, citizenIndex, eventsTable, idempotencyTable, type CaseIndexUse } from '#lib/cases/tables.ts';
import { attachmentsTable } from '#lib/attachments/tables.ts';
import { signInsTable } from '#lib/bundid/tables.ts';

export interface DataProps {
  /** The at-rest key (see keys.ts), not the case-envelope key. */
  readonly key: kms.IKey;
  readonly retainData: boolean;
  /** The function table: a table gets a stream exactly when a worker is triggered by it. */
  readonly table: FunctionTable;
  /** The submission peak the tables are warmed for (stage config `capacity.submissionsPerSecond`). */
  readonly submissionsPerSecond: number;
}

/**
 * Write units one submission costs, by table (docs/data-model.md, "Writes per submission"). A
 * transaction writes each item twice (prepare and commit): the case item (envelope up to ~3 KB:
 * 3 units) ×2, the reference claim ×2, on the events table the `case.received` event ×2, on the
 * idempotency table the claim (1) and its completion in the transaction ×2. Each list index gets
 * the case's summary once, outside the transaction (≤ 1 KB: 1 unit).
 */
export const WRITE_UNITS_PER_SUBMISSION = { cases: 8, casesIndex: 1, events: 2, idempotency: 3 } as const;
/** On-demand tables start warm at 4,000 writes/s and 12,000 reads/s; warming can only go higher. */
const ON_DEMAND_FLOOR = { write: 4000, read: 12000 } as const;
/** The write fuse: a table refuses more than this many times its sized peak (runaway loop, abuse). */
export const WRITE_FUSE_FACTOR = 3;

/** Warm throughput and write fuse of a table (or index) for a peak of `units` writes/s. */
export function sizedFor(units: number): { warmThroughput: dynamodb.WarmThroughput; maxWriteRequestUnits: number } {
  const write = Math.max(ON_DEMAND_FLOOR.write, units);
  return {
    warmThroughput: { writeUnitsPerSecond: write, readUnitsPerSecond: ON_DEMAND_FLOOR.read },
    maxWriteRequestUnits: write * WRITE_FUSE_FACTOR,
  };
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
  /** Upload tickets and their verdicts (functions/lib/attachments/tables.ts). */
  readonly attachments: dynamodb.Table;
  /** BundID sign-ins in flight and used assertion ids (functions/lib/bundid/tables.ts). */
  readonly signIns: dynamodb.Table;

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
      removalPolicy: keptIf(props.retainData),
    };

    const peak = props.submissionsPerSecond;
    this.cases = new dynamodb.Table(this, 'Cases', {
      ...common,
      ...sizedFor(peak * WRITE_UNITS_PER_SUBMISSION.cases),
      partitionKey: { name: casesTable.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: casesTable.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: casesTable.ttlAttribute,
      ...streamOf('cases'),
    });
    // The office lists' indexes take every submission's summary (sized for the peak); the citizen
    // index (GET /me/cases) only those of forms that need sign-in.
    for (const index of [...casesTable.indexes, citizenIndex]) {
      this.cases.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        // The list answers from the index alone; the envelope never leaves the base table.
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: [...LIST_PROJECTION],
        ...(index === citizenIndex ? {} : sizedFor(peak * WRITE_UNITS_PER_SUBMISSION.casesIndex)),
      });
    }

    this.events = new dynamodb.Table(this, 'Events', {
      ...common,
      ...sizedFor(peak * WRITE_UNITS_PER_SUBMISSION.events),
      partitionKey: { name: eventsTable.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: eventsTable.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: eventsTable.ttlAttribute,
      ...streamOf('events'),
    });
    // Events by hour and shard, for the checkpoint worker and the auditor (tables.ts, timeIndex):
    // every event once more, so it is sized like the table.
    this.events.addGlobalSecondaryIndex({
      indexName: eventsTable.timeIndex.name,
      partitionKey: { name: eventsTable.timeIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: eventsTable.timeIndex.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
      ...sizedFor(peak * WRITE_UNITS_PER_SUBMISSION.events),
    });

    this.idempotency = new dynamodb.Table(this, 'Idempotency', {
      ...common,
      ...sizedFor(peak * WRITE_UNITS_PER_SUBMISSION.idempotency),
      partitionKey: { name: idempotencyTable.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: idempotencyTable.ttlAttribute,
    });

    // At most a few tickets per submission (WRITE_UNITS_PER_SUBMISSION leaves them out: a
    // ticket, its verdict and its binding are one to three small writes each).
    this.attachments = new dynamodb.Table(this, 'Attachments', {
      ...common,
      ...sizedFor(peak * 3),
      partitionKey: { name: attachmentsTable.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: attachmentsTable.ttlAttribute,
    });

    // Two small writes and one delete per sign-in; a fraction of the submissions at most.
    this.signIns = new dynamodb.Table(this, 'SignIns', {
      ...common,
      ...sizedFor(peak),
      partitionKey: { name: signInsTable.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: signInsTable.ttlAttribute,
    });
  }

  tableOf(name: 'cases' | 'events'): dynamodb.Table {
    return name === 'cases' ? this.cases : this.events;
  }

  /** ARNs of the cases table's indexes of these uses, named one by one so that no grant needs `index/*`. */
  casesIndexArns(uses: readonly CaseIndexUse[]): string[] {
    return uses.flatMap(caseIndexNames).map((name) => `${this.cases.tableArn}/index/${name}`);
  }
}
