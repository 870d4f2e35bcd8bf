import type { HttpRequest } from '@azure/functions';

/** What the security log records about where a request came from (AUTH-4): IP, country, browser. */
export interface ClientInfo {
  ip?: string;
  country?: string;
  browser?: string;
}

/**
 * The client's address comes from X-Forwarded-For as appended by our own front ends; the country comes from
 * the edge's header when one is configured and present. The browser is summarised (family, major version, OS)
 * rather than kept as the full user-agent string, which would be a fingerprint.
 */
function clientInfo(request: HttpRequest, countryHeader: string | undefined, trustedProxyHops = 1): ClientInfo {
  const chain = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  // Each trusted proxy appends the address it saw; anything to the left of those could be made up by the client.
  const forwarded = chain[chain.length - trustedProxyHops];
  const ip = forwarded ? stripPort(forwarded) : undefined;
  const country = countryHeader ? request.headers.get(countryHeader)?.trim().toUpperCase() : undefined;
  const userAgent = request.headers.get('user-agent') ?? undefined;
  return {
    ...(ip ? { ip } : {}),
    ...(country && /^[A-Z]{2}$/.test(country) ? { country } : {}),
    ...(userAgent ? { browser: summariseUserAgent(userAgent) } : {}),
  };
}

function stripPort(address: string): string {
  if (address.startsWith('[')) return address.slice(1, address.indexOf(']'));
  const parts = address.split(':');
  return parts.length === 2 ? parts[0]! : address;
}

/** Family, version pattern, and a token that must also appear (kept out of the pattern: `.*` made it quadratic). */
const BROWSERS: [string, RegExp, string?][] = [
  ['Edge', /Edg(?:e|A|iOS)?\/(\d+)/],
  ['Opera', /OPR\/(\d+)/],
  ['Samsung Internet', /SamsungBrowser\/(\d+)/],
  ['Firefox', /(?:Firefox|FxiOS)\/(\d+)/],
  ['Chrome', /(?:Chrome|CriOS)\/(\d+)/],
  ['Safari', /Version\/(\d+)/, 'Safari/'],
];

const SYSTEMS: [string, RegExp][] = [
  ['Android', /Android/],
  ['iOS', /iPhone|iPad|iPod/],
  ['ChromeOS', /CrOS/],
  ['Windows', /Windows/],
  ['macOS', /Mac OS X|Macintosh/],
  ['Linux', /Linux/],
];

/** Real user-agent strings are under 300 characters; longer ones are cut before any pattern runs over them. */
export const USER_AGENT_MAX_LENGTH = 512;

export function summariseUserAgent(raw: string): string {
  const userAgent = raw.slice(0, USER_AGENT_MAX_LENGTH);
  const browser = BROWSERS.find(([, pattern, also]) => pattern.test(userAgent) && (!also || userAgent.includes(also)));
  const system = SYSTEMS.find(([, pattern]) => pattern.test(userAgent))?.[0] ?? 'other OS';
  if (!browser) return `other (${system})`;
  const version = browser[1].exec(userAgent)?.[1];
  return `${browser[0]} ${version ?? ''} (${system})`.replace('  ', ' ');
}

/** clientInfo with the app's settings. */
export function requestClient(request: HttpRequest, config: { EDGE_COUNTRY_HEADER?: string; TRUSTED_PROXY_HOPS: number }): ClientInfo {
  return clientInfo(request, config.EDGE_COUNTRY_HEADER, config.TRUSTED_PROXY_HOPS);
}
