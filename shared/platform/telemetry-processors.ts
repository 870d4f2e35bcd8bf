import { isSecurityEvent, looksPersonal, SECURITY_LOG_FIELDS } from './telemetry.js';
import { dependencyTelemetryUrl, requestTelemetryUrl } from './telemetry-urls.js';

/**
 * OpenTelemetry processors for the Application Insights SDK (applicationinsights 3.x is OpenTelemetry inside): what
 * it collects by itself (incoming requests, outgoing HTTP/Cosmos/Blob calls as dependencies, uncaught exceptions)
 * passes here before its exporters see it (LOG-2). Typed structurally: the SDK's OpenTelemetry packages are not
 * dependencies of the app.
 */

const REDACTED = '[redacted]';
/** OpenTelemetry's SpanKind.SERVER: an incoming request; every other kind is a call out (a dependency). */
const SPAN_KIND_SERVER = 1;

/** Attributes holding a URL or a part of one (old and new semantic conventions). */
const URL_ATTRIBUTES = new Set(['http.url', 'url.full', 'http.target']);
/** Attributes dropped outright: a query string on its own, and the client address (the platform records none). */
const DROPPED_ATTRIBUTES = new Set(['url.query', 'http.client_ip', 'client.address', 'net.peer.ip', 'net.sock.peer.addr', 'network.peer.address']);

interface SpanLike {
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  events?: { attributes?: Record<string, unknown> }[];
  status?: { message?: string };
}

/** Strings that look personal become "[redacted]", inside arrays and objects too; other values stay. */
function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return looksPersonal(value) ? REDACTED : value;
  if (Array.isArray(value)) return value.map(redactValue);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v)]));
  return value;
}

function scrubAttributes(attributes: Record<string, unknown>, server: boolean): void {
  for (const [key, value] of Object.entries(attributes)) {
    if (DROPPED_ATTRIBUTES.has(key)) delete attributes[key];
    else if (URL_ATTRIBUTES.has(key) && typeof value === 'string')
      attributes[key] = server ? requestTelemetryUrl(value) : dependencyTelemetryUrl(value);
    else if (key === 'url.path' && typeof value === 'string') attributes[key] = (server ? requestTelemetryUrl : dependencyTelemetryUrl)(value);
    else attributes[key] = redactValue(value);
  }
}

/** Scrubs one finished span in place (the exporter reads it after every processor's onEnd). */
export function scrubSpan(span: SpanLike): void {
  const server = span.kind === SPAN_KIND_SERVER;
  scrubAttributes(span.attributes, server);
  for (const event of span.events ?? []) if (event.attributes) scrubAttributes(event.attributes, server);
  // Names are "GET" for HTTP spans, but a request tracked by name may carry a path with a query.
  if (span.name.includes('?') || span.name.includes('/')) {
    const [method, ...rest] = span.name.split(' ');
    span.name = rest.length ? `${method} ${requestTelemetryUrl(rest.join(' '))}` : requestTelemetryUrl(span.name);
  }
  if (looksPersonal(span.name)) span.name = REDACTED;
  if (span.status?.message && looksPersonal(span.status.message)) span.status.message = REDACTED;
}

interface LogRecordLike {
  body?: unknown;
  attributes: Record<string, unknown>;
  setAttribute(key: string, value: unknown): unknown;
  setBody(body: unknown): unknown;
}

/** Scrubs one log record (events, traces, exceptions) before it is made read-only; AUTH-4's fields stay on security events. */
export function scrubLogRecord(record: LogRecordLike): void {
  const eventName = record.body && typeof record.body === 'object' ? (record.body as { name?: unknown }).name : undefined;
  const security = typeof eventName === 'string' && isSecurityEvent(eventName);
  for (const [key, value] of Object.entries(record.attributes)) {
    if (security && SECURITY_LOG_FIELDS.has(key)) continue;
    const scrubbed = redactValue(value);
    if (scrubbed !== value) record.setAttribute(key, scrubbed);
  }
  if (record.body !== undefined) record.setBody(redactValue(record.body));
}

const noop = async () => {};

/** A SpanProcessor (OpenTelemetry) that scrubs every span as it ends. */
export const scrubbingSpanProcessor = {
  onStart: () => {},
  onEnd: (span: SpanLike) => scrubSpan(span),
  forceFlush: noop,
  shutdown: noop,
};

/** A LogRecordProcessor (OpenTelemetry) that scrubs every log record as it is emitted. */
export const scrubbingLogRecordProcessor = {
  onEmit: (record: LogRecordLike) => scrubLogRecord(record),
  forceFlush: noop,
  shutdown: noop,
};
