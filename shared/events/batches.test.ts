import { describe, expect, it } from 'vitest';

import type { Bus, OutgoingMessage } from '../platform/bus.js';
import type { QueueName } from '../platform/queues.js';
import { CoalescingSender } from './batches.js';

/** A bus whose batch sends take a while, as Service Bus's do over the network, and can be made to fail. */
class SlowBus implements Bus {
  readonly calls: string[][] = [];
  failNext = false;
  async send<T>(queue: QueueName, message: OutgoingMessage<T>): Promise<void> {
    await this.sendBatch(queue, [message]);
  }
  async sendBatch<T>(_queue: QueueName, messages: readonly OutgoingMessage<T>[]): Promise<void> {
    this.calls.push(messages.map((m) => m.messageId!));
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('ServiceBusError');
    }
  }
  async health() {
    return { ok: true };
  }
  async close() {}
}

const message = (n: number) => ({ body: { n }, messageId: `m${n}` });

describe('group commit of usage batches (LOG-1)', () => {
  it('LOG-1: messages sent while a batch send is on its way go together in the next one, each request waiting for its own', async () => {
    const bus = new SlowBus();
    const sender = new CoalescingSender(bus, 'usage-events');
    await Promise.all(Array.from({ length: 10 }, (_, n) => sender.send(message(n))));
    expect(bus.calls).toEqual([['m0'], ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']]);
  });

  it('LOG-1: a failed batch send fails every request in it (they answer 503 and the front end resends), the next ones go on', async () => {
    const bus = new SlowBus();
    const sender = new CoalescingSender(bus, 'usage-events');
    bus.failNext = true;
    const results = await Promise.allSettled([sender.send(message(1)), sender.send(message(2))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    await expect(sender.send(message(3))).resolves.toBeUndefined();
  });
});
