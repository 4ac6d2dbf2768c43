import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { monotonicFactory } from 'ulid';
import { createEventLog, type EventLog } from '#lib/cases/events.ts';
import type { CaseEvent } from '#lib/cases/model.ts';
import { createCaseStore } from '#lib/cases/store.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import type { StackInfo } from '../infra/local/stack.ts';
import { createGetCase } from '../functions/getCase/getCase.ts';
import { caseWithNotes, invoke, lambdaEvent, type Handler, type Handlers } from './clerkPaths.ts';
import { compare, type Comparison } from './stats.ts';

/**
 * What the hash chain adds to a case read (issue 30: target ≤ 5 %): the clerk's read (three notes)
 * as it is, its `case.viewed` linked to the chain (the conditional PutItem after the head this
 * instance wrote last, no head read), beside the same handler whose audit write is the pre-chain
 * one (one conditional PutItem of a ULID-keyed event, under a partition of its own so that it
 * leaves the case's chain alone, and no head read). Same clients, same case, interleaved. The
 * first read of a case by an instance (`firstRead`) also reads the head, alongside the case's
 * load: measured with a fresh event log per read, beside the pre-chain read built the same way.
 */
export interface AuditChainResult {
  /** Milliseconds per case read, chained beside unchained, the instance knowing the head. */
  read: Comparison;
  /** Milliseconds per case read by an instance that does not know the head yet. */
  firstRead: Comparison;
  callsPerSample: number;
}

/** The event log before the chain (functions/lib/cases/events.ts before issue 30): one conditional put, no head read. */
function unchainedLog(ddb: DynamoDBClient, tableName: string, chained: EventLog): EventLog {
  const newEventId = monotonicFactory();
  return {
    ...chained,
    headForAppend: () => undefined,
    async append(caseId: string, event: CaseEvent, expiresAt: number): Promise<void> {
      await ddb.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            caseId: { S: `bench-unchained#${caseId}` },
            eventId: { S: newEventId(Date.parse(event.at)) },
            at: { S: event.at },
            type: { S: event.type },
            actor: { S: event.actor },
            expiresAt: { N: String(expiresAt) },
          },
          ConditionExpression: 'attribute_not_exists(eventId)',
        }),
      );
    },
  };
}

export async function auditChainBench(options: {
  stack: StackInfo;
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  handlers: Handlers;
  pairs: number;
  callsPerSample: number;
  log: (line: string) => void;
}): Promise<AuditChainResult> {
  const { stack, dynamodb, kms } = options;
  const chained = createEventLog(dynamodb, stack.tables.events);
  const cases = createCaseStore(dynamodb, stack.tables.cases, chained);
  const getCase = (events: EventLog): Handler => httpRoute(createGetCase({ cases, events, kms, caseKeyId: stack.caseKeyArn }));
  const withChain = getCase(chained);
  const withoutChain = getCase(unchainedLog(dynamodb, stack.tables.events, chained));
  // A new instance per read: its event log knows no head yet.
  const firstWithChain: Handler = (event, context) => getCase(createEventLog(dynamodb, stack.tables.events))(event, context);
  const firstWithoutChain: Handler = (event, context) => getCase(unchainedLog(dynamodb, stack.tables.events, chained))(event, context);

  const caseId = await caseWithNotes(options.handlers);
  const readEvent = lambdaEvent({ resource: '/cases/{caseId}', pathParameters: { caseId } });
  const msPer = async (handler: Handler) => {
    const begin = performance.now();
    for (let i = 0; i < options.callsPerSample; i++) await invoke(handler, readEvent);
    return (performance.now() - begin) / options.callsPerSample;
  };
  await msPer(withChain);
  await msPer(withoutChain);
  const read = await compare(options.pairs, () => msPer(withChain), () => msPer(withoutChain));
  options.log(`  case read: ${read.subject.toFixed(2)} ms chained beside ${read.floor.toFixed(2)} ms unchained`);
  const firstRead = await compare(options.pairs, () => msPer(firstWithChain), () => msPer(firstWithoutChain));
  options.log(`  first read by an instance: ${firstRead.subject.toFixed(2)} ms chained beside ${firstRead.floor.toFixed(2)} ms unchained`);
  return { read, firstRead, callsPerSample: options.callsPerSample };
}
