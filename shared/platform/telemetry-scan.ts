import { decodedForms, isSecurityEvent, looksPersonal, SECURITY_LOG_FIELDS } from './telemetry.js';

/** People whose names must never appear in telemetry (the demo people, and anyone a test knows of). */
export interface KnownPersonalData {
  people: { firstName: string; lastName: string }[];
  /** Exact values that must not appear, however encoded: e-mails, personal codes, tokens a test handed out. */
  values?: string[];
}

export interface TelemetryLeak {
  /** Where: "file:line" or the line number. */
  at: string;
  reason: 'looks personal' | 'name of a person' | 'known value';
  /** The offending text, cut to 120 characters. */
  excerpt: string;
}

interface RecordedTelemetry {
  kind?: unknown;
  name?: unknown;
  properties?: Record<string, unknown>;
}

/** The security log's own fields (AUTH-4) are allowed on security events only; everything else is scanned. */
function withoutAllowedFields(record: unknown): unknown {
  if (!record || typeof record !== 'object') return record;
  const { kind, name, properties } = record as RecordedTelemetry;
  if (kind !== 'event' || typeof name !== 'string' || !isSecurityEvent(name) || !properties) return record;
  return { ...record, properties: Object.fromEntries(Object.entries(properties).filter(([key]) => !SECURITY_LOG_FIELDS.has(key))) };
}

function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

const normalise = (text: string) => text.toLowerCase().replace(/[\s+_.-]+/g, ' ');

function leakIn(text: string, names: string[], values: string[]): TelemetryLeak['reason'] | undefined {
  if (looksPersonal(text)) return 'looks personal';
  const forms = decodedForms(text).map(normalise);
  if (names.some((name) => forms.some((form) => form.includes(name)))) return 'name of a person';
  if (values.some((value) => forms.some((form) => form.includes(value)))) return 'known value';
  return undefined;
}

/**
 * Scans recorded telemetry (one JSON record per line; other lines are scanned as text) for e-mails, personal codes,
 * IP addresses and tokens, also percent-encoded, for the full names of known people and for known values: 0 hits is
 * LOG-2, apart from the ip/country/browser of security events (AUTH-4).
 */
export function findLeaks(lines: Iterable<string>, known: KnownPersonalData, source = ''): TelemetryLeak[] {
  const names = known.people.map((p) => normalise(`${p.firstName} ${p.lastName}`));
  const values = (known.values ?? []).filter((v) => v.length >= 6).map(normalise);
  const leaks: TelemetryLeak[] = [];
  let number = 0;
  for (const line of lines) {
    number++;
    if (!line.trim()) continue;
    let record: unknown = line;
    try {
      record = JSON.parse(line);
    } catch {
      // Not JSON: scanned as it is.
    }
    for (const text of stringsIn(withoutAllowedFields(record))) {
      const reason = leakIn(text, names, values);
      if (reason) leaks.push({ at: source ? `${source}:${number}` : String(number), reason, excerpt: text.slice(0, 120) });
    }
  }
  return leaks;
}
