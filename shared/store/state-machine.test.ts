import { describe, expect, it } from 'vitest';

import { type OrderDoc, type OrderStatus, orderStatuses } from './model.js';
import { canTransition, IllegalTransitionError, transition, transitions } from './state-machine.js';

const order = (status: OrderStatus, extra: Partial<OrderDoc> = {}) =>
  ({ id: 'ord-TEST', type: 'order', status, transitions: [], ...extra }) as unknown as OrderDoc;
const at = { at: '2026-09-01T00:00:00.000Z', by: 'system', reason: 'test' };

describe('order state machine (DESIGN.md s.3)', () => {
  it('STORE-2: the happy paths: created -> pending-payment -> paid -> licence-active -> expired', () => {
    let o = order('created');
    for (const to of ['pending-payment', 'paid', 'licence-active', 'expired'] as const) o = transition(o, to, at);
    expect(o.status).toBe('expired');
    expect(o.transitions.map((t) => `${t.from}->${t.to}`)).toEqual([
      'created->pending-payment',
      'pending-payment->paid',
      'paid->licence-active',
      'licence-active->expired',
    ]);
  });

  it('STORE-6: licence-active -> cancelled -> refunded, every transition logged with who and why', () => {
    const paid = transition(transition(order('pending-payment'), 'paid', at), 'licence-active', at);
    const cancelled = transition(paid, 'cancelled', { ...at, by: 'acc-staff', reason: 'work-withdrawn' });
    const refunded = transition(cancelled, 'refunded', at);
    expect(refunded.transitions.at(-2)).toEqual({ from: 'licence-active', to: 'cancelled', at: at.at, by: 'acc-staff', reason: 'work-withdrawn' });
    expect(refunded.status).toBe('refunded');
  });

  it('refuses every transition not in the table, and the table lists no others', () => {
    for (const from of orderStatuses)
      for (const to of orderStatuses) {
        const allowed = transitions[from].includes(to);
        const subject = order(from, {
          closure: { kind: 'unpaid', at: at.at },
          transitions: [{ from: null, to: 'paid', at: at.at, by: 'x', reason: 'x' }],
        });
        expect(canTransition(subject, to), `${from} -> ${to}`).toBe(allowed);
        if (!allowed) expect(() => transition(subject, to, at)).toThrow(IllegalTransitionError);
      }
  });

  it('PAY-2: a refunded order is final; paid never goes back to pending or created', () => {
    expect(transitions.refunded).toEqual([]);
    expect(() => transition(order('paid'), 'pending-payment', at)).toThrow(IllegalTransitionError);
    expect(() => transition(order('licence-active'), 'paid', at)).toThrow(IllegalTransitionError);
  });

  it('PAY-2: an order closed for want of payment is reopened by a real payment; one closed for another reason is not', () => {
    expect(canTransition(order('expired', { closure: { kind: 'unpaid', at: at.at } }), 'paid')).toBe(true);
    expect(canTransition(order('cancelled', { closure: { kind: 'unpaid', at: at.at } }), 'paid')).toBe(true);
    expect(canTransition(order('cancelled', { closure: { kind: 'withdrawn', at: at.at } }), 'paid')).toBe(false);
    expect(canTransition(order('expired', { closure: { kind: 'licence-ended', at: at.at } }), 'paid')).toBe(false);
  });

  it('STORE-6: only an order that was paid can be refunded', () => {
    expect(canTransition(order('cancelled'), 'refunded')).toBe(false);
    expect(
      canTransition(order('cancelled', { transitions: [{ from: 'pending-payment', to: 'paid', at: at.at, by: 'x', reason: 'x' }] }), 'refunded'),
    ).toBe(true);
  });
});
