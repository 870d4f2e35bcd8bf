import type { Timer } from '@azure/functions';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { InvocationContext } from './azure-functions.js';
import { AdjustableClock } from './clock.js';
import type { Database } from './cosmos.js';
import { defineQueue, defineTimer } from './definitions.js';
import { AppError } from './errors.js';
import { type Services, useServices } from './services.js';
import { MemoryTelemetry } from './telemetry.js';

let telemetry: MemoryTelemetry;

beforeEach(() => {
  telemetry = new MemoryTelemetry();
  const jobs = { upsert: async (doc: unknown) => doc };
  useServices({ clock: new AdjustableClock(), telemetry, db: { collection: () => jobs } as unknown as Database } as unknown as Services);
});

const context = () => new InvocationContext({ invocationId: 'inv-1', functionName: 't', triggerMetadata: { messageId: 'm-1', deliveryCount: 2 } });

describe('issue 16: queue and timer handlers get AppError without any HTTP', () => {
  it('a queue handler that throws an AppError rethrows it (Service Bus redelivers, then dead-letters) and records its code', async () => {
    const queue = defineQueue({
      name: 'testing-queue',
      queue: 'store-licence-endings',
      input: z.object({ orderId: z.string() }),
      handler: async () => {
        throw new AppError('order_not_found');
      },
    });
    await expect(queue.handler({ orderId: 'ord-1' }, context())).rejects.toMatchObject({ code: 'order_not_found' });
    expect(telemetry.records).toContainEqual(
      expect.objectContaining({
        kind: 'exception',
        properties: expect.objectContaining({ function: 'testing-queue', messageId: 'm-1', errorCode: 'order_not_found' }),
      }),
    );
    expect(JSON.stringify(telemetry.records)).not.toMatch(/status|404/);
  });

  it('a timer whose run throws an AppError is recorded as failed with the code, and rethrows it', async () => {
    const timer = defineTimer({
      name: 'testing-timer',
      schedule: '0 0 * * * *',
      handler: async () => {
        throw new AppError('store_unavailable', { params: { retryAfter: 5 }, retryAfterSeconds: 5 });
      },
    });
    await expect(timer.handler({ isPastDue: false } as Timer, context())).rejects.toBeInstanceOf(AppError);
    expect(telemetry.records).toContainEqual(
      expect.objectContaining({
        kind: 'exception',
        properties: expect.objectContaining({ function: 'testing-timer', errorCode: 'store_unavailable' }),
      }),
    );
    expect(telemetry.records).toContainEqual(
      expect.objectContaining({ name: 'timer.completed', properties: { function: 'testing-timer', outcome: 'failed' } }),
    );
  });
});
