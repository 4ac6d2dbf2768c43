import { randomUUID } from 'node:crypto';
import { functionsOf, type FunctionTable } from '../../functions/functions.ts';

/**
 * The local stand-in for EventBridge rules: an event put on the bus goes, asynchronously, to every
 * worker of the function table whose `rule` trigger matches its `source` and `detail-type`, the
 * same handler Lambda runs. As with asynchronous Lambda invocation, a failing handler is retried
 * (twice, with backoff) and then given up, logged.
 */
export type RuleHandler = (event: unknown, context: unknown) => Promise<unknown>;

export interface RuleWorker {
  readonly name: string;
  readonly source: string;
  readonly detailType: string;
  readonly invoke: RuleHandler;
}

export interface BusEvent {
  readonly source: string;
  readonly 'detail-type': string;
  readonly detail: unknown;
  readonly resources?: readonly string[];
}

/** The rule-triggered workers of a function table, with their handler module. */
export function ruleWorkersOf(table: FunctionTable) {
  return functionsOf(table).flatMap(({ name, trigger }) =>
    trigger.kind === 'rule' ? [{ name, source: trigger.source, detailType: trigger.detailType, module: `../../functions/${name}/handler.ts` }] : [],
  );
}

export interface LocalEventBus {
  put(event: BusEvent): void;
  /** Resolves once every delivery started so far has settled (tests, shutdown). */
  idle(): Promise<void>;
}

export function createLocalEventBus(
  workers: readonly RuleWorker[],
  options: { region: string; retries?: number; backoffMs?: number; log?: (line: string) => void } = { region: 'eu-central-1' },
): LocalEventBus {
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 200;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const pending = new Set<Promise<void>>();

  const deliver = async (worker: RuleWorker, event: Record<string, unknown>): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        await worker.invoke(event, { functionName: worker.name });
        return;
      } catch (error) {
        if (attempt >= retries) {
          log(`${worker.name}: event ${String(event.id)} given up after ${attempt + 1} attempts: ${error instanceof Error ? error.name : 'error'}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** attempt));
      }
    }
  };

  return {
    put(busEvent) {
      const event = {
        version: '0',
        id: randomUUID(),
        'detail-type': busEvent['detail-type'],
        source: busEvent.source,
        account: '000000000000',
        time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: options.region,
        resources: [...(busEvent.resources ?? [])],
        detail: busEvent.detail,
      };
      for (const worker of workers) {
        if (worker.source !== busEvent.source || worker.detailType !== busEvent['detail-type']) continue;
        const delivery = deliver(worker, event).finally(() => pending.delete(delivery));
        pending.add(delivery);
      }
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
