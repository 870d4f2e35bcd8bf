import type { Bus, OutgoingMessage } from '../shared/platform/bus.js';
import type { QueueName } from '../shared/platform/queues.js';

/** A bus for unit tests: keeps what was sent, in order, for the test to read or run by hand. */
export class ListBus implements Bus {
  readonly sent: { queue: QueueName; message: OutgoingMessage<unknown> }[] = [];
  async send<T>(queue: QueueName, message: OutgoingMessage<T>): Promise<void> {
    this.sent.push({ queue, message });
  }
  async sendBatch<T>(queue: QueueName, messages: readonly OutgoingMessage<T>[]): Promise<void> {
    for (const message of messages) await this.send(queue, message);
  }
  async health() {
    return { ok: true };
  }
  async close() {}
}
