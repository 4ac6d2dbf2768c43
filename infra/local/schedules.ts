import { functionsOf, scheduleExpressionOf, type FunctionTable, type StageSchedules } from '../../functions/functions.ts';

/**
 * The local stand-in for EventBridge schedules: each worker of the function table with a
 * `schedule` trigger runs at its rate (`rate(N minute|minutes|hour|hours)`), the same handler
 * Lambda runs, one run at a time; a failing run is logged and the next one comes at its time.
 */
export type ScheduledHandler = (event: unknown, context: unknown) => Promise<unknown>;

export interface ScheduledWorker {
  readonly name: string;
  readonly everyMs: number;
  readonly invoke: ScheduledHandler;
}

export function rateMs(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression);
  if (!match) throw new Error(`unsupported schedule expression ${expression}: use rate(N minutes) or rate(N hours)`);
  return Number(match[1]) * (match[2]!.startsWith('minute') ? 60_000 : 3_600_000);
}

/** The table's scheduled workers, at their rates under the stage's settings (`audit.checkpointIntervalMinutes`), as the CDK stack schedules them. */
export function scheduledWorkersOf(table: FunctionTable, stage: StageSchedules) {
  return functionsOf(table).flatMap(({ name, trigger }) =>
    trigger.kind === 'schedule' ? [{ name, everyMs: rateMs(scheduleExpressionOf(trigger, stage)), module: `../../functions/${name}/handler.ts` }] : [],
  );
}

export function startSchedules(workers: readonly ScheduledWorker[], log: (message: string) => void = (message) => process.stderr.write(`${message}\n`)): { stop(): Promise<void> } {
  const running = new Set<Promise<unknown>>();
  const timers = workers.map((worker) => {
    let busy = false;
    return setInterval(() => {
      if (busy) return;
      busy = true;
      const run = worker
        .invoke({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }, {})
        .catch((error: unknown) => log(`scheduled ${worker.name} failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          busy = false;
          running.delete(run);
        });
      running.add(run);
    }, worker.everyMs);
  });
  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...running]);
    },
  };
}
