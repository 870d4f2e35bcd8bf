import { createHash, randomBytes } from 'node:crypto';

import { type Page, type Stored, updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import { pageAcrossPartitions, pageOf, type PageRequest } from '../platform/paging.js';
import type { Services } from '../platform/services.js';
import type { OrderDoc, OrderFlag, OrderStatus } from './model.js';
import { transition } from './state-machine.js';

export interface OrderKey {
  accountId: string;
  orderId: string;
}

const BASE32 = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function encode(bytes: Uint8Array, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE32[bytes[i]! % BASE32.length];
  return out;
}

/**
 * Order ids double as the Maksekeskus reference and the buyer's order number: "ord-" and 12 unambiguous letters and
 * digits. A client request id makes checkout idempotent: the same account and request id give the same order id.
 */
export function newOrderId(accountId: string, requestId?: string): string {
  const bytes = requestId ? createHash('sha256').update(`${accountId}\n${requestId}`).digest() : randomBytes(12);
  return `ord-${encode(bytes, 12)}`;
}

export async function readOrder(services: Pick<Services, 'db'>, key: OrderKey): Promise<(OrderDoc & Stored) | undefined> {
  const order = await services.db.collection('orders').read<OrderDoc>(key.orderId, key.accountId);
  return order && order.type === 'order' ? order : undefined;
}

export interface OrderUpdate {
  order: OrderDoc & Stored;
  /** False when the change function found nothing to do (idempotent repeats). */
  changed: boolean;
}

/**
 * Read, decide, ETag-checked replace; on a concurrent change read again and decide again. The change function sees
 * the latest order and returns the new one, or undefined when there is nothing to do, so concurrent duplicates of the
 * same step (50 copies of one payment notification) apply it exactly once.
 */
export async function updateOrder(
  services: Pick<Services, 'db'>,
  key: OrderKey,
  change: (order: OrderDoc & Stored) => OrderDoc | undefined,
  attempts = 30,
  /** The order as the caller just read or wrote it: no read while it is current. */
  current?: OrderDoc & Stored,
): Promise<OrderUpdate> {
  const updated = await updateWithEtag<OrderDoc>(services.db.collection('orders'), key.orderId, key.accountId, change, {
    type: 'order',
    attempts,
    ...(current ? { current } : {}),
  });
  if (!updated) throw new AppError('order_not_found');
  return { order: updated.doc, changed: updated.changed };
}

/** Moves the order to `to` unless it already got there (or past it): the check and the write are one ETag step. */
export async function transitionOrder(
  services: Pick<Services, 'db' | 'clock' | 'telemetry'>,
  key: OrderKey,
  to: OrderStatus,
  entry: { by: string; reason: string },
  options: { from?: readonly OrderStatus[]; changes?: (order: OrderDoc) => Partial<OrderDoc>; current?: OrderDoc } = {},
): Promise<OrderUpdate> {
  const current = options.current && '_etag' in options.current ? (options.current as OrderDoc & Stored) : undefined;
  const result = await updateOrder(
    services,
    key,
    (order) => {
      if (options.from && !options.from.includes(order.status)) return undefined;
      if (order.status === to) return undefined;
      return transition(order, to, { at: services.clock.now().toISOString(), ...entry }, options.changes?.(order) ?? {});
    },
    undefined,
    current,
  );
  if (result.changed) logTransition(services, result.order, entry.reason);
  return result;
}

export function logTransition(services: Pick<Services, 'telemetry'>, order: OrderDoc, reason: string): void {
  const last = order.transitions[order.transitions.length - 1];
  services.telemetry.event('store.order-transition', { orderId: order.id, from: last?.from ?? 'none', to: order.status, reason });
}

/** Adds a flag for an operator once per key. */
export function withFlag(order: OrderDoc, flag: OrderFlag): OrderDoc | undefined {
  if (order.flags.some((f) => f.key === flag.key)) return undefined;
  return { ...order, flags: [...order.flags, flag] };
}

/** An operator closes a flag with what they did about it; closing it again changes nothing. */
export async function resolveFlag(
  services: Pick<Services, 'db' | 'clock' | 'telemetry'>,
  key: OrderKey,
  input: { flagKey: string; by: string; resolution: string },
): Promise<OrderFlag> {
  const result = await updateOrder(services, key, (order) => {
    const flag = order.flags.find((f) => f.key === input.flagKey);
    if (!flag) throw new AppError('order_flag_not_found');
    if (flag.resolvedAt) return undefined;
    const resolved: OrderFlag = { ...flag, resolvedAt: services.clock.now().toISOString(), resolvedBy: input.by, resolution: input.resolution };
    return { ...order, flags: order.flags.map((f) => (f.key === input.flagKey ? resolved : f)) };
  });
  if (result.changed) services.telemetry.event('store.order-flag-resolved', { orderId: key.orderId });
  return result.order.flags.find((f) => f.key === input.flagKey)!;
}

/** The buyer's own orders, newest first: one single-partition query. */
export async function listOrders(services: Pick<Services, 'db'>, accountId: string): Promise<(OrderDoc & Stored)[]> {
  return services.db.collection('orders').queryAll<OrderDoc & Stored>(accountId, {
    where: 'c.type = @type',
    parameters: [{ name: '@type', value: 'order' }],
    orderBy: 'c.createdAt DESC',
  });
}

/** One page of the buyer's own orders, newest first: one single-partition query. */
export async function pageOrders(services: Pick<Services, 'db' | 'config'>, accountId: string, page: PageRequest): Promise<Page<OrderDoc & Stored>> {
  return pageOf<OrderDoc & Stored>(
    services,
    {
      container: 'orders',
      partitionKey: accountId,
      where: 'c.type = @type',
      parameters: [{ name: '@type', value: 'order' }],
      orderBy: 'c.createdAt DESC',
      defaultPageSize: 20,
    },
    page,
  );
}

export type FlaggedOrder = Pick<OrderDoc, 'id' | 'accountId' | 'status' | 'flags' | 'updatedAt'> & {
  grossCents: number;
  transactionId?: string;
  invoiceNumber?: string;
};

/**
 * A page of orders with a flag no operator has resolved yet (an operator view: the cross-partition query is allowed
 * here). Rows whose flags are all resolved are left out, so a page may hold fewer than pageSize.
 */
export async function listFlaggedOrders(services: Pick<Services, 'db' | 'config'>, page: PageRequest = {}): Promise<Page<FlaggedOrder>> {
  const rows = await pageAcrossPartitions<FlaggedOrder>(
    services,
    {
      container: 'orders',
      text: "SELECT c.id, c.accountId, c.status, c.flags, c.updatedAt, c.pricing.grossCents AS grossCents, c.payment.transactionId AS transactionId, c.invoice.number AS invoiceNumber FROM c WHERE c.type = 'order' AND ARRAY_LENGTH(c.flags) > 0",
      defaultPageSize: 200,
    },
    page,
  );
  return { items: rows.items.filter((r) => r.flags.some((f) => !f.resolvedAt)), ...(rows.continuation ? { continuation: rows.continuation } : {}) };
}
