import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { vatRatesSchema } from '../platform/config.js';
import { amountToCents, centsToAmount, formatEuro, priceOrder, vatIncluded } from './money.js';

describe('prices and VAT (STORE-2)', () => {
  it('STORE-2: gross = monthly price x months; VAT is carved out of the VAT-inclusive price at the buyer country rate', () => {
    expect(priceOrder(299, 12, 2400)).toEqual({
      currency: 'EUR',
      unitPriceCents: 299,
      months: 12,
      vatRateBasisPoints: 2400,
      vatRatePercent: 24,
      grossCents: 3588,
      vatCents: 694, // 3588 x 24 / 124 = 694.45
      netCents: 2894,
    });
    expect(priceOrder(349, 12, 2550)).toMatchObject({ grossCents: 4188, vatCents: 851, netCents: 3337, vatRatePercent: 25.5 }); // 851.04
  });

  it('STORE-2: VAT rounds half up to the cent, in integers', () => {
    // 62 x 24 / 124 = 12.0 exactly; 31 x 24 / 124 = 6.0; 124 x 2550 / 12550 = 25.195... -> 25; 250 @ 25% = 50.
    expect(vatIncluded(62, 2400)).toBe(12);
    expect(vatIncluded(124, 2550)).toBe(25);
    expect(vatIncluded(250, 2500)).toBe(50);
    // 5 cents at 24 %: 0.967... -> 1; 2 cents: 0.387 -> 0; 3 cents at 20 %: 0.5 exactly -> 1 (half up).
    expect(vatIncluded(5, 2400)).toBe(1);
    expect(vatIncluded(2, 2400)).toBe(0);
    expect(vatIncluded(3, 2000)).toBe(1);
  });

  it('STORE-2: net + VAT is always exactly the gross, and VAT is the correctly rounded share (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 36 }), fc.integer({ min: 0, max: 5000 }), (unit, months, bp) => {
        const p = priceOrder(unit, months, bp);
        expect(p.netCents + p.vatCents).toBe(p.grossCents);
        const exact = (p.grossCents * bp) / (10_000 + bp);
        expect(Math.abs(p.vatCents - exact)).toBeLessThanOrEqual(0.5 + 1e-9);
      }),
    );
  });

  it('refuses fractional cents and nonsense months', () => {
    expect(() => priceOrder(2.5, 1, 2400)).toThrow(RangeError);
    expect(() => priceOrder(100, 0, 2400)).toThrow(RangeError);
    expect(() => priceOrder(100, 1, 10_001)).toThrow(RangeError);
  });
});

describe('Maksekeskus amounts', () => {
  it('PAY-2: cents <-> the decimal strings Maksekeskus uses ("49.90", "29.0", 49.9)', () => {
    expect(centsToAmount(4990)).toBe('49.90');
    expect(centsToAmount(5)).toBe('0.05');
    expect(centsToAmount(100)).toBe('1.00');
    expect(amountToCents('49.90')).toBe(4990);
    expect(amountToCents('29.0')).toBe(2900);
    expect(amountToCents('29')).toBe(2900);
    expect(amountToCents(49.9)).toBe(4990);
    expect(amountToCents(35.88)).toBe(3588);
  });

  it('PAY-2: anything that is not an exact amount parses to nothing (so it never matches an order)', () => {
    for (const bad of ['49.901', '-1.00', '1e3', ' ', '', '4,90', 'NaN', null, undefined, {}, Number.NaN, Infinity, -5, 0.001])
      expect(amountToCents(bad), String(bad)).toBeUndefined();
  });

  it('round-trips every amount (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (cents) => {
        expect(amountToCents(centsToAmount(cents))).toBe(cents);
      }),
    );
  });

  it('OPS-3: formats euros per language', () => {
    expect(formatEuro(4990, 'et').replace(/\s/g, ' ')).toBe('49,90 €');
    expect(formatEuro(123450, 'fi').replace(/\s/g, ' ')).toBe('1 234,50 €');
    expect(formatEuro(4990, 'en')).toBe('€49.90');
  });
});

describe('VAT_RATES setting', () => {
  it('parses "EE:24,FI:25.5" into basis points, with that as the default', () => {
    expect(vatRatesSchema.parse('EE:24,FI:25.5')).toEqual({ EE: 2400, FI: 2550 });
    expect(vatRatesSchema.parse(undefined)).toEqual({ EE: 2400, FI: 2550 });
    expect(vatRatesSchema.parse(' FI:14 , EE:9 ')).toEqual({ EE: 900, FI: 1400 });
  });

  it('refuses malformed rates and a missing country', () => {
    for (const bad of ['EE:24', 'EE:24,FI:x', 'EE:24,FI:25.555', 'SE:25,EE:24,FI:25.5', 'EE:124,FI:25'])
      expect(vatRatesSchema.safeParse(bad).success, bad).toBe(false);
  });
});
