import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

import type { SqlParameter } from '@azure/cosmos';
import { z } from 'zod';

import type { ContainerName, Page } from './cosmos.js';
import { AppError } from './errors.js';
import type { Services } from './services.js';

/**
 * Paging for every list (DESIGN s.4): a capped page size and a continuation token. The tokens we hand out are sealed
 * (HMAC with the session signing keys) and bound to the query they continue (container, partition, filter), so a
 * forged, altered or transplanted token is a 400, never something the Cosmos SDK chokes on (issue 9, defect 1).
 */
export function pagingQuery(maxPageSize: number) {
  return {
    continuation: z.string().min(1).max(4000).optional(),
    pageSize: z.coerce.number().int().min(1).max(maxPageSize).optional(),
  };
}

export interface PageRequest {
  continuation?: string | undefined;
  pageSize?: number | undefined;
}

export interface PagedQuery {
  container: ContainerName;
  partitionKey: string;
  where?: string;
  parameters?: SqlParameter[];
  orderBy?: string;
  defaultPageSize: number;
}

type Keys = Services['config']['SESSION_SIGNING_KEYS'];

const scopeOf = (q: PagedQuery) =>
  createHash('sha256')
    .update(JSON.stringify([q.container, q.partitionKey, q.where ?? '', q.parameters ?? [], q.orderBy ?? '']))
    .digest('base64url');

const macOf = (secret: Uint8Array, scope: string, token: string) =>
  createHmac('sha256', secret).update(`opiq-continuation\n${scope}\n${token}`).digest();

export function sealContinuation(keys: Keys, scope: string, token: string): string {
  const key = keys[0];
  if (!key) throw new Error('No signing key');
  return `${Buffer.from(token, 'utf8').toString('base64url')}.${macOf(key.secret, scope, token).toString('base64url')}`;
}

/** The Cosmos token inside a sealed one, if we sealed it for this very query (with any current key); else 400. */
export function openContinuation(keys: Keys, scope: string, sealed: string): string {
  const invalid = new AppError('invalid_continuation', { details: [{ path: 'continuation', issue: 'not a token this list handed out' }] });
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(sealed);
  if (!match) throw invalid;
  const token = Buffer.from(match[1]!, 'base64url').toString('utf8');
  const mac = Buffer.from(match[2]!, 'base64url');
  // Only the one encoding we hand out: the last base64url letter carries spare bits, so "…A" and "…B" decode alike.
  if (Buffer.from(token, 'utf8').toString('base64url') !== match[1] || mac.toString('base64url') !== match[2]) throw invalid;
  if (!keys.some((k) => timingSafeEqual(macOf(k.secret, scope, token), mac))) throw invalid;
  return token;
}

/**
 * One page of a cross-partition query, for operator views only (the Collection names them so): the continuation is
 * sealed and bound to the query text and parameters like the single-partition ones.
 */
export async function pageAcrossPartitions<T>(
  services: Pick<Services, 'db' | 'config'>,
  query: { container: ContainerName; text: string; parameters?: SqlParameter[]; defaultPageSize: number },
  request: PageRequest,
): Promise<Page<T>> {
  const scope = createHash('sha256')
    .update(JSON.stringify([query.container, '*', query.text, query.parameters ?? []]))
    .digest('base64url');
  const keys = services.config.SESSION_SIGNING_KEYS;
  const continuation = request.continuation ? openContinuation(keys, scope, request.continuation) : undefined;
  const page = await services.db
    .collection(query.container)
    .crossPartitionQuery<T>(query.text, query.parameters ?? [], continuation, request.pageSize ?? query.defaultPageSize);
  return { items: page.items, ...(page.continuation ? { continuation: sealContinuation(keys, scope, page.continuation) } : {}) };
}

/** One page of a single-partition query: exactly one Cosmos query per page, the continuation sealed. */
export async function pageOf<T>(services: Pick<Services, 'db' | 'config'>, query: PagedQuery, request: PageRequest): Promise<Page<T>> {
  const scope = scopeOf(query);
  const keys = services.config.SESSION_SIGNING_KEYS;
  const continuation = request.continuation ? openContinuation(keys, scope, request.continuation) : undefined;
  const page = await services.db.collection(query.container).query<T>(query.partitionKey, {
    ...(query.where ? { where: query.where } : {}),
    ...(query.parameters ? { parameters: query.parameters } : {}),
    ...(query.orderBy ? { orderBy: query.orderBy } : {}),
    pageSize: request.pageSize ?? query.defaultPageSize,
    ...(continuation ? { continuation } : {}),
  });
  return { items: page.items, ...(page.continuation ? { continuation: sealContinuation(keys, scope, page.continuation) } : {}) };
}
