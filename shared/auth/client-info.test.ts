import { describe, expect, it } from 'vitest';

import { summariseUserAgent, USER_AGENT_MAX_LENGTH } from './client-info.js';
import { countryOfIp } from './geoip.js';

describe('AUTH-4: what the security log keeps of the browser', () => {
  it('AUTH-4: summarises real user agents to family, major version and OS', () => {
    expect(
      summariseUserAgent('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15'),
    ).toBe('Safari 17 (macOS)');
    expect(
      summariseUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'),
    ).toBe('Chrome 131 (Windows)');
    expect(summariseUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0')).toBe('Firefox 133 (Linux)');
  });

  it('AUTH-4: reads only the first 512 characters of a user agent (a 15 KB header costs no more than a normal one)', () => {
    // Built like the finding: many "Version/1" with no "Safari/" until the very end, which made the old /Version\/(\d+).*Safari\// quadratic.
    const hostile = `${'Version/1 '.repeat(1500)}Safari/1`;
    expect(hostile.length).toBeGreaterThan(15_000);
    expect(summariseUserAgent(hostile)).toBe('other (other OS)');
    // What lies past the cap is not read at all: the same answer as for the first 512 characters alone.
    const padded = `Mozilla/5.0 (Windows NT 10.0) ${'x'.repeat(USER_AGENT_MAX_LENGTH)} Chrome/131.0.0.0`;
    expect(summariseUserAgent(padded)).toBe(summariseUserAgent(padded.slice(0, USER_AGENT_MAX_LENGTH)));
    expect(summariseUserAgent(padded)).toBe('other (Windows)');
  });
});

describe('AUTH-4: the country of an IP address, offline', () => {
  it('AUTH-4: resolves Estonian and Finnish addresses; private, documentation and IPv6 addresses get none', async () => {
    expect(await countryOfIp('90.190.1.1')).toBe('EE');
    expect(await countryOfIp('::ffff:90.190.1.1')).toBe('EE');
    expect(await countryOfIp('84.248.1.1')).toBe('FI');
    for (const ip of ['10.1.2.3', '192.168.0.1', '127.0.0.1', '192.0.2.44', '2001:db8::1', 'not an ip', undefined])
      expect(await countryOfIp(ip)).toBeUndefined();
  });
});
