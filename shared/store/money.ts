/**
 * Money is integer euro cents everywhere; Maksekeskus wants and sends decimal strings ("49.90", also "29.0").
 * VAT rates are basis points (24 % = 2400, 25.5 % = 2550) so no float ever touches an amount.
 */

export type Country = 'EE' | 'FI';

export interface Pricing {
  currency: 'EUR';
  /** Catalogue price of one licence month, VAT included (what the shop shows). */
  unitPriceCents: number;
  months: number;
  /** VAT rate of the buyer's country in basis points (2400 = 24 %). */
  vatRateBasisPoints: number;
  /** The same rate as a percent, for people (24, 25.5). */
  vatRatePercent: number;
  netCents: number;
  vatCents: number;
  grossCents: number;
}

/**
 * The price of an order. Catalogue prices include VAT (consumer prices must be shown with VAT), so the gross is
 * unit price x months and the VAT is carved out of it at the buyer's country's rate, rounded half up to the cent:
 * VAT = gross x rate / (100 % + rate). Net = gross - VAT, so net + VAT is always exactly the gross charged.
 */
export function priceOrder(unitPriceCents: number, months: number, vatRateBasisPoints: number): Pricing {
  if (!Number.isSafeInteger(unitPriceCents) || unitPriceCents < 0) throw new RangeError('unit price must be whole cents');
  if (!Number.isSafeInteger(months) || months < 1) throw new RangeError('months must be a positive whole number');
  if (!Number.isSafeInteger(vatRateBasisPoints) || vatRateBasisPoints < 0 || vatRateBasisPoints > 10_000)
    throw new RangeError('VAT rate out of range');
  const grossCents = unitPriceCents * months;
  const vatCents = vatIncluded(grossCents, vatRateBasisPoints);
  return {
    currency: 'EUR',
    unitPriceCents,
    months,
    vatRateBasisPoints,
    vatRatePercent: vatRateBasisPoints / 100,
    netCents: grossCents - vatCents,
    vatCents,
    grossCents,
  };
}

/** The VAT inside a VAT-inclusive amount, rounded half up to the cent, in integer arithmetic. */
export function vatIncluded(grossCents: number, vatRateBasisPoints: number): number {
  const denominator = 10_000 + vatRateBasisPoints;
  return Math.floor((2 * grossCents * vatRateBasisPoints + denominator) / (2 * denominator));
}

/** 4990 -> "49.90": the amount string Maksekeskus takes. */
export function centsToAmount(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError('amount must be whole, non-negative cents');
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/**
 * "49.90", "49.9", "49", 49.9 -> 4990. Undefined for anything else (more than two decimals, signs, exponents,
 * non-finite numbers): a payment amount that does not parse exactly never matches an order.
 */
export function amountToCents(amount: unknown): number | undefined {
  let text: string;
  if (typeof amount === 'number') {
    if (!Number.isFinite(amount) || amount < 0) return undefined;
    text = amount.toFixed(2);
    if (Math.abs(Number(text) - amount) > 1e-9) return undefined;
  } else if (typeof amount === 'string') text = amount.trim();
  else return undefined;
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

export function vatRateFor(rates: Record<Country, number>, country: Country): number {
  return rates[country];
}

const locales = { et: 'et-EE', fi: 'fi-FI', en: 'en-IE' } as const;

/** "49,90 €" (et, fi) or "€49.90" (en). */
export function formatEuro(cents: number, language: keyof typeof locales): string {
  return new Intl.NumberFormat(locales[language], { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

export function formatPercent(basisPoints: number, language: keyof typeof locales): string {
  return `${new Intl.NumberFormat(locales[language], { maximumFractionDigits: 2 }).format(basisPoints / 100)} %`;
}
