import type { TokenCredential } from '@azure/identity';
import type { ServiceBusClient, ServiceBusMessage, ServiceBusSender } from '@azure/service-bus';

import { StoreUnavailableError } from './cosmos.js';
import type { QueueName } from './queues.js';

/**
 * A send gets this long, its retries included: the SDK's own attempt timeout cannot go below 60 s and its default
 * delay between retries is 30 s, far longer than a caller of an HTTP function waits (issue 9). A send that timed out
 * may still have arrived; the deterministic message ids make a repeat of the request harmless.
 */
const SEND_BUDGET_MS = 8_000;

export interface OutgoingMessage<T> {
  body: T;
  /** Service Bus drops a repeat of the same id inside the queue's duplicate-detection window. */
  messageId?: string;
  scheduledEnqueueTime?: Date;
}

export interface ComponentHealth {
  ok: boolean;
  detail?: string;
  latencyMs?: number;
}

export interface Bus {
  send<T>(queue: QueueName, message: OutgoingMessage<T>): Promise<void>;
  /**
   * Several messages to one queue in as few operations as fit (Service Bus bills and throttles per operation, and a
   * batch is one). Each message keeps its own id for duplicate detection; a message too large to send alone throws.
   */
  sendBatch<T>(queue: QueueName, messages: readonly OutgoingMessage<T>[]): Promise<void>;
  health(): Promise<ComponentHealth>;
  close(): Promise<void>;
}

/** What a queue handler learns about the delivery (from the trigger metadata in Azure). */
export interface DeliveryInfo {
  messageId: string;
  deliveryCount: number;
  enqueuedTimeUtc: string;
}

function wireMessage<T>(message: OutgoingMessage<T>): ServiceBusMessage {
  return {
    body: message.body,
    contentType: 'application/json',
    ...(message.messageId ? { messageId: message.messageId } : {}),
    ...(message.scheduledEnqueueTime ? { scheduledEnqueueTimeUtc: message.scheduledEnqueueTime } : {}),
  };
}

/** Busy, unreachable or out of time: the caller answers 503 with Retry-After (a queue message is redelivered). */
async function withSendBudget(send: (abortSignal: AbortSignal) => Promise<void>): Promise<void> {
  try {
    await send(AbortSignal.timeout(SEND_BUDGET_MS));
  } catch (error) {
    const { name, retryable } = (error ?? {}) as { name?: unknown; retryable?: unknown };
    if (retryable === true || name === 'AbortError' || name === 'TimeoutError') throw new StoreUnavailableError(5);
    throw error;
  }
}

/** Azure Service Bus with the app's managed identity (no connection strings). */
export async function createServiceBus(fullyQualifiedNamespace: string, credential: TokenCredential): Promise<Bus> {
  const { ServiceBusClient: Client } = await import('@azure/service-bus');
  // Exponential (0) backoff from 200 ms instead of a fixed 30 s between retries.
  const client: ServiceBusClient = new Client(fullyQualifiedNamespace, credential, {
    retryOptions: { maxRetries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2_000, mode: 0 },
  });
  const senders = new Map<string, ServiceBusSender>();
  const senderFor = (queue: string) => {
    let sender = senders.get(queue);
    if (!sender) {
      sender = client.createSender(queue);
      senders.set(queue, sender);
    }
    return sender;
  };
  return {
    async send(queue, message) {
      await withSendBudget((abortSignal) => senderFor(queue).sendMessages(wireMessage(message), { abortSignal }));
    },
    async sendBatch(queue, messages) {
      await withSendBudget(async (abortSignal) => {
        const sender = senderFor(queue);
        let batch = await sender.createMessageBatch({ abortSignal });
        for (const message of messages) {
          if (batch.tryAddMessage(wireMessage(message))) continue;
          // The batch is full (the namespace's message size limit): send it and start the next with this message.
          if (batch.count === 0) throw new Error(`A message to ${queue} is larger than a batch may be`);
          await sender.sendMessages(batch, { abortSignal });
          batch = await sender.createMessageBatch({ abortSignal });
          if (!batch.tryAddMessage(wireMessage(message))) throw new Error(`A message to ${queue} is larger than a batch may be`);
        }
        if (batch.count > 0) await sender.sendMessages(batch, { abortSignal });
      });
    },
    async health() {
      const started = Date.now();
      // Peeking needs only the receive right the app already has, and changes nothing.
      const receiver = client.createReceiver('email-outbound' satisfies QueueName, { receiveMode: 'peekLock' });
      try {
        await receiver.peekMessages(1);
        return { ok: true, latencyMs: Date.now() - started };
      } catch (error) {
        return { ok: false, detail: error instanceof Error ? error.name : 'error', latencyMs: Date.now() - started };
      } finally {
        await receiver.close();
      }
    },
    async close() {
      await Promise.all([...senders.values()].map((s) => s.close()));
      await client.close();
    },
  };
}
