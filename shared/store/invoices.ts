import { type Doc, type Stored, StoreUnavailableError } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';
import { localDate } from './dates.js';

/**
 * Prepayment invoice numbers: one gap-free series per calendar year (Estonian time), "2026-00017".
 *
 * A number is taken by CREATING its register entry (`invoice:<year>:<seq>` in the partition invoice-register:<year>
 * of `orders`); Cosmos lets exactly one create of an id succeed, so two buyers never share a number, and the entry
 * names the order, so the number and its journal line are one atomic write (a crash can never leave a number that
 * was counted but belongs to nobody, which a bare counter + separate invoice write could). The yearly counter (the
 * last number taken) moves in the same transactional batch as the entry, under its ETag: the taker reads it and takes
 * the next number, and walks further only past entries the former scheme wrote ahead of its counter, so the numbers
 * taken are always exactly 1..n: no gaps, no reuse, under any concurrency. The order's number document
 * (`invoice-order:<orderId>`), created in that batch too, keeps an order from getting two numbers.
 */

export interface InvoiceRegisterEntry extends Doc {
  type: 'invoice-register-entry';
  accountId: string;
  year: number;
  sequence: number;
  number: string;
  orderId: string;
  buyerAccountId: string;
  grossCents: number;
  issuedAt: string;
}

/** Which number an order has: created in the batch that takes it, so a second batch for the same order is refused. */
interface InvoiceOrderNumber extends Doc {
  type: 'invoice-order-number';
  accountId: string;
  orderId: string;
  buyerAccountId: string;
  year: number;
  sequence: number;
}

interface InvoiceCounter extends Doc {
  type: 'invoice-counter';
  accountId: string;
  year: number;
  last: number;
}

export const registerPartition = (year: number) => `invoice-register:${year}`;
const entryId = (year: number, sequence: number) => `invoice:${year}:${sequence}`;
const COUNTER_ID = 'invoice-counter';
const orderNumberId = (orderId: string) => `invoice-order:${orderId}`;

export function formatInvoiceNumber(year: number, sequence: number): string {
  return `${year}-${String(sequence).padStart(5, '0')}`;
}

export function parseInvoiceNumber(number: string): { year: number; sequence: number } | undefined {
  const match = /^(\d{4})-(\d{5,7})$/.exec(number);
  if (!match) return undefined;
  const sequence = Number(match[2]);
  return sequence > 0 ? { year: Number(match[1]), sequence } : undefined;
}

/**
 * Estonian reference number (viitenumber) and Finnish viitenumero: the base digits followed by a 7-3-1 check digit
 * (weights 7, 3, 1 repeating from the rightmost digit; check = (10 - sum mod 10) mod 10).
 */
export function referenceNumber(base: string): string {
  if (!/^\d{1,19}$/.test(base)) throw new RangeError('reference base must be 1..19 digits');
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < base.length; i++) sum += Number(base[base.length - 1 - i]) * weights[i % 3]!;
  return `${base}${(10 - (sum % 10)) % 10}`;
}

export function isValidReferenceNumber(reference: string): boolean {
  return /^\d{2,20}$/.test(reference) && referenceNumber(reference.slice(0, -1)) === reference;
}

export interface AllocatedNumber {
  year: number;
  sequence: number;
  number: string;
  referenceNumber: string;
  issuedAt: string;
}

async function findRegisterEntry(
  services: Pick<Services, 'db'>,
  year: number,
  orderId: string,
): Promise<(InvoiceRegisterEntry & Stored) | undefined> {
  const page = await services.db.collection('orders').query<InvoiceRegisterEntry & Stored>(registerPartition(year), {
    where: 'c.type = @type AND c.orderId = @orderId',
    parameters: [
      { name: '@type', value: 'invoice-register-entry' },
      { name: '@orderId', value: orderId },
    ],
  });
  return page.items[0];
}

export async function readRegisterEntry(
  services: Pick<Services, 'db'>,
  year: number,
  sequence: number,
): Promise<(InvoiceRegisterEntry & Stored) | undefined> {
  const entry = await services.db.collection('orders').read<InvoiceRegisterEntry>(entryId(year, sequence), registerPartition(year));
  return entry?.type === 'invoice-register-entry' ? entry : undefined;
}

/**
 * Takes the next number of the year for an order; the same order asking again gets its number back. An order created
 * by this very request (`fresh`) cannot have a number yet: no lookup (issue 11). The number is taken by one
 * transactional batch in the register's partition: the order's number document created (refused when the order already
 * has one: a parallel finishing of the same checkout, or this batch's own earlier attempt applied before its answer
 * was lost; its number is then answered), the counter moved to the number under its ETag (created for the year's
 * first), and the entry created. A batch refused because the counter moved reads it again; one refused because the
 * entry exists (written past the counter by the former scheme, which raised it afterwards, best effort) tries the next
 * number under the same counter. The counter and the entries move together, so the numbers taken stay exactly 1..n.
 */
export async function allocateInvoiceNumber(
  services: Pick<Services, 'db' | 'clock'>,
  input: { orderId: string; buyerAccountId: string; grossCents: number },
  options: { fresh?: boolean } = {},
): Promise<AllocatedNumber> {
  const now = services.clock.now();
  const issuedAt = now.toISOString();
  const year = Number(localDate(now).slice(0, 4));
  const orders = services.db.collection('orders');
  const partition = registerPartition(year);
  const result = (entry: InvoiceRegisterEntry): AllocatedNumber => ({
    year,
    sequence: entry.sequence,
    number: entry.number,
    referenceNumber: referenceNumber(`${year}${String(entry.sequence).padStart(5, '0')}`),
    issuedAt: entry.issuedAt,
  });

  // Orders numbered before the order's number document existed have only their entry: looked for by a query.
  if (!options.fresh) {
    const existing = await findRegisterEntry(services, year, input.orderId);
    if (existing) return result(existing);
  }

  let counter = await orders.read<InvoiceCounter>(COUNTER_ID, partition);
  let sequence = (counter?.last ?? 0) + 1;
  for (let probes = 0; probes < 10_000; probes++) {
    const entry: InvoiceRegisterEntry = {
      id: entryId(year, sequence),
      type: 'invoice-register-entry',
      accountId: partition,
      year,
      sequence,
      number: formatInvoiceNumber(year, sequence),
      orderId: input.orderId,
      buyerAccountId: input.buyerAccountId,
      grossCents: input.grossCents,
      issuedAt,
    };
    const ownNumber: InvoiceOrderNumber = {
      id: orderNumberId(input.orderId),
      type: 'invoice-order-number',
      accountId: partition,
      orderId: input.orderId,
      buyerAccountId: input.buyerAccountId,
      year,
      sequence,
    };
    const count = counter
      ? { replace: { ...counter, last: sequence } }
      : { create: { id: COUNTER_ID, type: 'invoice-counter', accountId: partition, year, last: sequence } satisfies InvoiceCounter };
    const taken = await orders.writeTogether(partition, [{ create: ownNumber }, count, { create: entry }]);
    if (taken.ok) return result(entry);
    if (taken.failedIndex === 0 && taken.status === 409) return result(await numberedBefore(services, year, input.orderId));
    if (taken.failedIndex === 2 && taken.status === 409) {
      sequence++;
      continue;
    }
    if (taken.failedIndex !== 1 || ![404, 409, 412].includes(taken.status))
      throw new Error(`The invoice number batch failed at ${taken.failedIndex} with ${taken.status}`);
    counter = await orders.read<InvoiceCounter>(COUNTER_ID, partition);
    // Numbers below `sequence` were seen taken (entries are never deleted): no need to probe them again.
    sequence = Math.max(sequence, (counter?.last ?? 0) + 1);
  }
  throw new Error('No free invoice number found');
}

/** The entry of the number an order already has (its number document and entry were written in one batch). */
async function numberedBefore(services: Pick<Services, 'db'>, year: number, orderId: string): Promise<InvoiceRegisterEntry> {
  const own = await services.db.collection('orders').read<InvoiceOrderNumber>(orderNumberId(orderId), registerPartition(year));
  const entry = own && (await readRegisterEntry(services, year, own.sequence));
  // Not seen: both are written together and never deleted. A 503: the caller's retry finds them.
  if (!entry) throw new StoreUnavailableError(1);
  return entry;
}
