import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIPv4 } from 'node:net';

import { computeMac } from '../../payments/mac.js';
import { listen } from '../identity/http.js';

/**
 * A local stand-in for Maksekeskus (MakeCommerce), speaking the parts of its API the app uses, so the app's real
 * client, MAC checks and message handling run end to end without the internet (README.md in this folder):
 *
 *   POST /v1/transactions                 create (HTTP Basic shop id : secret key; body checked like the real schema)
 *   GET  /v1/transactions/{id}            status, amount, currency, reference (what the app confirms before granting)
 *   GET  /v1/methods?country&currency     bank links (Swedbank, SEB, LHV, Luminor, Coop, Pocopay) and cards
 *   POST /v1/transactions/{id}/refunds    refund {amount, comment}; GET /v1/refunds/{id}
 *   GET  /pay/{id}                        the payment page: pick a bank or card, or cancel
 *   GET  /pay/{id}?outcome=paid|cancelled|expired[&duplicates=n][&outOfOrder=1][&lateCancel=1][&payerAccount=EE..]
 *        sets the outcome, POSTs MAC-signed payment_return messages to the transaction's notification_url (json +
 *        mac as form fields), then sends the browser back to return_url with an auto-submitting form, as a bank's
 *        "Tagasi kaupmehe juurde" button does.
 */

type StandInStatus = 'CREATED' | 'PENDING' | 'CANCELLED' | 'EXPIRED' | 'APPROVED' | 'COMPLETED' | 'PART_REFUNDED' | 'REFUNDED';

interface UrlSpec {
  url: string;
  method: 'POST' | 'GET';
}

interface StandInTransaction {
  id: string;
  createdAt: string;
  status: StandInStatus;
  /** As the shop sent it ("49.90"). */
  amount: string;
  currency: string;
  reference?: string;
  merchantData?: string;
  urls: Partial<Record<'return_url' | 'cancel_url' | 'notification_url', UrlSpec>>;
  /** Exactly what the shop sent as `customer` (PAY-1: tests assert nothing more than payment needs). */
  customer: Record<string, unknown>;
  method?: string;
  payerName?: string;
  /** Reported in messages as `customer_account` when set (PAY-3). */
  payerAccount?: string;
  refundedCents: number;
  /** Overrides of what GET /v1/transactions/{id} reports (abuse tests: amount or currency mismatch). */
  apiOverride?: Partial<{ amount: string | number; currency: string; reference: string; status: StandInStatus }>;
}

interface StandInRefund {
  id: string;
  transactionId: string;
  amount: string;
  comment: string;
  createdAt: string;
  status: 'SENT';
}

export interface SignedMessage {
  json: string;
  mac: string;
}

interface Delivery {
  transactionId: string;
  status: string;
  httpStatus: number | 'error';
}

interface PayOptions {
  outcome: 'paid' | 'cancelled' | 'expired';
  method?: string;
  /** Send the final notification this many times, all at once (default 1). */
  duplicates?: number;
  /** After COMPLETED, send an older PENDING message (messages overtaking each other). */
  outOfOrder?: boolean;
  /** After COMPLETED, send a signed CANCELLED message although the transaction stays COMPLETED. */
  lateCancel?: boolean;
  payerAccount?: string;
  payerName?: string;
  /** Default true; false leaves notifying to the test (the browser return alone). */
  notify?: boolean;
}

interface PayResult {
  /** Where and how the browser goes back to the shop, with the signed message. */
  return: { url: string; method: 'POST' | 'GET'; message: SignedMessage };
  deliveries: Delivery[];
}

export interface MaksekeskusStandIn {
  origin: string;
  /** The MAKSEKESKUS_API_URL to configure: `${origin}/v1`. */
  apiUrl: string;
  shopId: string;
  secretKey: string;
  transactions: Map<string, StandInTransaction>;
  refunds: StandInRefund[];
  deliveries: Delivery[];
  /** Every API request received (method, path, body): what the shop sent Maksekeskus. */
  requests: { method: string; path: string; body?: unknown }[];
  payUrl(transactionId: string): string;
  /** What the pay page does for an outcome, callable directly from tests. */
  pay(transactionId: string, options: PayOptions): Promise<PayResult>;
  /** A payment_return message about the transaction as it stands (or with another status), signed. */
  message(transactionId: string, overrides?: Record<string, unknown>): SignedMessage;
  /** Signs an arbitrary json string the way Maksekeskus does. */
  sign(json: string): SignedMessage;
  /** POSTs a message to the transaction's notification URL as a form; answers the HTTP status. */
  notify(transactionId: string, message: SignedMessage): Promise<number | 'error'>;
  /** Makes GET /v1/transactions/{id} report something else (abuse tests). */
  overrideApi(transactionId: string, override: StandInTransaction['apiOverride']): void;
  /** The next refund request is answered with this Maksekeskus error code (1045: still processing). */
  failNextRefund(code: number, httpStatus?: number): void;
  /** The next `count` API requests whose path matches are answered 503, as an outage would (fault tests). */
  failApi(count: number, match?: RegExp): void;
  close(): Promise<void>;
}

const BANKS: Record<string, { name: string; display: string }[]> = {
  ee: [
    { name: 'swedbank', display: 'Swedbank' },
    { name: 'seb', display: 'SEB' },
    { name: 'lhv', display: 'LHV' },
    { name: 'luminor', display: 'Luminor' },
    { name: 'coop', display: 'Coop Pank' },
    { name: 'pocopay', display: 'Pocopay' },
  ],
  fi: [
    { name: 'nordea', display: 'Nordea' },
    { name: 'op', display: 'OP' },
    { name: 'danskebank', display: 'Danske Bank' },
    { name: 'spankki', display: 'S-Pankki' },
    { name: 'aktia', display: 'Aktia' },
  ],
};
const CARDS = [
  { name: 'visa', display: 'Visa' },
  { name: 'mastercard', display: 'Mastercard' },
];

const AMOUNT = /^[0-9]+([.][0-9]+)?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CUSTOMER_FIELDS = new Set(['ip', 'country', 'email', 'locale']);

/** "2024-08-14T10:27:30+0000", the format of Maksekeskus' message_time. */
const messageTime = (date = new Date()) => `${date.toISOString().slice(0, 19)}+0000`;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** POST /v1/transactions' body, checked like the real schema (and PAY-1's data minimisation). */
function validateCreate(body: unknown): string[] {
  const errors: string[] = [];
  if (typeof body !== 'object' || body === null) return ['body must be an object'];
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (!['transaction', 'customer', 'app_info'].includes(key)) errors.push(`unexpected property ${key}`);
  const t = b.transaction as Record<string, unknown> | undefined;
  if (typeof t !== 'object' || t === null) errors.push('transaction is required');
  else {
    if (typeof t.amount !== 'string' || !AMOUNT.test(t.amount)) errors.push('transaction.amount must be a decimal string');
    if (typeof t.currency !== 'string' || t.currency.length !== 3) errors.push('transaction.currency must be 3 letters');
    if (t.reference !== undefined && typeof t.reference !== 'string') errors.push('transaction.reference must be a string');
    if (t.merchant_data !== undefined && typeof t.merchant_data !== 'string') errors.push('transaction.merchant_data must be a string');
    const urls = t.transaction_url as Record<string, unknown> | undefined;
    if (urls !== undefined) {
      for (const [name, spec] of Object.entries(urls)) {
        const s = spec as Record<string, unknown> | undefined;
        if (!['return_url', 'cancel_url', 'notification_url'].includes(name)) errors.push(`transaction_url.${name} is unknown`);
        else if (!s || typeof s.url !== 'string' || !/^https?:\/\//.test(s.url) || (s.method !== 'POST' && s.method !== 'GET'))
          errors.push(`transaction_url.${name} needs url and method POST or GET`);
      }
    }
  }
  const c = b.customer as Record<string, unknown> | undefined;
  if (typeof c !== 'object' || c === null) errors.push('customer is required');
  else {
    if (typeof c.ip !== 'string' || !isIPv4(c.ip)) errors.push('customer.ip must be an IPv4 address');
    if (c.email !== undefined && (typeof c.email !== 'string' || !EMAIL.test(c.email))) errors.push('customer.email must be an e-mail address');
    if (c.country !== undefined && (typeof c.country !== 'string' || !/^[A-Za-z]{2}$/.test(c.country)))
      errors.push('customer.country must be 2 letters');
    if (c.locale !== undefined && (typeof c.locale !== 'string' || !/^[A-Za-z]{2}$/.test(c.locale))) errors.push('customer.locale must be 2 letters');
    // Stricter than Maksekeskus on purpose: PAY-1 says the shop sends only what payment needs.
    for (const key of Object.keys(c)) if (!CUSTOMER_FIELDS.has(key)) errors.push(`customer.${key} is more personal data than payment needs (PAY-1)`);
  }
  return errors;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': payload.byteLength });
  res.end(payload);
}

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(body);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength;
    if (size > 1_000_000) throw new Error('too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

/** The bank's "back to the shop" page: an auto-submitting form carrying the signed message. */
function returnForm(result: PayResult): string {
  const { url, method, message: m } = result.return;
  return `<!doctype html><html lang="et"><head><meta charset="utf-8"><title>Maksekeskus (local)</title></head>
<body onload="document.forms[0].submit()">
<form method="${method}" action="${escapeHtml(url)}">
<input type="hidden" name="json" value="${escapeHtml(m.json)}">
<input type="hidden" name="mac" value="${escapeHtml(m.mac)}">
<p>Makse on tehtud. / The payment is done.</p>
<button type="submit">Tagasi kaupmehe juurde</button>
</form></body></html>`;
}

/** The pay page's options from its query string (`outcome` already checked). */
function payOptionsFrom(url: URL, outcome: PayOptions['outcome']): PayOptions {
  const number = (name: string) => Number(url.searchParams.get(name) ?? '0');
  const flag = (name: string) => ['1', 'true'].includes(url.searchParams.get(name) ?? '');
  return {
    outcome,
    ...(url.searchParams.get('method') ? { method: url.searchParams.get('method')! } : {}),
    ...(number('duplicates') > 0 ? { duplicates: number('duplicates') } : {}),
    outOfOrder: flag('outOfOrder'),
    lateCancel: flag('lateCancel'),
    ...(url.searchParams.get('payerAccount') ? { payerAccount: url.searchParams.get('payerAccount')! } : {}),
    ...(url.searchParams.get('payerName') ? { payerName: url.searchParams.get('payerName')! } : {}),
    notify: url.searchParams.get('notify') !== 'false',
  };
}

interface ApiRequest {
  url: URL;
  body: unknown;
  /** The path's one parameter (a transaction or refund id), decoded. */
  id: string;
}

interface ApiEndpoint {
  method: string;
  /** Matched against the path after /v1; its one group, if any, is the id. */
  path: RegExp;
  handle(this: void, stand: LocalMaksekeskus, res: ServerResponse, request: ApiRequest): void;
}

const API: readonly ApiEndpoint[] = [
  { method: 'POST', path: /^\/transactions$/, handle: (stand, res, request) => stand.createTransaction(res, request) },
  { method: 'GET', path: /^\/methods$/, handle: (stand, res, request) => stand.listMethods(res, request) },
  { method: 'POST', path: /^\/transactions\/([^/]+)\/refunds$/, handle: (stand, res, request) => stand.createRefund(res, request) },
  { method: 'GET', path: /^\/transactions\/([^/]+)$/, handle: (stand, res, request) => stand.getTransaction(res, request) },
  { method: 'GET', path: /^\/refunds\/([^/]+)$/, handle: (stand, res, request) => stand.getRefund(res, request) },
];

/** The stand-in's state, and one method for each thing Maksekeskus does: its API endpoints, the pay page, notifying the shop. */
class LocalMaksekeskus {
  readonly transactions = new Map<string, StandInTransaction>();
  readonly refunds: StandInRefund[] = [];
  readonly deliveries: Delivery[] = [];
  readonly requests: MaksekeskusStandIn['requests'] = [];
  refundFailure: { code: number; status: number } | undefined;
  outage: { count: number; match: RegExp } | undefined;
  private readonly expectedAuth: Buffer;

  constructor(
    readonly origin: string,
    readonly shopId: string,
    readonly secretKey: string,
    private readonly send: typeof fetch,
  ) {
    this.expectedAuth = Buffer.from(`Basic ${Buffer.from(`${shopId}:${secretKey}`).toString('base64')}`);
  }

  sign(json: string): SignedMessage {
    return { json, mac: computeMac(json, this.secretKey) };
  }

  transaction(id: string): StandInTransaction {
    const trx = this.transactions.get(id);
    if (!trx) throw new Error(`No transaction ${id}`);
    return trx;
  }

  message(id: string, overrides: Record<string, unknown> = {}): SignedMessage {
    const trx = this.transaction(id);
    // Keys in alphabetical order and unescaped non-ASCII, like the real messages.
    const body: Record<string, unknown> = {
      amount: trx.amount,
      currency: trx.currency,
      ...(trx.payerAccount ? { customer_account: trx.payerAccount } : {}),
      customer_name: trx.payerName ?? null,
      merchant_data: trx.merchantData ?? null,
      message_time: messageTime(),
      message_type: 'payment_return',
      reference: trx.reference ?? null,
      shop: this.shopId,
      status: trx.status,
      transaction: trx.id,
      ...overrides,
    };
    const sorted = Object.fromEntries(
      Object.keys(body)
        .sort()
        .map((k) => [k, body[k]]),
    );
    return this.sign(JSON.stringify(sorted));
  }

  async notify(id: string, signed: SignedMessage): Promise<number | 'error'> {
    const target = this.transactions.get(id)?.urls.notification_url;
    const status = (JSON.parse(signed.json) as { status?: string }).status ?? '?';
    if (!target) return 'error';
    let httpStatus: number | 'error';
    try {
      const form = new URLSearchParams({ json: signed.json, mac: signed.mac });
      const response =
        target.method === 'GET'
          ? await this.send(`${target.url}${target.url.includes('?') ? '&' : '?'}${form}`, { redirect: 'manual' })
          : await this.send(target.url, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: form.toString(),
              redirect: 'manual',
            });
      await response.arrayBuffer().catch(() => undefined);
      httpStatus = response.status;
    } catch {
      httpStatus = 'error';
    }
    this.deliveries.push({ transactionId: id, status, httpStatus });
    return httpStatus;
  }

  async pay(id: string, pay: PayOptions): Promise<PayResult> {
    const trx = this.transaction(id);
    if (pay.method) trx.method = pay.method;
    if (pay.payerName) trx.payerName = pay.payerName;
    if (pay.payerAccount) trx.payerAccount = pay.payerAccount;
    const before = trx.status;
    // Only an open transaction changes; paying a finished one again just replays its messages.
    if (before === 'CREATED' || before === 'PENDING')
      trx.status = pay.outcome === 'paid' ? 'COMPLETED' : pay.outcome === 'cancelled' ? 'CANCELLED' : 'EXPIRED';
    const results: Delivery[] = [];
    const record = async (signed: SignedMessage) => {
      await this.notify(id, signed);
      results.push(this.deliveries[this.deliveries.length - 1]!);
    };
    if (pay.notify !== false) {
      const final = this.message(id);
      await Promise.all(Array.from({ length: Math.max(1, Math.min(pay.duplicates ?? 1, 200)) }, () => record(final)));
      if (pay.outOfOrder) await record(this.message(id, { status: 'PENDING' }));
      if (pay.lateCancel && trx.status === 'COMPLETED') await record(this.message(id, { status: 'CANCELLED' }));
    }
    const back = (trx.status === 'COMPLETED' ? trx.urls.return_url : (trx.urls.cancel_url ?? trx.urls.return_url)) ?? {
      url: `${this.origin}/`,
      method: 'GET' as const,
    };
    return { return: { url: back.url, method: back.method, message: this.message(id) }, deliveries: results };
  }

  overrideApi(id: string, override: StandInTransaction['apiOverride']): void {
    const trx = this.transaction(id);
    trx.apiOverride = { ...trx.apiOverride, ...override };
  }

  /** Every request to the stand-in's server. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.origin);
    const done = (error: unknown) => {
      if (!res.headersSent) json(res, 500, { code: 9999, message: error instanceof Error ? error.message : 'error' });
      else res.end();
    };
    if (url.pathname === '/v1' || url.pathname.startsWith('/v1/')) return void this.api(req, res, url).catch(done);
    const pay = /^\/pay\/([^/]+)$/.exec(url.pathname);
    if (pay && (req.method === 'GET' || req.method === 'HEAD')) return void this.payPage(res, url, decodeURIComponent(pay[1]!)).catch(done);
    json(res, 404, { code: 1000, message: 'Not found' });
  }

  /** /v1/...: authentication, the request log, an injected outage, then the endpoint. */
  private async api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const auth = Buffer.from(req.headers.authorization ?? '');
    if (auth.length !== this.expectedAuth.length || !timingSafeEqual(auth, this.expectedAuth))
      return json(res, 401, { code: 1010, message: 'Authentication failed' });
    const method = req.method ?? 'GET';
    let body: unknown;
    if (method === 'POST') {
      try {
        body = await readJson(req);
      } catch {
        return json(res, 400, { code: 1002, message: 'Malformed JSON' });
      }
    }
    const path = url.pathname.slice('/v1'.length);
    this.requests.push({ method, path: `${path}${url.search}`, ...(body === undefined ? {} : { body }) });
    if (this.outage && this.outage.count > 0 && this.outage.match.test(`${method} ${path}`)) {
      this.outage.count -= 1;
      return json(res, 503, { code: 9999, message: 'Service temporarily unavailable' });
    }
    for (const endpoint of API) {
      const match = endpoint.method === method ? endpoint.path.exec(path) : null;
      if (match) return endpoint.handle(this, res, { url, body, id: match[1] === undefined ? '' : decodeURIComponent(match[1]) });
    }
    return json(res, 404, { code: 1000, message: 'Not found' });
  }

  /** POST /v1/transactions */
  createTransaction(res: ServerResponse, { body }: ApiRequest): void {
    const errors = validateCreate(body);
    if (errors.length > 0) return json(res, 400, { code: 1001, message: 'Validation failed', errors });
    const b = body as { transaction: Record<string, unknown>; customer: Record<string, unknown> };
    const trx: StandInTransaction = {
      id: randomUUID(),
      createdAt: new Date().toISOString(),
      status: 'CREATED',
      amount: b.transaction.amount as string,
      currency: b.transaction.currency as string,
      ...(typeof b.transaction.reference === 'string' ? { reference: b.transaction.reference } : {}),
      ...(typeof b.transaction.merchant_data === 'string' ? { merchantData: b.transaction.merchant_data } : {}),
      urls: b.transaction.transaction_url ?? {},
      customer: b.customer,
      refundedCents: 0,
    };
    this.transactions.set(trx.id, trx);
    const view = this.apiView(trx);
    return json(res, 201, {
      ...view,
      payment_methods: this.paymentMethods(trx.id, String((b.customer.country as string | undefined) ?? 'ee').toLowerCase()),
    });
  }

  /** GET /v1/methods?country&currency[&transaction] */
  listMethods(res: ServerResponse, { url }: ApiRequest): void {
    const country = (url.searchParams.get('country') ?? 'ee').toLowerCase();
    const transaction = url.searchParams.get('transaction') ?? undefined;
    return json(res, 200, this.paymentMethods(transaction && this.transactions.has(transaction) ? transaction : undefined, country));
  }

  /** POST /v1/transactions/{id}/refunds */
  createRefund(res: ServerResponse, { id, body }: ApiRequest): void {
    const trx = this.transactions.get(id);
    if (!trx) return json(res, 404, { code: 1024, message: 'Transaction not found' });
    if (this.refundFailure) {
      const failure = this.refundFailure;
      this.refundFailure = undefined;
      return json(res, failure.status, {
        code: failure.code,
        message: failure.code === 1045 ? 'Previous refund is still being processed' : 'Refund failed',
      });
    }
    const r = body as { amount?: unknown; comment?: unknown } | undefined;
    if (!r || typeof r.amount !== 'string' || !AMOUNT.test(r.amount) || typeof r.comment !== 'string')
      return json(res, 400, { code: 1001, message: 'Validation failed', errors: ['amount (decimal string) and comment are required'] });
    const cents = Math.round(Number(r.amount) * 100);
    const paidCents = Math.round(Number(trx.amount) * 100);
    if (trx.status !== 'COMPLETED' && trx.status !== 'PART_REFUNDED')
      return json(res, 400, { code: 1040, message: 'Transaction cannot be refunded' });
    if (cents <= 0 || trx.refundedCents + cents > paidCents)
      return json(res, 400, { code: 1041, message: 'Refund amount exceeds the refundable amount' });
    trx.refundedCents += cents;
    trx.status = trx.refundedCents === paidCents ? 'REFUNDED' : 'PART_REFUNDED';
    const refund: StandInRefund = {
      id: randomUUID(),
      transactionId: trx.id,
      amount: r.amount,
      comment: r.comment,
      createdAt: new Date().toISOString(),
      status: 'SENT',
    };
    this.refunds.push(refund);
    return json(res, 201, {
      object: 'refund',
      id: refund.id,
      transaction: { id: trx.id },
      amount: Number(r.amount),
      comment: refund.comment,
      status: refund.status,
      created_at: refund.createdAt,
    });
  }

  /** GET /v1/transactions/{id} */
  getTransaction(res: ServerResponse, { id }: ApiRequest): void {
    const trx = this.transactions.get(id);
    return trx ? json(res, 200, this.apiView(trx)) : json(res, 404, { code: 1024, message: 'Transaction not found' });
  }

  /** GET /v1/refunds/{id} */
  getRefund(res: ServerResponse, { id }: ApiRequest): void {
    const refund = this.refunds.find((r) => r.id === id);
    return refund ? json(res, 200, { object: 'refund', ...refund }) : json(res, 404, { code: 1024, message: 'Refund not found' });
  }

  /** GET /pay/{id}: the bank choice, or with ?outcome= the payment itself and the way back to the shop. */
  private async payPage(res: ServerResponse, url: URL, id: string): Promise<void> {
    const trx = this.transactions.get(id);
    if (!trx) return html(res, 404, '<!doctype html><p>Unknown transaction</p>');
    const outcome = url.searchParams.get('outcome');
    if (outcome !== 'paid' && outcome !== 'cancelled' && outcome !== 'expired') return this.choicePage(res, url, trx);
    const result = await this.pay(id, payOptionsFrom(url, outcome));
    if (result.return.method === 'GET') {
      const target = new URL(result.return.url);
      target.searchParams.set('json', result.return.message.json);
      target.searchParams.set('mac', result.return.message.mac);
      res.writeHead(303, { location: target.toString() });
      return void res.end();
    }
    return html(res, 200, returnForm(result));
  }

  /** The pay page without an outcome: the banks and cards to pay with, or cancel (the transaction becomes PENDING). */
  private choicePage(res: ServerResponse, url: URL, trx: StandInTransaction): void {
    const id = trx.id;
    if (trx.status === 'CREATED') trx.status = 'PENDING';
    const method = url.searchParams.get('method');
    const all = [...Object.values(BANKS).flat(), { name: 'card', display: 'Visa / Mastercard' }];
    const choices = method
      ? [all.find((c) => c.name === method) ?? { name: method, display: method }]
      : [
          ...(BANKS[String((trx.customer.country as string | undefined) ?? 'ee').toLowerCase()] ?? BANKS.ee!),
          { name: 'card', display: 'Visa / Mastercard' },
        ];
    const links = choices
      .map(
        (c) =>
          `<li><a href="/pay/${encodeURIComponent(id)}?outcome=paid&method=${encodeURIComponent(c.name)}">${escapeHtml(c.display)}: maksa ${escapeHtml(trx.amount)} ${escapeHtml(trx.currency)}</a></li>`,
      )
      .join('\n');
    return html(
      res,
      200,
      `<!doctype html><html lang="et"><head><meta charset="utf-8"><title>Maksekeskus (local)</title></head><body>
<h1>Maksekeskus (local stand-in)</h1><p>Tellimus ${escapeHtml(trx.reference ?? '')}: ${escapeHtml(trx.amount)} ${escapeHtml(trx.currency)}</p>
<ul>${links}</ul><p><a href="/pay/${encodeURIComponent(id)}?outcome=cancelled">Katkesta / Cancel</a></p></body></html>`,
    );
  }

  private apiView(trx: StandInTransaction) {
    const override = trx.apiOverride ?? {};
    return {
      object: 'transaction',
      id: trx.id,
      created_at: trx.createdAt,
      status: override.status ?? trx.status,
      // The API reports a number where messages carry a string: the app must read both.
      amount: override.amount ?? Number(trx.amount),
      currency: override.currency ?? trx.currency,
      reference: override.reference ?? trx.reference ?? null,
      merchant_data: trx.merchantData ?? null,
      ...(trx.method ? { channel: trx.method } : {}),
      ...(trx.payerName ? { customer_name: trx.payerName } : {}),
      ...(trx.payerAccount ? { customer_account: trx.payerAccount } : {}),
      refunded_amount: trx.refundedCents / 100,
      payment_methods: this.paymentMethods(trx.id),
    };
  }

  private paymentMethods(id: string | undefined, country = 'ee') {
    const page = (method?: string) => (id ? `${this.origin}/pay/${id}${method ? `?method=${method}` : ''}` : `${this.origin}/pay`);
    return {
      banklinks: (BANKS[country] ?? BANKS.ee!).map((b) => ({
        name: b.name,
        display_name: b.display,
        country,
        url: page(b.name),
        logo_url: `${this.origin}/logos/${b.name}.png`,
      })),
      cards: CARDS.map((c) => ({ name: c.name, display_name: c.display, url: page('card') })),
      payLater: [],
      other: [{ name: 'redirect', url: page() }],
    };
  }
}

export async function startMaksekeskusStandIn(options: { shopId: string; secretKey: string; fetch?: typeof fetch }): Promise<MaksekeskusStandIn> {
  const server = await listen();
  const stand = new LocalMaksekeskus(server.origin, options.shopId, options.secretKey, options.fetch ?? fetch);
  server.server.on('request', (req: IncomingMessage, res: ServerResponse) => stand.handle(req, res));
  const origin = stand.origin;
  return {
    origin,
    apiUrl: `${origin}/v1`,
    shopId: stand.shopId,
    secretKey: stand.secretKey,
    transactions: stand.transactions,
    refunds: stand.refunds,
    deliveries: stand.deliveries,
    requests: stand.requests,
    payUrl: (id) => `${origin}/pay/${encodeURIComponent(id)}`,
    pay: (id, pay) => stand.pay(id, pay),
    message: (id, overrides) => stand.message(id, overrides),
    sign: (json) => stand.sign(json),
    notify: (id, message) => stand.notify(id, message),
    overrideApi: (id, override) => stand.overrideApi(id, override),
    failNextRefund(code, httpStatus = 400) {
      stand.refundFailure = { code, status: httpStatus };
    },
    failApi(count, match = /./) {
      stand.outage = { count, match };
    },
    close: () => server.close(),
  };
}
