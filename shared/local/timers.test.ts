import type { Timer } from '@azure/functions';
import { afterEach, describe, expect, it } from 'vitest';

import type { TimerDefinition } from '../platform/definitions.js';
import { LocalTimers, nextOccurrence } from './timers.js';

const timer = (name: string, handler: TimerDefinition['handler'], schedule = '0 0 3 * * *'): TimerDefinition => ({
  kind: 'timer',
  name,
  schedule,
  runOnStartup: false,
  handler,
});

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('nextOccurrence (six-field NCRONTAB, UTC)', () => {
  it('RET-9: the yearly schedule "0 0 3 1 8 *" is next 1 August 03:00 UTC', () => {
    expect(nextOccurrence('0 0 3 1 8 *', new Date('2026-11-22T12:00:00Z')).toISOString()).toBe('2027-08-01T03:00:00.000Z');
    expect(nextOccurrence('0 0 3 1 8 *', new Date('2027-07-31T23:59:59Z')).toISOString()).toBe('2027-08-01T03:00:00.000Z');
    // Strictly after: at the moment itself, the next run is a year later.
    expect(nextOccurrence('0 0 3 1 8 *', new Date('2027-08-01T03:00:00Z')).toISOString()).toBe('2028-08-01T03:00:00.000Z');
  });

  it('reads the first field as seconds and evaluates in UTC', () => {
    expect(nextOccurrence('30 15 2 * * *', new Date('2026-11-22T02:15:00Z')).toISOString()).toBe('2026-11-22T02:15:30.000Z');
    expect(nextOccurrence('0 */5 * * * *', new Date('2026-11-22T10:01:00Z')).toISOString()).toBe('2026-11-22T10:05:00.000Z');
    expect(nextOccurrence('0 0 1 * * 1', new Date('2026-11-22T12:00:00Z')).toISOString()).toBe('2026-11-23T01:00:00.000Z'); // a Monday
  });
});

describe('LocalTimers', () => {
  const started: LocalTimers[] = [];
  const timers = (definitions: TimerDefinition[], onError: (name: string, error: unknown) => void = () => {}) => {
    const t = new LocalTimers(definitions, onError);
    started.push(t);
    return t;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((t) => t.stop()));
  });

  it('fire() runs the named handler (case-insensitively) with a Timer and an InvocationContext', async () => {
    const calls: { timer: Timer; functionName: string }[] = [];
    const t = timers([
      timer('retention-daily', async (tm, context) => {
        calls.push({ timer: tm, functionName: context.functionName });
      }),
      timer('other', async () => {
        throw new Error('must not run');
      }),
    ]);
    await t.fire('Retention-Daily', true);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.functionName).toBe('retention-daily');
    expect(calls[0]?.timer.isPastDue).toBe(true);
    expect(Date.parse(calls[0]!.timer.scheduleStatus.next)).toBeGreaterThan(Date.now());
    expect(t.names()).toEqual(['retention-daily', 'other']);
  });

  it('fire() rejects with the handler error, and for an unknown name', async () => {
    const failure = new Error('sweep failed');
    const t = timers([timer('failing', async () => Promise.reject(failure))]);
    await expect(t.fire('failing')).rejects.toBe(failure);
    await expect(t.fire('missing')).rejects.toThrow(/No timer function named missing/);
    // A failed run does not leave the timer locked.
    await expect(t.fire('failing')).rejects.toBe(failure);
  });

  it('runs of the same timer never overlap, even with several fires waiting', async () => {
    let active = 0;
    let peak = 0;
    let runs = 0;
    const t = timers([
      timer('slow', async () => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active -= 1;
        runs += 1;
      }),
    ]);
    await Promise.all([t.fire('slow'), t.fire('slow')]);
    expect(runs).toBe(2);
    expect(peak).toBe(1);

    await Promise.all([t.fire('slow'), t.fire('slow'), t.fire('slow'), t.fire('slow')]);
    expect(runs).toBe(6);
    expect(peak).toBe(1);
  });

  it('a second fire waits for the first run to finish, then runs (not skipped)', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let n = 0;
    const t = timers([
      timer('gated', async () => {
        const me = ++n;
        order.push(`start ${me}`);
        if (me === 1) await gate;
        order.push(`end ${me}`);
      }),
    ]);
    const first = t.fire('gated');
    const second = t.fire('gated');
    await tick();
    expect(order).toEqual(['start 1']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('different timers may run at the same time', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const ran: string[] = [];
    const t = timers([
      timer('a', async () => {
        ran.push('a');
        await gate;
      }),
      timer('b', async () => {
        ran.push('b');
      }),
    ]);
    const a = t.fire('a');
    await t.fire('b');
    expect(ran).toEqual(['a', 'b']);
    release();
    await a;
  });

  it('a malformed schedule throws at construction', () => {
    expect(() => new LocalTimers([timer('bad', async () => {}, 'every day at three')], () => {})).toThrow();
    expect(() => new LocalTimers([timer('bad', async () => {}, '0 0 25 * * *')], () => {})).toThrow();
  });

  it('start() honours runOnStartup and reports a failing run through onError', async () => {
    const errors: [string, unknown][] = [];
    const failure = new Error('startup run failed');
    const t = timers([{ ...timer('boot', async () => Promise.reject(failure)), runOnStartup: true }], (name, error) => errors.push([name, error]));
    t.start();
    for (let i = 0; i < 5 && errors.length === 0; i++) await tick();
    expect(errors).toEqual([['boot', failure]]);
  });
});
