import { randomUUID } from 'node:crypto';

import type { Timer } from '@azure/functions';
import { CronExpressionParser } from 'cron-parser';

import { InvocationContext } from '../platform/azure-functions.js';
import type { TimerDefinition } from '../platform/definitions.js';

export function nextOccurrence(schedule: string, after: Date): Date {
  return CronExpressionParser.parse(schedule, { currentDate: after, tz: 'UTC' }).next().toDate();
}

/**
 * Runs timer functions on their NCRONTAB schedules (UTC), honours runOnStartup, and fires one on demand, as the
 * host's admin endpoint does. Runs of the same timer never overlap (the host's singleton lock).
 */
export class LocalTimers {
  private readonly handles = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly definitions: readonly TimerDefinition[],
    private readonly onError: (name: string, error: unknown) => void,
  ) {
    for (const d of definitions) nextOccurrence(d.schedule, new Date()); // a malformed schedule fails at start
  }

  start(): void {
    for (const definition of this.definitions) {
      if (definition.runOnStartup) void this.fire(definition.name).catch((e) => this.onError(definition.name, e));
      this.schedule(definition);
    }
  }

  /** Runs the timer now and waits for it; rejects with its error. */
  async fire(name: string, isPastDue = false): Promise<void> {
    const definition = this.definitions.find((d) => d.name.toLowerCase() === name.toLowerCase());
    if (!definition) throw new Error(`No timer function named ${name}`);
    // Loop: when several fires wait for one run, only the first to wake may start; the others wait for it in turn.
    for (let inFlight = this.running.get(definition.name); inFlight; inFlight = this.running.get(definition.name))
      await inFlight.catch(() => undefined);
    const timer: Timer = {
      isPastDue,
      schedule: { adjustForDST: false },
      scheduleStatus: { last: '', next: nextOccurrence(definition.schedule, new Date()).toISOString(), lastUpdated: new Date().toISOString() },
    };
    const context = new InvocationContext({ invocationId: randomUUID(), functionName: definition.name });
    const run = definition.handler(timer, context);
    this.running.set(definition.name, run);
    try {
      await run;
    } finally {
      if (this.running.get(definition.name) === run) this.running.delete(definition.name);
    }
  }

  names(): string[] {
    return this.definitions.map((d) => d.name);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const handle of this.handles.values()) clearTimeout(handle);
    await Promise.allSettled(this.running.values());
  }

  private schedule(definition: TimerDefinition): void {
    if (this.stopped) return;
    const delay = nextOccurrence(definition.schedule, new Date()).getTime() - Date.now();
    // setTimeout holds at most ~24.8 days; a longer wait re-plans on the way.
    const handle = setTimeout(
      () => {
        if (delay <= 2 ** 31 - 1) void this.fire(definition.name).catch((e) => this.onError(definition.name, e));
        this.schedule(definition);
      },
      Math.max(0, Math.min(delay, 2 ** 31 - 1)),
    );
    handle.unref();
    this.handles.set(definition.name, handle);
  }
}
