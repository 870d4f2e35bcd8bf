import { describe, expect, it } from 'vitest';

import { httpErrorOf } from '../http/error-catalogue.js';
import { signingKeysSchema } from './config.js';
import { AppError } from './errors.js';
import { openContinuation, sealContinuation } from './paging.js';

const keys = (spec: string) => signingKeysSchema.parse(spec);
const k1 = `k1:${Buffer.alloc(32, 1).toString('base64url')}`;
const k2 = `k2:${Buffer.alloc(32, 2).toString('base64url')}`;
const cosmosToken = '{"token":"-RID:~abc#RT:1#TRC:3","range":{"min":"","max":"FF"}}';

describe('sealed continuation tokens (issue 9, defect 1)', () => {
  it('opens what it sealed for the same query, also after the signing key rotated (old key still listed)', () => {
    const sealed = sealContinuation(keys(k1), 'scope-a', cosmosToken);
    expect(openContinuation(keys(k1), 'scope-a', sealed)).toBe(cosmosToken);
    expect(openContinuation(keys(`${k2},${k1}`), 'scope-a', sealed)).toBe(cosmosToken);
  });

  it('refuses another query, a dropped key, an altered token and raw Cosmos tokens with 400 invalid_continuation', () => {
    const sealed = sealContinuation(keys(k1), 'scope-a', cosmosToken);
    const refused = (k: string, scope: string, token: string) => {
      try {
        openContinuation(keys(k), scope, token);
        return 'opened';
      } catch (error) {
        // What the client gets: the wrapper's answer for the thrown error.
        return error instanceof AppError ? `${httpErrorOf(error)?.status} ${error.code}` : 'other';
      }
    };
    expect(refused(k1, 'scope-b', sealed)).toBe('400 invalid_continuation');
    expect(refused(k2, 'scope-a', sealed)).toBe('400 invalid_continuation');
    const [body, mac] = sealed.split('.') as [string, string];
    const altered = `${Buffer.from(cosmosToken.replace('FF', 'FE')).toString('base64url')}.${mac}`;
    expect(refused(k1, 'scope-a', altered)).toBe('400 invalid_continuation');
    expect(refused(k1, 'scope-a', `${body}.${mac.slice(0, -1)}`)).toBe('400 invalid_continuation');
    for (const raw of [cosmosToken, '1', 'true', '', '.', `${body}.`]) expect(refused(k1, 'scope-a', raw)).toBe('400 invalid_continuation');
  });
});
