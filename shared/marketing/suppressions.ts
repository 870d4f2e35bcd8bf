import { createHmac } from 'node:crypto';

import { type Doc, DocumentExistsError } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';

/** All suppressions share one partition of `jobs`: a page of recipients is checked with one single-partition query. */
const SUPPRESSIONS_PARTITION = 'email-suppressions';

export const suppressionReasons = ['bounce', 'dropped', 'spamreport', 'unsubscribe'] as const;
/** `erased`: the address of a person erased (PRIV-3); lifted when that address is verified on a new sign-up. */
type SuppressionReason = (typeof suppressionReasons)[number] | 'erased';

/** An address nobody may mail any more (MKT-1, MKT-2), known only by a keyed hash of it. */
interface SuppressionDoc extends Doc {
  type: 'email-suppression';
  accountId: typeof SUPPRESSIONS_PARTITION;
  addressHash: string;
  reason: SuppressionReason;
  at: string;
}

type Keys = Services['config']['UNSUBSCRIBE_SIGNING_KEYS'];

/** Case and surrounding spaces never make another mailbox here (addresses are stored lower-case at sign-up too). */
const normalised = (address: string) => address.trim().normalize('NFC').toLowerCase();

/**
 * The keyed hash of an address under one key: without the key a stolen suppression list names nobody, and a guessed
 * address cannot be checked against it. The unsubscribe keys serve (they exist only for mailing): written under the
 * first, looked up under every listed one, so a rotation keeps the old suppressions while the old key stays listed.
 */
const hashUnder = (secret: Uint8Array, address: string) =>
  createHmac('sha256', secret)
    .update(`email-suppression\n${normalised(address)}`)
    .digest('base64url');

/** An erasure's suppression has an id of its own: lifting it can never lift a bounce or a spam report of the same address. */
const suppressionId = (hash: string, reason?: SuppressionReason) =>
  reason === 'erased' ? `email-suppression:erased:${hash}` : `email-suppression:${hash}`;

export async function suppress(services: Pick<Services, 'db' | 'clock' | 'config'>, address: string, reason: SuppressionReason): Promise<void> {
  const hash = hashUnder(services.config.UNSUBSCRIBE_SIGNING_KEYS[0]!.secret, address);
  const doc: SuppressionDoc = {
    id: suppressionId(hash, reason),
    type: 'email-suppression',
    accountId: SUPPRESSIONS_PARTITION,
    addressHash: hash,
    reason,
    at: services.clock.now().toISOString(),
  };
  try {
    await services.db.collection('jobs').create<SuppressionDoc>(doc);
  } catch (error) {
    // Already suppressed (a repeated event): the first reason stands.
    if (!(error instanceof DocumentExistsError)) throw error;
  }
}

/** Which of these addresses are suppressed: one single-partition query for a whole page of recipients. */
export async function suppressedAmong(services: Pick<Services, 'db' | 'config'>, addresses: string[]): Promise<Set<string>> {
  if (addresses.length === 0) return new Set();
  const keys: Keys = services.config.UNSUBSCRIBE_SIGNING_KEYS;
  const byId = new Map<string, string>();
  for (const address of addresses)
    for (const key of keys) {
      const hash = hashUnder(key.secret, address);
      byId.set(suppressionId(hash), address);
      byId.set(suppressionId(hash, 'erased'), address);
    }
  const found = await services.db.collection('jobs').queryAll<{ id: string }>(SUPPRESSIONS_PARTITION, {
    where: "c.type = 'email-suppression' AND ARRAY_CONTAINS(@ids, c.id)",
    parameters: [{ name: '@ids', value: [...byId.keys()] }],
    pageSize: 1000,
  });
  return new Set(found.map((row) => byId.get(row.id)!));
}

/**
 * PRIV-3: a new sign-up whose owner verified the address lifts the suppression the erasure of its earlier owner left
 * (never a bounce, drop, spam report or unsubscribe: those have ids of their own). A point delete under each listed
 * key; nothing when there is none, so a repeat changes nothing.
 */
export async function liftErasedSuppression(services: Pick<Services, 'db' | 'config'>, address: string): Promise<void> {
  for (const key of services.config.UNSUBSCRIBE_SIGNING_KEYS)
    await services.db.collection('jobs').delete(suppressionId(hashUnder(key.secret, address), 'erased'), SUPPRESSIONS_PARTITION);
}
