import { describe, expect, it } from '@jest/globals';
import { functions, functionsOf } from '../../../functions/functions.ts';
import { streamFilterOf } from '../../../infra/constructs/functions.ts';
import { passes } from '../../../infra/local/streams.ts';
import { FOLLOWING } from '../../../functions/dispatch/dispatch.ts';
import { EVENT_TYPES } from '#lib/cases/model.ts';

const record = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', sk: string) => ({ eventName, dynamodb: { Keys: { pk: { S: 'CASE#1' }, sk: { S: sk } } } });

describe('a stream trigger filter, in Lambda and in the local poller', () => {
  const only = functions.keepFiles.trigger.only;

  it('keepFiles hears of new file items only', () => {
    expect(only).toEqual({ eventName: 'INSERT', skBeginsWith: 'CASE#FILE#' });
    expect(passes(only, record('INSERT', 'CASE#FILE#01JDZ8Q6W4X3Y2Z1A0B9C8D7E7'))).toBe(true);
    for (const other of [record('INSERT', 'CASE'), record('INSERT', 'CASE#NOTE#1'), record('MODIFY', 'CASE#FILE#x'), record('REMOVE', 'CASE#FILE#x')]) {
      expect(passes(only, other)).toBe(false);
    }
  });

  it('is the same test as the Lambda event filter the stack sets', () => {
    expect(JSON.parse((streamFilterOf(only) as { pattern: string }).pattern)).toEqual({ eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix: 'CASE#FILE#' }] } } } });
    expect(JSON.parse((streamFilterOf({ eventName: 'REMOVE' }) as { pattern: string }).pattern)).toEqual({ eventName: ['REMOVE'] });
  });

  it('dispatch hears of the new events it fans out, and of no other: its filter names the events FOLLOWING maps to queues', () => {
    const dispatch = functions.dispatch.trigger.only;
    expect([...(dispatch.typeIn ?? [])].sort()).toEqual(Object.keys(FOLLOWING).sort());
    const event = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', type: string) => ({ eventName, dynamodb: { Keys: { pk: { S: 'CASE#1' }, sk: { S: 'EVENT#1' } }, NewImage: { type: { S: type } } } });
    for (const type of EVENT_TYPES) expect([type, passes(dispatch, event('INSERT', type))]).toEqual([type, Object.hasOwn(FOLLOWING, type)]);
    expect(passes(dispatch, event('MODIFY', 'case.received'))).toBe(false);
    expect(passes(dispatch, { eventName: 'INSERT', dynamodb: { Keys: { pk: { S: 'CASE#1' }, sk: { S: 'EVENT#1' } } } })).toBe(false);
    expect(JSON.parse((streamFilterOf(dispatch) as { pattern: string }).pattern)).toEqual({
      eventName: ['INSERT'],
      dynamodb: { NewImage: { type: { S: [...(dispatch.typeIn ?? [])] } } },
    });
  });

  it('every stream worker has a filter; one without would hear of everything', () => {
    const unfiltered = functionsOf().filter(({ trigger }) => trigger.kind === 'stream' && trigger.only === undefined);
    expect(unfiltered.map(({ name }) => name)).toEqual([]);
    expect(passes(undefined, record('REMOVE', 'anything'))).toBe(true);
  });
});
