import { AppError } from '../platform/errors.js';
import { maksekeskusClient, type MaksekeskusMethods } from '../platform/maksekeskus.js';
import type { Services } from '../platform/services.js';
import type { Country } from '../store/index.js';

/** Maksekeskus asks shops to cache the method list and refresh it a few times a day. */
const METHODS_MAX_AGE_MS = 8 * 3600_000;

interface MethodView {
  name: string;
  displayName: string;
  logoUrl?: string;
}

export interface PaymentMethodsView {
  country: Country;
  fetchedAt?: string;
  /** Swedbank, SEB, LHV, Luminor, Coop, Pocopay in Estonia (STORE-3). */
  banklinks: MethodView[];
  /** Visa, Mastercard. */
  cards: MethodView[];
  /** Prepayment invoice: switched on by INVOICE_IBAN. */
  invoice: boolean;
}

interface MethodsDoc {
  id: string;
  type: 'payment-methods';
  transactionId: string;
  country: Country;
  fetchedAt: string;
  methods: MaksekeskusMethods;
}

const cacheKey = (country: Country) => `methods:${country}`;

const view = (list: MaksekeskusMethods['banklinks']): MethodView[] =>
  list.map((m) => ({ name: m.name, displayName: m.display_name ?? m.name, ...(m.logo_url ? { logoUrl: m.logo_url } : {}) }));

/** Fetches the list from Maksekeskus and stores it (the timer does this a few times a day). */
export async function refreshPaymentMethods(services: Services, country: Country): Promise<MethodsDoc | undefined> {
  const client = maksekeskusClient(services.config);
  if (!client) return undefined;
  const methods = await client.getMethods({ country: country.toLowerCase(), currency: 'EUR' });
  const doc: MethodsDoc = {
    id: cacheKey(country),
    type: 'payment-methods',
    transactionId: cacheKey(country),
    country,
    fetchedAt: services.clock.now().toISOString(),
    methods,
  };
  await services.db.collection('payments').upsert({ ...doc });
  return doc;
}

/**
 * The payment methods to show at checkout: one point read of the cached list; fetched from Maksekeskus only when the
 * cache is missing or older than 8 hours. A stale list beats no list when Maksekeskus does not answer.
 */
export async function paymentMethods(services: Services, country: Country): Promise<PaymentMethodsView> {
  const invoice = Boolean(services.config.INVOICE_IBAN);
  if (!maksekeskusClient(services.config)) return { country, banklinks: [], cards: [], invoice };
  let doc = await services.db.collection('payments').read<MethodsDoc & { [k: string]: unknown }>(cacheKey(country), cacheKey(country));
  if (!doc || services.clock.now().getTime() - Date.parse(doc.fetchedAt) > METHODS_MAX_AGE_MS) {
    try {
      doc = ((await refreshPaymentMethods(services, country)) as typeof doc) ?? doc;
    } catch (error) {
      services.telemetry.event('payment.methods-refresh-failed', { country, errorType: error instanceof Error ? error.name : 'error' });
      if (!doc) throw new AppError('payment_provider_unavailable');
    }
  }
  if (!doc) return { country, banklinks: [], cards: [], invoice };
  return { country, fetchedAt: doc.fetchedAt, banklinks: view(doc.methods.banklinks), cards: view(doc.methods.cards), invoice };
}
