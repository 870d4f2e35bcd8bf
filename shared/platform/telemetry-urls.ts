import { looksPersonal } from './telemetry.js';

const REDACTED = '[redacted]';

/**
 * Query parameters whose values are choices from a short list, never about a person: kept in recorded request URLs.
 * Everything else (loginHint, token, code, state, json, q, returnTo, ...) is recorded as `name=[redacted]`.
 */
const HARMLESS_QUERY_PARAMETERS = new Set([
  'status',
  'limit',
  'payment',
  'provider',
  'kind',
  'lang',
  'language',
  'grade',
  'subject',
  'country',
  'format',
]);

function parse(url: string): { parsed: URL; absolute: boolean } | undefined {
  try {
    const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
    return { parsed: new URL(url, 'http://relative.invalid'), absolute };
  } catch {
    return undefined;
  }
}

const redactSegments = (segments: string[]) => segments.map((segment) => (looksPersonal(segment) ? REDACTED : segment));

function join(parts: { parsed: URL; absolute: boolean }, segments: string[], query = ''): string {
  const path = `/${segments.join('/')}`;
  return `${parts.absolute ? parts.parsed.origin : ''}${path}${query}`;
}

/**
 * An incoming request's URL as telemetry may record it (LOG-2): path segments that look personal redacted, only
 * harmless query parameters kept with their values, the others named with `[redacted]`, no fragment.
 */
export function requestTelemetryUrl(url: string): string {
  const parts = parse(url);
  if (!parts) return REDACTED;
  const segments = redactSegments(parts.parsed.pathname.split('/').slice(1));
  const query = [...parts.parsed.searchParams].map(([name, value]) =>
    HARMLESS_QUERY_PARAMETERS.has(name) && value.length <= 40 && !looksPersonal(value)
      ? `${name}=${encodeURIComponent(value)}`
      : `${name}=${REDACTED}`,
  );
  return join(parts, segments, query.length ? `?${query.join('&')}` : '');
}

/** How many leading path segments name the resource, not the item: Cosmos `dbs/<db>/colls/<container>`, Blob `<container>`. */
function resourceSegments(parsed: URL, segments: string[]): number | undefined {
  const cosmos = segments.indexOf('dbs');
  if (cosmos >= 0 && segments[cosmos + 2] === 'colls') return cosmos + 4;
  // Azure Blob Storage (`<account>.blob.core.windows.net/<container>/...`); Azurite puts the account first.
  if (parsed.hostname.includes('.blob.')) return 1;
  if (segments[0] === 'devstoreaccount1') return 2;
  return undefined;
}

/**
 * An outgoing call's URL as a dependency target (LOG-2): Cosmos and Blob Storage reduced to the container (no
 * document ids such as `email:<address>` or `pcode:<code>`, no blob paths with account ids), any other URL without
 * its query (provider APIs take one-time tokens there) and with personal-looking segments redacted.
 */
export function dependencyTelemetryUrl(url: string): string {
  const parts = parse(url);
  if (!parts) return REDACTED;
  const segments = parts.parsed.pathname.split('/').slice(1);
  const keep = resourceSegments(parts.parsed, segments);
  return join(parts, redactSegments(keep === undefined ? segments : segments.slice(0, keep)));
}
