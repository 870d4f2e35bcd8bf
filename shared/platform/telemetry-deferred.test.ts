import { describe, expect, it } from 'vitest';

import { MemoryTelemetry, type Telemetry } from './telemetry.js';
import { deferredTelemetry } from './telemetry-deferred.js';

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('deferredTelemetry: Application Insights loaded after the first answer (issue 11)', () => {
  it('nothing is loaded before the delay; calls made meanwhile arrive in order once it is', async () => {
    const sink = new MemoryTelemetry();
    let loads = 0;
    const telemetry = deferredTelemetry(
      async () => {
        loads++;
        return sink;
      },
      { startAfterMs: 40, maxBuffered: 10, fallback: new MemoryTelemetry() },
    );
    telemetry.event('first', { route: 'a' });
    telemetry.trace('second');
    telemetry.exception(new Error('third'));
    expect(loads).toBe(0);
    expect(sink.records).toEqual([]);
    await later(80);
    expect(loads).toBe(1);
    expect(sink.records.map((r) => [r.kind, r.name])).toEqual([
      ['event', 'first'],
      ['trace', 'second'],
      ['exception', 'Error'],
    ]);
    telemetry.event('after');
    expect(sink.records.at(-1)?.name).toBe('after');
    expect(loads).toBe(1);
  });

  it('flush() loads at once and flushes the SDK', async () => {
    let flushed = 0;
    const sink: Telemetry = Object.assign(new MemoryTelemetry(), {
      flush: async () => {
        flushed++;
      },
    });
    const telemetry = deferredTelemetry(async () => sink, { startAfterMs: 60_000, maxBuffered: 10, fallback: new MemoryTelemetry() });
    telemetry.event('kept');
    await telemetry.flush();
    expect(flushed).toBe(1);
    expect((sink as MemoryTelemetry).records.map((r) => r.name)).toEqual(['kept']);
  });

  it('keeps at most maxBuffered calls and reports how many it dropped', async () => {
    const sink = new MemoryTelemetry();
    const telemetry = deferredTelemetry(async () => sink, { startAfterMs: 60_000, maxBuffered: 2, fallback: new MemoryTelemetry() });
    for (const name of ['a', 'b', 'c', 'd', 'e']) telemetry.event(name);
    await telemetry.flush();
    expect(sink.records.map((r) => r.name)).toEqual(['a', 'b', 'telemetry items dropped while the SDK was loading']);
    expect(sink.records[2]!.properties).toEqual({ dropped: '3' });
  });

  it('a failed load sends the failure and the kept calls to the fallback', async () => {
    const fallback = new MemoryTelemetry();
    const telemetry = deferredTelemetry(
      async () => {
        throw new Error('SDK missing');
      },
      { startAfterMs: 60_000, maxBuffered: 10, fallback },
    );
    telemetry.event('kept');
    await telemetry.flush();
    telemetry.event('later');
    expect(fallback.records.map((r) => [r.kind, r.name])).toEqual([
      ['exception', 'Error'],
      ['event', 'kept'],
      ['event', 'later'],
    ]);
  });
});
