import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { ConcurrentUpdateError, StoreUnavailableError } from '../platform/cosmos.js';
import { AppError, type ErrorCode, isAppError } from '../platform/errors.js';
import { languages } from '../platform/language.js';
import { IllegalTransitionError } from '../store/state-machine.js';
import { areaCatalogues, errorCatalogue, httpErrorOf, statusOf, statusOfKind, withHeaders } from './error-catalogue.js';
import { HttpError } from './errors.js';

describe('error catalogue', () => {
  it('OPS-3: every catalogued code has a non-empty text in et, fi and en', () => {
    for (const [code, definition] of Object.entries(errorCatalogue)) {
      for (const language of languages) expect(definition.text[language].trim(), `${code} (${language})`).not.toBe('');
    }
  });

  it('no code is declared by two areas (one code, one meaning)', () => {
    const owners = new Map<string, string[]>();
    for (const [area, catalogue] of Object.entries(areaCatalogues)) {
      for (const code of Object.keys(catalogue)) owners.set(code, [...(owners.get(code) ?? []), area]);
    }
    const twice = [...owners].filter(([, areas]) => areas.length > 1);
    expect(twice).toEqual([]);
    expect(Object.keys(errorCatalogue)).toHaveLength(owners.size);
  });

  it('each kind answers its own status (a status says which kind went wrong)', () => {
    const statuses = Object.values(statusOfKind);
    expect(new Set(statuses).size).toBe(statuses.length);
  });

  it('statuses come from kinds; the few codes whose status is worth pinning answer what they always did', () => {
    const pinned: [ErrorCode, number][] = [
      ['too_many_attempts', 429],
      ['payment_provider_unavailable', 503],
      ['payment_provider_refused', 502],
      ['order_state_conflict', 409],
      ['invitation_expired', 410],
      ['method_not_allowed', 405],
      ['validation_failed', 422],
      ['internal_error', 500],
    ];
    expect(pinned.map(([code]) => [code, statusOf(code)])).toEqual(pinned);
  });

  it('the HttpErrors shared/http still constructs itself answer the status of their code', () => {
    const dir = new URL('.', import.meta.url);
    const mismatches: string[] = [];
    let seen = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      for (const m of readFileSync(new URL(file, dir), 'utf8').matchAll(/new HttpError\((\d+), '(\w+)'/g)) {
        seen++;
        const [, status, code] = m as unknown as [string, string, ErrorCode];
        if (!(code in errorCatalogue) || statusOf(code) !== Number(status)) mismatches.push(`${file}: ${status} ${code}`);
      }
    }
    expect(seen).toBeGreaterThan(5);
    expect(mismatches).toEqual([]);
  });
});

describe('issue 16: no HTTP outside shared/http', () => {
  it('no domain, queue, timer or function file names HttpError: they throw AppError with a code', () => {
    const root = new URL('../../', import.meta.url);
    const offenders: string[] = [];
    let scanned = 0;
    for (const top of ['shared', 'functions']) {
      for (const entry of readdirSync(new URL(`${top}/`, root), { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
        const path = relative(fileURLToPath(root), join(entry.parentPath, entry.name));
        if (path.startsWith('shared/http/')) continue;
        scanned++;
        if (/\bHttpError\b/.test(readFileSync(new URL(path, root), 'utf8'))) offenders.push(path);
      }
    }
    expect(scanned).toBeGreaterThan(100);
    expect(offenders).toEqual([]);
  });
});

describe('httpErrorOf: one mapping from what was thrown to what is answered', () => {
  it('an AppError answers its kind’s status, with its params and details; Retry-After only when it says when', () => {
    const plain = httpErrorOf(new AppError('cannot_link_self', { details: [{ path: 'parentEmail', issue: 'your own address' }] }));
    expect(plain).toMatchObject({
      status: 422,
      code: 'cannot_link_self',
      details: [{ path: 'parentEmail', issue: 'your own address' }],
      headers: {},
    });
    const later = httpErrorOf(new AppError('too_many_attempts', { params: { retryAfterMinutes: 2 }, retryAfterSeconds: 90.2 }));
    expect(later).toMatchObject({ status: 429, params: { retryAfterMinutes: 2 }, headers: { 'retry-after': '91' } });
  });

  it('the store’s failures answer their platform codes; anything else is unexpected (undefined: a 500)', () => {
    expect(httpErrorOf(new ConcurrentUpdateError('orders'))).toMatchObject({ status: 409, code: 'conflict' });
    expect(httpErrorOf(new StoreUnavailableError(3))).toMatchObject({
      status: 503,
      code: 'store_unavailable',
      params: { retryAfter: 3 },
      headers: { 'retry-after': '3' },
    });
    expect(httpErrorOf(new Error('boom'))).toBeUndefined();
    expect(httpErrorOf('text')).toBeUndefined();
  });

  it('issue 16: an illegal order transition is a catalogued conflict (409), not an unexpected error', () => {
    const error = new IllegalTransitionError('refunded', 'paid');
    expect(isAppError(error, 'order_state_conflict')).toBe(true);
    expect(httpErrorOf(error)).toMatchObject({ status: 409, code: 'order_state_conflict', params: { status: 'refunded' } });
  });

  it('function files add headers to an AppError without naming a status', () => {
    const answer = withHeaders(new AppError('method_not_allowed', { params: { method: 'PUT' } }), { allow: 'GET, POST' });
    expect(answer).toBeInstanceOf(HttpError);
    expect(answer).toMatchObject({ status: 405, code: 'method_not_allowed', params: { method: 'PUT' }, headers: { allow: 'GET, POST' } });
  });
});
