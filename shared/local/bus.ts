import { randomUUID } from 'node:crypto';

import type { Bus, ComponentHealth, DeliveryInfo, OutgoingMessage } from '../platform/bus.js';
import { isoDurationSeconds, type QueueName, queueSpecs } from '../platform/queues.js';

/** The Standard tier's largest message (and batch), 256 KB. */
const LOCAL_BATCH_BYTES = 256 * 1024;

export type QueueHandler = (body: unknown, delivery: DeliveryInfo) => Promise<void>;

interface StoredMessage {
  messageId: string;
  body: unknown;
  enqueuedAt: number;
  visibleAt: number;
  deliveryCount: number;
}

export interface DeadLetter {
  messageId: string;
  body: unknown;
  deliveryCount: number;
  deadLetterReason: 'MaxDeliveryCountExceeded';
  deadLetterErrorDescription: string;
  enqueuedTimeUtc: string;
}

interface QueueState {
  pending: StoredMessage[];
  inFlight: number;
  deadLetters: DeadLetter[];
  /** messageId -> enqueue time, for duplicate detection inside the queue's window. */
  seen: Map<string, number>;
  handler?: QueueHandler;
  timer?: NodeJS.Timeout;
}

export interface LocalBusOptions {
  /** Concurrent deliveries per queue (the Functions host's maxConcurrentCalls defaults to 16). */
  concurrency?: number;
  /** Delay before redelivering a failed message, multiplied by its delivery count. */
  redeliveryDelayMs?: number;
  /** Error descriptions of dead letters, without personal data. */
  describeError?: (error: unknown) => string;
}

/**
 * The in-process stand-in for Service Bus, with the semantics the code relies on: at-least-once delivery with a
 * delivery count, dead-lettering after the queue's max delivery count, scheduled enqueue, and duplicate detection
 * by message id within the queue's window. Bodies are copied through JSON, as they would be on the wire.
 */
export class LocalBus implements Bus {
  private readonly queues = new Map<QueueName, QueueState>();
  private closed = false;
  /** Batch sends so far (the benchmark reports Service Bus operations per event). */
  batchSends = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly redeliveryDelayMs: number;
  private readonly describeError: (error: unknown) => string;

  constructor(options: LocalBusOptions = {}) {
    this.concurrency = options.concurrency ?? 16;
    this.redeliveryDelayMs = options.redeliveryDelayMs ?? 100;
    this.describeError = options.describeError ?? ((e) => (e instanceof Error ? e.name : 'error'));
    for (const name of Object.keys(queueSpecs) as QueueName[]) this.queues.set(name, { pending: [], inFlight: 0, deadLetters: [], seen: new Map() });
  }

  subscribe(queue: QueueName, handler: QueueHandler): void {
    this.state(queue).handler = handler;
    this.pump(queue);
  }

  async send<T>(queue: QueueName, message: OutgoingMessage<T>): Promise<void> {
    if (this.closed) throw new Error('The local bus is closed');
    const state = this.state(queue);
    const now = Date.now();
    const windowMs = isoDurationSeconds(queueSpecs[queue].duplicateDetectionWindow) * 1000;
    for (const [id, at] of state.seen) if (now - at > windowMs) state.seen.delete(id);
    const messageId = message.messageId ?? randomUUID();
    if (state.seen.has(messageId)) return; // accepted and dropped, as Service Bus does
    state.seen.set(messageId, now);
    state.pending.push({
      messageId,
      body: JSON.parse(JSON.stringify(message.body ?? null)),
      enqueuedAt: now,
      visibleAt: Math.max(now, message.scheduledEnqueueTime?.getTime() ?? now),
      deliveryCount: 0,
    });
    this.pump(queue);
  }

  /**
   * Service Bus's batch send, as the Azure adapter does it: a message larger than a batch may be (256 KB on the Standard
   * tier, measured here as JSON text) refuses the whole call before anything is sent; each message then arrives as if
   * sent alone (its own id for duplicate detection).
   */
  async sendBatch<T>(queue: QueueName, messages: readonly OutgoingMessage<T>[]): Promise<void> {
    if (messages.some((m) => Buffer.byteLength(JSON.stringify(m.body ?? null)) > LOCAL_BATCH_BYTES))
      throw new Error(`A message to ${queue} is larger than a batch may be`);
    this.batchSends += 1;
    for (const message of messages) await this.send(queue, message);
  }

  async health(): Promise<ComponentHealth> {
    return { ok: !this.closed, detail: 'in-process' };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const state of this.queues.values()) clearTimeout(state.timer);
    this.notifyIdle();
  }

  deadLetters(queue: QueueName): readonly DeadLetter[] {
    return this.state(queue).deadLetters;
  }

  /**
   * The operator's replay of dead letters, as Service Bus Explorer's re-send does: each goes back to the queue as a new
   * message (a new message id, so duplicate detection does not drop it) and leaves the dead-letter queue.
   */
  async replayDeadLetters(queue: QueueName): Promise<number> {
    const state = this.state(queue);
    const letters = state.deadLetters.splice(0);
    for (const letter of letters) await this.send(queue, { body: letter.body, messageId: `${letter.messageId}:replay:${randomUUID()}` });
    return letters.length;
  }

  pendingCount(queue: QueueName): number {
    return this.state(queue).pending.length;
  }

  /**
   * Resolves once no message is due, being handled or waiting to be redelivered (scheduled future messages that were
   * never delivered do not count).
   */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    const now = Date.now();
    for (const state of this.queues.values()) {
      if (state.inFlight > 0) return false;
      // deliveryCount > 0 while still pending: a failed delivery waiting for its redelivery (or dead-lettering).
      if (state.handler && state.pending.some((m) => m.visibleAt <= now || m.deliveryCount > 0)) return false;
    }
    return true;
  }

  private notifyIdle(): void {
    if (!this.closed && !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private state(queue: QueueName): QueueState {
    const state = this.queues.get(queue);
    if (!state) throw new Error(`Unknown queue ${queue}`);
    return state;
  }

  private pump(queue: QueueName): void {
    const state = this.state(queue);
    if (this.closed || !state.handler) return;
    const now = Date.now();
    clearTimeout(state.timer);
    state.timer = undefined;
    for (const message of [...state.pending]) {
      if (state.inFlight >= this.concurrency) break;
      if (message.visibleAt > now) continue;
      // Locked for this delivery: invisible until it completes or is abandoned.
      message.visibleAt = Number.POSITIVE_INFINITY;
      void this.deliver(queue, state, message);
    }
    const next = Math.min(...state.pending.map((m) => m.visibleAt));
    if (Number.isFinite(next)) {
      state.timer = setTimeout(() => this.pump(queue), Math.max(0, next - Date.now()));
      state.timer.unref();
    }
    this.notifyIdle();
  }

  private async deliver(queue: QueueName, state: QueueState, message: StoredMessage): Promise<void> {
    state.inFlight += 1;
    message.deliveryCount += 1;
    const handler = state.handler!;
    try {
      await handler(JSON.parse(JSON.stringify(message.body)), {
        messageId: message.messageId,
        deliveryCount: message.deliveryCount,
        enqueuedTimeUtc: new Date(message.enqueuedAt).toISOString(),
      });
      state.pending.splice(state.pending.indexOf(message), 1);
    } catch (error) {
      if (message.deliveryCount >= queueSpecs[queue].maxDeliveryCount) {
        state.pending.splice(state.pending.indexOf(message), 1);
        state.deadLetters.push({
          messageId: message.messageId,
          body: message.body,
          deliveryCount: message.deliveryCount,
          deadLetterReason: 'MaxDeliveryCountExceeded',
          deadLetterErrorDescription: this.describeError(error),
          enqueuedTimeUtc: new Date(message.enqueuedAt).toISOString(),
        });
      } else {
        message.visibleAt = Date.now() + this.redeliveryDelayMs * message.deliveryCount;
      }
    } finally {
      state.inFlight -= 1;
      this.pump(queue);
    }
  }
}
