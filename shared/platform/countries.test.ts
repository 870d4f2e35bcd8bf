import { describe, expect, it } from 'vitest';

import { loadConfig } from './config.js';
import { requestSiteCountry } from './countries.js';

const env = {
  APP_ENV: 'local',
  COSMOS_ENDPOINT: 'http://127.0.0.1:1/',
  EMAIL_FROM: 'no-reply@opiq.example',
  PUBLIC_WEB_URL: 'https://www.opiq.ee',
  API_PUBLIC_URL: 'http://localhost:7071',
  SESSION_SIGNING_KEYS: `unit:${Buffer.alloc(32, 3).toString('base64url')}`,
  UNSUBSCRIBE_SIGNING_KEYS: `unit:${Buffer.alloc(32, 9).toString('base64url')}`,
};
const config = loadConfig({ ...env, PUBLIC_WEB_URL_FI: 'https://www.opiq.fi' });
const siteOf = (headers: Record<string, string>, settings = config) => requestSiteCountry(settings, new Headers(headers));

describe('OPS-3: the site a request comes from', () => {
  it('OPS-3: Origin names the site; a link (no Origin) is known by its Referer, path and all', () => {
    expect(siteOf({ origin: 'https://www.opiq.fi' })).toBe('FI');
    expect(siteOf({ origin: 'https://www.opiq.ee' })).toBe('EE');
    expect(siteOf({ referer: 'https://www.opiq.fi/sign-up?x=1' })).toBe('FI');
    expect(siteOf({ referer: 'https://www.opiq.ee/' })).toBe('EE');
    // A privacy-sensitive context sends Origin "null": the Referer (if any) still tells.
    expect(siteOf({ origin: 'null', referer: 'https://www.opiq.fi/' })).toBe('FI');
  });

  it('OPS-3: an Origin of another site is not overridden by a Referer; unknown, missing or malformed say nothing', () => {
    expect(siteOf({ origin: 'https://evil.example', referer: 'https://www.opiq.fi/' })).toBeUndefined();
    expect(siteOf({ referer: 'https://www.opiq.fi.evil.example/' })).toBeUndefined();
    expect(siteOf({ referer: 'not a url' })).toBeUndefined();
    expect(siteOf({})).toBeUndefined();
  });

  it('OPS-3: without a Finnish site of its own configured, opiq.fi is nobody', () => {
    expect(siteOf({ referer: 'https://www.opiq.fi/' }, loadConfig(env))).toBeUndefined();
  });
});
