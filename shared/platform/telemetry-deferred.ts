import type { Telemetry } from './telemetry.js';

export interface DeferredTelemetryOptions {
  /** When to start loading, counted from creation (a timer that does not keep the process alive). */
  startAfterMs: number;
  /** Calls kept while loading; later ones are counted and reported once loaded. */
  maxBuffered: number;
  /** Where the calls go if loading fails (the failure is reported there too). */
  fallback: Telemetry;
}

type Call = (telemetry: Telemetry) => void;

/**
 * Telemetry whose SDK is loaded after the first answer (issue 11: loading Application Insights before the first
 * request made it ~1.9x slower, bench first-request). Calls made before it is loaded are kept in order and replayed;
 * flush() loads it at once. Items kept when the process ends before the timer are lost, as unsent SDK batches are.
 */
export function deferredTelemetry(load: () => Promise<Telemetry>, options: DeferredTelemetryOptions): Telemetry {
  let ready: Telemetry | undefined;
  let loading: Promise<Telemetry> | undefined;
  const kept: Call[] = [];
  let dropped = 0;

  const settle = (telemetry: Telemetry, failure?: unknown) => {
    ready = telemetry;
    if (failure !== undefined) telemetry.exception(failure, { stage: 'telemetry-load' });
    for (const call of kept.splice(0)) call(telemetry);
    if (dropped > 0) telemetry.trace('telemetry items dropped while the SDK was loading', { dropped: String(dropped) });
    return telemetry;
  };
  const start = () =>
    (loading ??= load().then(
      (telemetry) => settle(telemetry),
      (error: unknown) => settle(options.fallback, error),
    ));
  setTimeout(() => void start(), options.startAfterMs).unref();

  const call = (f: Call) => {
    if (ready) f(ready);
    else if (kept.length < options.maxBuffered) kept.push(f);
    else dropped++;
  };
  return {
    event: (...args) => call((t) => t.event(...args)),
    exception: (...args) => call((t) => t.exception(...args)),
    trace: (...args) => call((t) => t.trace(...args)),
    async flush() {
      await (await start()).flush();
    },
  };
}
