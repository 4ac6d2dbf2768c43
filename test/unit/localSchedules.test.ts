import { describe, expect, it } from '@jest/globals';
import { functions, functionsOf } from '../../functions/functions.ts';
import { scheduledWorkersOf } from '../../infra/local/schedules.ts';

// `npm start` runs the scheduled workers at the rate the CDK stack gives their EventBridge rules:
// the checkpoint worker at the stage file's `audit.checkpointIntervalMinutes`.

describe('the local stack\'s schedules', () => {
  it('runs every scheduled worker of the function table, the checkpoint worker at the stage\'s interval', () => {
    const scheduled = functionsOf().filter(({ trigger }) => trigger.kind === 'schedule').map(({ name }) => name);
    for (const minutes of [5, 15, 60]) {
      const workers = scheduledWorkersOf(functions, { checkpointIntervalMinutes: minutes });
      expect(workers.map(({ name }) => name)).toEqual(scheduled);
      expect(workers.find(({ name }) => name === 'checkpoint')?.everyMs).toBe(minutes * 60_000);
    }
  });

  it('keeps a fixed rate where the table names one', () => {
    const table = { openapi: { trigger: { kind: 'schedule', expression: 'rate(2 hours)' }, needs: {} } } as const;
    expect(scheduledWorkersOf(table, { checkpointIntervalMinutes: 15 })).toEqual([{ name: 'openapi', everyMs: 2 * 3_600_000, module: '../../functions/openapi/handler.ts' }]);
  });
});
