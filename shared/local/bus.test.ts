import { afterEach, describe, expect, it, vi } from 'vitest';

import type { DeliveryInfo } from '../platform/bus.js';
import { isoDurationSeconds, queueSpecs } from '../platform/queues.js';
import { LocalBus } from './bus.js';

const QUEUE = 'email-outbound' as const;
const MAX = queueSpecs[QUEUE].maxDeliveryCount;

/** A promise the test resolves by hand, to hold a handler in flight. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const flush = () => new Promise<void>((r) => setImmediate(r));

describe('LocalBus', () => {
  const buses: LocalBus[] = [];
  const bus = (options: ConstructorParameters<typeof LocalBus>[0] = {}) => {
    const b = new LocalBus({ redeliveryDelayMs: 1, ...options });
    buses.push(b);
    return b;
  };

  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  it('dead-letters a message whose handler always throws after the queue max delivery count, with rising delivery counts', async () => {
    expect(MAX).toBe(10);
    const b = bus({ describeError: (e) => (e as Error).name });
    const counts: number[] = [];
    b.subscribe(QUEUE, async (_body, delivery) => {
      counts.push(delivery.deliveryCount);
      throw new TypeError('SendGrid said no');
    });
    await b.send(QUEUE, { body: { to: 'x' }, messageId: 'm-1' });
    await b.idle();

    expect(counts).toEqual(Array.from({ length: MAX }, (_, i) => i + 1));
    const dead = b.deadLetters(QUEUE);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      messageId: 'm-1',
      body: { to: 'x' },
      deliveryCount: MAX,
      deadLetterReason: 'MaxDeliveryCountExceeded',
      deadLetterErrorDescription: 'TypeError',
    });
    expect(b.pendingCount(QUEUE)).toBe(0);
  });

  it('idle() waits for redeliveries of a failing message rather than resolving between attempts', async () => {
    const b = bus({ redeliveryDelayMs: 20 });
    let calls = 0;
    b.subscribe(QUEUE, async () => {
      calls += 1;
      if (calls < 3) throw new Error('transient');
    });
    await b.send(QUEUE, { body: 1 });
    await b.idle();
    expect(calls).toBe(3);
    expect(b.pendingCount(QUEUE)).toBe(0);
  });

  it('a message that fails twice then succeeds is handled successfully once and not dead-lettered', async () => {
    const b = bus();
    const deliveries: DeliveryInfo[] = [];
    let successes = 0;
    b.subscribe(QUEUE, async (_body, delivery) => {
      deliveries.push(delivery);
      if (delivery.deliveryCount <= 2) throw new Error('transient');
      successes += 1;
    });
    await b.send(QUEUE, { body: { n: 1 }, messageId: 'm-2' });
    await b.idle();

    expect(deliveries.map((d) => d.deliveryCount)).toEqual([1, 2, 3]);
    expect(new Set(deliveries.map((d) => d.messageId))).toEqual(new Set(['m-2']));
    expect(new Set(deliveries.map((d) => d.enqueuedTimeUtc)).size).toBe(1);
    expect(successes).toBe(1);
    expect(b.deadLetters(QUEUE)).toHaveLength(0);
    expect(b.pendingCount(QUEUE)).toBe(0);
  });

  it('drops a repeat of a message id inside the duplicate-detection window and accepts it again after the window', async () => {
    vi.useFakeTimers();
    const t0 = new Date('2026-03-01T10:00:00Z').getTime();
    vi.setSystemTime(t0);
    const b = bus();
    const seen: unknown[] = [];
    b.subscribe(QUEUE, async (body) => {
      seen.push(body);
    });

    await b.send(QUEUE, { body: 'first', messageId: 'dup' });
    await b.idle();
    const windowMs = isoDurationSeconds(queueSpecs[QUEUE].duplicateDetectionWindow) * 1000;
    vi.setSystemTime(t0 + windowMs - 60_000);
    await b.send(QUEUE, { body: 'repeat inside window', messageId: 'dup' });
    await b.send(QUEUE, { body: 'other id', messageId: 'other' });
    await b.idle();
    expect(seen).toEqual(['first', 'other id']);

    vi.setSystemTime(t0 + windowMs + 1000);
    await b.send(QUEUE, { body: 'after window', messageId: 'dup' });
    await b.idle();
    expect(seen).toEqual(['first', 'other id', 'after window']);
  });

  it('does not deliver a scheduled message before its enqueue time, and delivers it after', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-03-01T10:00:00Z'));
    const b = bus();
    const seen: unknown[] = [];
    b.subscribe(QUEUE, async (body) => {
      seen.push(body);
    });
    await b.send(QUEUE, { body: 'later', scheduledEnqueueTime: new Date(Date.now() + 60_000) });
    await b.send(QUEUE, { body: 'now' });
    await b.idle(); // a scheduled message does not hold idle() up
    expect(seen).toEqual(['now']);

    await vi.advanceTimersByTimeAsync(59_000);
    expect(seen).toEqual(['now']);
    expect(b.pendingCount(QUEUE)).toBe(1);

    await vi.advanceTimersByTimeAsync(1_001);
    await b.idle();
    expect(seen).toEqual(['now', 'later']);
    expect(b.pendingCount(QUEUE)).toBe(0);
  });

  it('copies bodies: changing the sent object after send does not change what the handler sees', async () => {
    const b = bus();
    const gate = deferred();
    const seen: unknown[] = [];
    b.subscribe(QUEUE, async (body) => {
      await gate.promise;
      seen.push(body);
    });
    const body = { to: 'a', nested: { tries: [1] } };
    await b.send(QUEUE, { body });
    body.to = 'changed';
    body.nested.tries.push(2);
    gate.resolve();
    await b.idle();
    expect(seen).toEqual([{ to: 'a', nested: { tries: [1] } }]);
  });

  it('a handler mutating its body does not change the body of the redelivery', async () => {
    const b = bus();
    const seen: unknown[] = [];
    b.subscribe(QUEUE, async (body, delivery) => {
      seen.push(structuredClone(body));
      (body as { n: number }).n += 100;
      if (delivery.deliveryCount === 1) throw new Error('again');
    });
    await b.send(QUEUE, { body: { n: 1 } });
    await b.idle();
    expect(seen).toEqual([{ n: 1 }, { n: 1 }]);
  });

  it('idle() resolves only after the handler in flight has finished', async () => {
    const b = bus();
    const gate = deferred();
    let done = false;
    b.subscribe(QUEUE, async () => {
      await gate.promise;
      done = true;
    });
    await b.send(QUEUE, { body: 1 });
    let idle = false;
    const waiting = b.idle().then(() => (idle = true));
    await flush();
    expect(idle).toBe(false);
    gate.resolve();
    await waiting;
    expect(done).toBe(true);
  });

  it('delivers messages sent before any subscriber once one subscribes', async () => {
    const b = bus();
    await b.send(QUEUE, { body: 'a' });
    await b.send(QUEUE, { body: 'b' });
    expect(b.pendingCount(QUEUE)).toBe(2);
    await b.idle(); // nobody listens: nothing is due for delivery
    const seen: unknown[] = [];
    b.subscribe(QUEUE, async (body) => {
      seen.push(body);
    });
    await b.idle();
    expect(seen.sort()).toEqual(['a', 'b']);
    expect(b.pendingCount(QUEUE)).toBe(0);
  });

  it('never runs more handlers at once than the concurrency limit, and still delivers every message', async () => {
    const b = bus({ concurrency: 3 });
    let active = 0;
    let peak = 0;
    const handled: number[] = [];
    b.subscribe(QUEUE, async (body) => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 2));
      handled.push(body as number);
      active -= 1;
    });
    for (let i = 0; i < 12; i++) await b.send(QUEUE, { body: i });
    await b.idle();
    expect(peak).toBe(3);
    expect(handled.sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('refuses to send after close', async () => {
    const b = bus();
    await b.close();
    await expect(b.send(QUEUE, { body: 1 })).rejects.toThrow(/closed/);
    expect(await b.health()).toMatchObject({ ok: false });
  });
});
