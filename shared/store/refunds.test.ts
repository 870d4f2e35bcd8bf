import { describe, expect, it } from 'vitest';

import { licencePeriod } from './dates.js';
import { formatInvoiceNumber, isValidReferenceNumber, parseInvoiceNumber, referenceNumber } from './invoices.js';
import { accessFrom } from './licences.js';
import type { OrderDoc } from './model.js';
import { priceOrder } from './money.js';
import { refundCents } from './refunds.js';

const order = (works: number, gross = 36_500, refunds: number[] = []) =>
  ({
    pricing: { ...priceOrder(gross, 1, 2400) },
    lines: Array.from({ length: works }, (_, i) => ({ workId: `w${i}`, title: `W${i}` })),
    licence: { ...licencePeriod('2026-09-01', 12), months: 12 }, // 365 days
    refunds: refunds.map((amountCents, i) => ({ id: `r${i}`, amountCents })),
  }) as unknown as OrderDoc;

describe('refund rule (STORE-6, OPS-2)', () => {
  it('OPS-2: pro-rata: the unused whole days of the ended works share, from the day after the licence ends', () => {
    // 36 500 cents over 365 days = 100 cents a day. Ended during 1 Sep: 364 days unused.
    expect(refundCents(order(1), 1, new Date('2026-09-01T10:00:00Z'), 'pro-rata')).toBe(36_400);
    // One work of two: half of that.
    expect(refundCents(order(2), 1, new Date('2026-09-01T10:00:00Z'), 'pro-rata')).toBe(18_200);
    // Ended during 2 March 2027: 3 March .. 31 August = 182 days unused.
    expect(refundCents(order(1), 1, new Date('2027-03-02T10:00:00Z'), 'pro-rata')).toBe(18_200);
  });

  it('OPS-2: a licence that has not started yet is refunded in full; an ended one not at all', () => {
    expect(refundCents(order(1), 1, new Date('2026-08-20T10:00:00Z'), 'pro-rata')).toBe(36_500);
    expect(refundCents(order(1), 1, new Date('2027-09-05T10:00:00Z'), 'pro-rata')).toBe(0);
  });

  it('STORE-6: cannot fulfil -> the full share; terms breach -> nothing', () => {
    expect(refundCents(order(2), 1, new Date('2026-12-01T10:00:00Z'), 'full')).toBe(18_250);
    expect(refundCents(order(2), 2, new Date('2026-12-01T10:00:00Z'), 'full')).toBe(36_500);
    expect(refundCents(order(2), 2, new Date('2026-12-01T10:00:00Z'), 'none')).toBe(0);
  });

  it('STORE-6: refunds together never exceed what was paid', () => {
    expect(refundCents(order(2, 36_500, [30_000]), 1, new Date('2026-08-20T10:00:00Z'), 'full')).toBe(6_500);
    expect(refundCents(order(1, 36_500, [36_500]), 1, new Date('2026-08-20T10:00:00Z'), 'full')).toBe(0);
  });
});

describe('invoice numbers and reference numbers (STORE-3)', () => {
  it('STORE-3: numbers are <year>-<5 digits>, parsed back; nonsense is refused', () => {
    expect(formatInvoiceNumber(2026, 17)).toBe('2026-00017');
    expect(parseInvoiceNumber('2026-00017')).toEqual({ year: 2026, sequence: 17 });
    expect(parseInvoiceNumber('2026-00000')).toBeUndefined();
    expect(parseInvoiceNumber('26-17')).toBeUndefined();
  });

  it('STORE-3: the reference number has the 7-3-1 check digit (Estonian viitenumber, Finnish viitenumero)', () => {
    // Known examples: 1234561 (base 123456), 12344 (base 1234); Finnish example 1232 (base 123).
    expect(referenceNumber('123456')).toBe('1234561');
    expect(referenceNumber('1234')).toBe('12344');
    expect(referenceNumber('123')).toBe('1232');
    expect(isValidReferenceNumber(referenceNumber('202600017'))).toBe(true);
    expect(isValidReferenceNumber('2026000171')).toBe(referenceNumber('202600017') === '2026000171');
    expect(isValidReferenceNumber('1234560')).toBe(false);
  });
});

describe('entitlement decision (STORE-4)', () => {
  const p = (from: string, until: string, extra: object = {}) => ({ orderId: 'o', from, until, ...extra });
  it('STORE-4: allowed inside a period, not before or after; ended periods stop at their end', () => {
    const periods = [p('2026-09-01T00:00:00Z', '2027-09-01T00:00:00Z')];
    expect(accessFrom(periods, new Date('2026-08-31T23:59:59Z'))).toEqual({ allowed: false });
    expect(accessFrom(periods, new Date('2026-10-01T00:00:00Z'))).toEqual({ allowed: true, until: '2027-09-01T00:00:00Z' });
    expect(accessFrom(periods, new Date('2027-09-01T00:00:00Z'))).toEqual({ allowed: false });
    const ended = [p('2026-09-01T00:00:00Z', '2027-09-01T00:00:00Z', { endedAt: '2026-12-01T00:00:00Z' })];
    expect(accessFrom(ended, new Date('2026-11-30T00:00:00Z'))).toEqual({ allowed: true, until: '2026-12-01T00:00:00Z' });
    expect(accessFrom(ended, new Date('2026-12-02T00:00:00Z'))).toEqual({ allowed: false });
  });

  it('STORE-4: a following order continues the access; "until" follows the chain', () => {
    const periods = [p('2026-09-01T00:00:00.000Z', '2027-09-01T00:00:00.000Z'), p('2027-09-01T00:00:00.000Z', '2028-09-01T00:00:00.000Z')];
    expect(accessFrom(periods, new Date('2026-10-01T00:00:00.000Z'))).toEqual({ allowed: true, until: '2028-09-01T00:00:00.000Z' });
  });
});
