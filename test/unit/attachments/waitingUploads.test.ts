// Issue 25, point 5: an upload that stays without verdict longer than 15 minutes is counted (and alarmed on).
import { describe, expect, it } from '@jest/globals';
import { ListObjectsV2Command, type _Object } from '@aws-sdk/client-s3';
import { createWaitingUploads, VERDICT_OVERDUE_MS, WATCH_PAGE } from '#lib/attachments/waitingUploads.ts';

const NOW = new Date('2026-12-07T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

function watch(contents: _Object[]) {
  const requests: unknown[] = [];
  const s3 = {
    send: async (command: unknown) => {
      if (!(command instanceof ListObjectsV2Command)) throw new Error('the watch only lists');
      requests.push(command.input);
      return { Contents: contents };
    },
  };
  return { count: createWaitingUploads({ s3: s3 as never, quarantineBucket: 'q', now: () => NOW }), requests };
}

describe('uploads waiting for their verdict', () => {
  it('counts an upload in quarantine past 15 minutes, and not a fresh one', async () => {
    const { count } = watch([
      { Key: '01JDZ8Q6W4X3Y2Z1A0B9C8D7E7', LastModified: ago(VERDICT_OVERDUE_MS + 1000) },
      { Key: '01JDZ8Q6W4X3Y2Z1A0B9C8D7E8', LastModified: ago(60_000) },
    ]);
    expect(await count()).toEqual({ overdue: 1, waiting: 2 });
  });

  it('an upload just inside 15 minutes is not overdue yet', async () => {
    const { count } = watch([{ Key: '01JDZ8Q6W4X3Y2Z1A0B9C8D7E7', LastModified: ago(VERDICT_OVERDUE_MS - 1000) }]);
    expect(await count()).toEqual({ overdue: 0, waiting: 1 });
  });

  it("ignores GuardDuty's validation object and any key that is no attachment id", async () => {
    const { count } = watch([
      { Key: 'malware-protection-resource-validation-object', LastModified: ago(24 * 3_600_000) },
      { Key: 'something/else', LastModified: ago(24 * 3_600_000) },
    ]);
    expect(await count()).toEqual({ overdue: 0, waiting: 0 });
  });

  it('an empty quarantine reports 0 (the alarm needs a count every run)', async () => {
    const { count } = watch([]);
    expect(await count()).toEqual({ overdue: 0, waiting: 0 });
  });

  it('makes one listing of the first page, whatever the backlog (keys are ULIDs: the oldest come first)', async () => {
    const { count, requests } = watch([]);
    await count();
    expect(requests).toEqual([{ Bucket: 'q', MaxKeys: WATCH_PAGE }]);
  });
});
