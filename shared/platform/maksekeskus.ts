import { z } from 'zod';

import type { Config } from './config.js';

/**
 * The Maksekeskus (MakeCommerce) API client: HTTP Basic with the shop id and secret key, JSON bodies, amounts as
 * decimal strings. Facts in ../shared/research/maksekeskus.md. PAY-1: it only ever sends what a payment needs
 * (amount, currency, our reference, return/notification URLs, and the customer's e-mail, IP, country and locale).
 */

export interface MaksekeskusSettings {
  shopId: string;
  secretKey: string;
  /** Base ending in /v1, e.g. https://api.maksekeskus.ee/v1 */
  apiUrl: string;
}

/** Bank links and cards are on when both the shop id and the secret key are configured. */
export function maksekeskusSettings(
  config: Pick<Config, 'MAKSEKESKUS_SHOP_ID' | 'MAKSEKESKUS_SECRET_KEY' | 'MAKSEKESKUS_API_URL'>,
): MaksekeskusSettings | undefined {
  if (!config.MAKSEKESKUS_SHOP_ID || !config.MAKSEKESKUS_SECRET_KEY) return undefined;
  return { shopId: config.MAKSEKESKUS_SHOP_ID, secretKey: config.MAKSEKESKUS_SECRET_KEY, apiUrl: config.MAKSEKESKUS_API_URL.replace(/\/+$/, '') };
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * 'rejected': Maksekeskus answered 4xx (the request is wrong, or e.g. code 1045 "refund still processing");
 * 'unavailable': no answer, a timeout or a 5xx: for a POST we cannot know whether it took effect.
 */
export class MaksekeskusError extends Error {
  constructor(
    readonly kind: 'rejected' | 'unavailable',
    readonly status: number | undefined,
    readonly code: number | undefined,
    what: string,
  ) {
    super(`Maksekeskus ${what}: ${kind}${status ? ` (HTTP ${status}${code ? `, code ${code}` : ''})` : ''}`);
    this.name = 'MaksekeskusError';
  }
}

/** Code 1045: a refund of this transaction is still being processed; try again later. */
export const REFUND_STILL_PROCESSING = 1045;

const link = z.looseObject({
  name: z.string(),
  url: z.string().optional(),
  country: z.string().nullish(),
  display_name: z.string().nullish(),
  logo_url: z.string().nullish(),
});

const methodsSchema = z.looseObject({
  banklinks: z.array(link).default([]),
  cards: z.array(link).default([]),
  payLater: z.array(link).default([]),
  other: z.array(link).default([]),
});
export type MaksekeskusMethods = z.infer<typeof methodsSchema>;

const transactionSchema = z.looseObject({
  id: z.string().min(1).max(100),
  status: z.string().min(1).max(40),
  amount: z.union([z.string(), z.number()]).optional(),
  currency: z.string().nullish(),
  reference: z.string().nullish(),
  merchant_data: z.string().nullish(),
  payment_methods: methodsSchema.partial().optional(),
});
export type MaksekeskusTransaction = z.infer<typeof transactionSchema>;

const refundSchema = z.looseObject({ id: z.string().min(1), status: z.string().optional(), amount: z.union([z.string(), z.number()]).optional() });
type MaksekeskusRefund = z.infer<typeof refundSchema>;

export interface CreateTransactionRequest {
  transaction: {
    amount: string;
    currency: 'EUR';
    reference: string;
    merchant_data?: string;
    transaction_url: Record<'return_url' | 'cancel_url' | 'notification_url', { url: string; method: 'POST' | 'GET' }>;
  };
  customer: { ip: string; email?: string; country?: string; locale?: string };
  app_info?: { platform: string; module?: string };
}

export interface MaksekeskusClient {
  createTransaction(request: CreateTransactionRequest): Promise<MaksekeskusTransaction>;
  /** Undefined when Maksekeskus does not know the transaction (404). */
  getTransaction(id: string): Promise<MaksekeskusTransaction | undefined>;
  getMethods(query: { country: string; currency: 'EUR'; amount?: string }): Promise<MaksekeskusMethods>;
  createRefund(transactionId: string, refund: { amount: string; comment: string }): Promise<MaksekeskusRefund>;
}

export function createMaksekeskusClient(settings: MaksekeskusSettings, fetchImpl: FetchLike = fetch, timeoutMs = 15_000): MaksekeskusClient {
  const authorization = `Basic ${Buffer.from(`${settings.shopId}:${settings.secretKey}`).toString('base64')}`;

  async function call<S extends z.ZodType>(
    what: string,
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S> | undefined> {
    let response: Response;
    try {
      response = await fetchImpl(`${settings.apiUrl}${path}`, {
        method,
        headers: { authorization, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch {
      throw new MaksekeskusError('unavailable', undefined, undefined, what);
    }
    const text = await response.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.status === 404 && method === 'GET') return undefined;
    if (response.status >= 500) throw new MaksekeskusError('unavailable', response.status, undefined, what);
    if (response.status >= 400) {
      const code = typeof (parsed as { code?: unknown } | undefined)?.code === 'number' ? (parsed as { code: number }).code : undefined;
      throw new MaksekeskusError('rejected', response.status, code, what);
    }
    const result = schema.safeParse(parsed);
    // A 2xx we cannot read: for a POST it may have taken effect, so it counts as "unknown", never as "failed".
    if (!result.success) throw new MaksekeskusError('unavailable', response.status, undefined, `${what} (unreadable answer)`);
    return result.data;
  }

  const idPath = (id: string) => encodeURIComponent(id);

  return {
    async createTransaction(request) {
      return (await call('create transaction', 'POST', '/transactions', transactionSchema, request))!;
    },
    getTransaction(id) {
      return call('get transaction', 'GET', `/transactions/${idPath(id)}`, transactionSchema);
    },
    async getMethods(query) {
      const search = new URLSearchParams({ country: query.country, currency: query.currency, ...(query.amount ? { amount: query.amount } : {}) });
      return (await call('list methods', 'GET', `/methods?${search}`, methodsSchema)) ?? methodsSchema.parse({});
    },
    async createRefund(transactionId, refund) {
      return (await call('create refund', 'POST', `/transactions/${idPath(transactionId)}/refunds`, refundSchema, refund))!;
    },
  };
}

/** The client for the app's settings, or undefined when bank links and cards are switched off. */
export function maksekeskusClient(config: Config, fetchImpl?: FetchLike): MaksekeskusClient | undefined {
  const settings = maksekeskusSettings(config);
  return settings ? createMaksekeskusClient(settings, fetchImpl) : undefined;
}
