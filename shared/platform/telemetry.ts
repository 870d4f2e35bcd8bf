import { createHmac } from 'node:crypto';
import { isIPv6 } from 'node:net';

type TelemetryValue = string | number | boolean | undefined;
export type TelemetryProperties = Record<string, TelemetryValue>;

/**
 * Where security events and technical telemetry go. Properties must never carry names, e-mails, personal codes or
 * IP addresses unless a requirement says so (AUTH-4 does for the security log: `ip`, `country`, `browser`); both
 * implementations pass them through `scrubPersonalData` first.
 */
export interface Telemetry {
  event(name: string, properties?: TelemetryProperties, measurements?: Record<string, number>): void;
  exception(error: unknown, properties?: TelemetryProperties): void;
  trace(message: string, properties?: TelemetryProperties): void;
  flush(): Promise<void>;
}

/** Property names AUTH-4 allows in security events (Application Insights keeps them one year, RET-6). */
export const SECURITY_LOG_FIELDS: ReadonlySet<string> = new Set(['ip', 'country', 'browser']);

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const ISIKUKOOD = /\b[1-8]\d{2}[01]\d[0-3]\d{5}\b/;
const HETU = /\b[0-3]\d[01]\d\d{2}[-+A-FU-Y]\d{3}[0-9A-Y]\b/i;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/;
const IPV6 = /\b(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}\b/i;
/** Runs of hex groups with at least two colons; compressed forms ("2001:db8::1") are confirmed by isIPv6. */
const IPV6_CANDIDATE = /(?:[0-9a-f]{0,4}:){2,7}[0-9a-f.]*/gi;

function containsCompressedIpv6(value: string): boolean {
  for (const [candidate] of value.matchAll(IPV6_CANDIDATE)) {
    const address = candidate.replace(/\.+$/, '');
    // Two hex groups at least, so "::1" or "std::" in a message stay readable.
    if ((address.match(/[0-9a-f]+/gi) ?? []).length >= 2 && isIPv6(address)) return true;
  }
  return false;
}

/** A JSON Web Token (session tokens, provider ID tokens): base64url header and payload, both starting "eyJ". */
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/;
/** Runs that could be a base64url or hex-free secret (refresh tokens, one-time tokens, reset links). */
const TOKEN_RUN = /[A-Za-z0-9_-]{20,}/g;
/** Words, camel-cased or joined by "-" or "_" (class, route and header names): long, mixed case, yet not secrets. */
const WORD_PART = /^[a-z]*(?:[A-Z]{1,2}[a-z]+)*[A-Z]{0,2}$/;
const isWords = (run: string) => run.split(/[-_]/).every((part) => WORD_PART.test(part));

/**
 * Random tokens: 20+ characters mixing upper case, lower case and digits, or 32+ with upper and lower case that are not
 * words. Hex (hashes, pseudonymous ids, uuids) is one case only and stays readable.
 */
function containsToken(value: string): boolean {
  if (JWT.test(value)) return true;
  for (const [run] of value.matchAll(TOKEN_RUN)) {
    if (!/[A-Z]/.test(run) || !/[a-z]/.test(run)) continue;
    if (/\d/.test(run) || (run.length >= 32 && !isWords(run))) return true;
  }
  return false;
}

/** Percent-decoding that never throws: a malformed sequence stays as it is. */
const percentDecode = (value: string) => value.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** The value as written, and as it reads once or twice (or three times) percent-decoded, with "+" as a space. */
export function decodedForms(value: string): string[] {
  const forms = [value];
  let current = value;
  for (let i = 0; i < 3 && /%[0-9a-f]{2}/i.test(current); i++) {
    current = percentDecode(current);
    forms.push(current);
  }
  if (current.includes('+')) forms.push(current.replaceAll('+', ' '));
  return forms;
}

function looksPersonalAsIs(value: string): boolean {
  return (
    EMAIL.test(value) ||
    ISIKUKOOD.test(value) ||
    HETU.test(value) ||
    IPV4.test(value) ||
    IPV6.test(value) ||
    containsCompressedIpv6(value) ||
    containsToken(value)
  );
}

/**
 * Short values found harmless, remembered: every request sends the same route names, methods, outcomes and
 * pseudonymous ids, and examining each again was 4% of a request (issue 11). Values that look personal are never kept.
 */
const harmless = new Set<string>();
const HARMLESS_LIMIT = 4096;
const HARMLESS_MAX_LENGTH = 200;

/** E-mails, personal codes of both countries, IP addresses and tokens, also percent-encoded (once or twice) (LOG-2). */
export function looksPersonal(value: string): boolean {
  if (harmless.has(value)) return false;
  const personal = decodedForms(value).some(looksPersonalAsIs);
  if (!personal && value.length <= HARMLESS_MAX_LENGTH) {
    if (harmless.size >= HARMLESS_LIMIT) harmless.clear();
    harmless.add(value);
  }
  return personal;
}

/**
 * Replaces values that look like personal data with "[redacted]", except the security-log fields on security events.
 * A safety net: code should not pass such values in the first place (the tests check it does not).
 */
export function scrubPersonalData(properties: TelemetryProperties | undefined, allowSecurityFields = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(properties ?? {})) {
    if (value === undefined) continue;
    const text = String(value);
    if (allowSecurityFields && SECURITY_LOG_FIELDS.has(key)) out[key] = text;
    else out[key] = looksPersonal(text) ? '[redacted]' : text;
  }
  return out;
}

/** Error text without personal data: the class name, plus the message only when it looks harmless. */
export function safeErrorSummary(error: unknown): { errorType: string; errorMessage: string } {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: looksPersonal(error.message) ? '[redacted]' : error.message.slice(0, 500) };
  }
  return { errorType: typeof error, errorMessage: '[non-error thrown]' };
}

export const isSecurityEvent = (name: string) => name.startsWith('security.');

/**
 * The id telemetry knows a person by (LOG-2): a keyed hash of the account id, so events of one person can be counted
 * together while the key stays out of Application Insights. Hex, which the scrubber leaves readable.
 */
export const pseudonymousId = (key: string, accountId: string) =>
  createHmac('sha256', Buffer.from(key, 'base64url')).update(accountId).digest('hex').slice(0, 32);

/** A trace message as it may be sent: whole, or "[redacted]" when any of it looks personal. */
export const safeMessage = (message: string) => (looksPersonal(message) ? '[redacted]' : message);

/** Structured JSON lines on stdout: the local stack, and Azure without a connection string. */
export class ConsoleTelemetry implements Telemetry {
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  event(name: string, properties?: TelemetryProperties, measurements?: Record<string, number>): void {
    this.emit({ kind: 'event', name, properties: scrubPersonalData(properties, isSecurityEvent(name)), measurements });
  }
  exception(error: unknown, properties?: TelemetryProperties): void {
    // Only the "at ..." frames: the lines before them are the message, which may span lines and carry personal data.
    const stack =
      error instanceof Error
        ? error.stack
            ?.split('\n')
            .map((l) => l.trim())
            .filter((l) => l.startsWith('at '))
            .slice(0, 5)
        : undefined;
    this.emit({ kind: 'exception', ...safeErrorSummary(error), stack, properties: scrubPersonalData(properties) });
  }
  trace(message: string, properties?: TelemetryProperties): void {
    this.emit({ kind: 'trace', message: safeMessage(message), properties: scrubPersonalData(properties) });
  }
  async flush(): Promise<void> {}

  private emit(record: Record<string, unknown>): void {
    this.write(JSON.stringify({ time: new Date().toISOString(), ...record }));
  }
}

/** Collects telemetry in memory: tests read it to assert what was (and was not) sent. */
export class MemoryTelemetry implements Telemetry {
  readonly records: { kind: string; name: string; properties: Record<string, string>; measurements?: Record<string, number> }[] = [];
  /**
   * Keeps the newest records only, so a long-running local host does not grow without bound: past `limit` plus a
   * tenth, the oldest are dropped down to `limit` in one go (dropping one per record moved all 10,000 every request).
   */
  constructor(private readonly limit = 10_000) {}
  private trim(): void {
    if (this.records.length > this.limit + Math.ceil(this.limit / 10)) this.records.splice(0, this.records.length - this.limit);
  }
  event(name: string, properties?: TelemetryProperties, measurements?: Record<string, number>): void {
    this.records.push({ kind: 'event', name, properties: scrubPersonalData(properties, isSecurityEvent(name)), measurements });
    this.trim();
  }
  exception(error: unknown, properties?: TelemetryProperties): void {
    const summary = safeErrorSummary(error);
    this.records.push({ kind: 'exception', name: summary.errorType, properties: { ...scrubPersonalData(properties), ...summary } });
    this.trim();
  }
  trace(message: string, properties?: TelemetryProperties): void {
    this.records.push({ kind: 'trace', name: safeMessage(message), properties: scrubPersonalData(properties) });
    this.trim();
  }
  async flush(): Promise<void> {}
}

/** Both: console for the developer, memory for the tests of the local host. */
export class TeeTelemetry implements Telemetry {
  constructor(private readonly sinks: Telemetry[]) {}
  event(...args: Parameters<Telemetry['event']>) {
    for (const s of this.sinks) s.event(...args);
  }
  exception(...args: Parameters<Telemetry['exception']>) {
    for (const s of this.sinks) s.exception(...args);
  }
  trace(...args: Parameters<Telemetry['trace']>) {
    for (const s of this.sinks) s.trace(...args);
  }
  async flush() {
    await Promise.all(this.sinks.map((s) => s.flush()));
  }
}
