import { describe, expect, it } from 'vitest';

import { ConsoleTelemetry, looksPersonal, MemoryTelemetry, safeErrorSummary, scrubPersonalData } from './telemetry.js';

const R = '[redacted]';

describe('scrubPersonalData', () => {
  it.each([
    ['e-mail', 'mari.maasikas@kool.ee'],
    ['e-mail inside text', 'sent to mari+news@kool.ee today'],
    ['Estonian personal code (AUTH-3)', '38207146522'],
    ['Estonian personal code inside text', 'isikukood=49403136526 ok'],
    ['Finnish HETU, 1900s', '131052-308T'],
    ['Finnish HETU, 2000s (A)', '010101A123N'],
    ['Finnish HETU, new 1900s letter (Y)', '010594Y9032'],
    ['Finnish HETU, new 2000s letter (B)', '020502B123C'],
    ['Finnish HETU, 1800s', '010190+123A'],
    ['IPv4', '192.168.10.1'],
    ['IPv4 in a header value', 'for=203.0.113.7;proto=https'],
    ['IPv6, full', '2001:0db8:85a3:0000:0000:8a2e:0370:7334'],
    ['IPv6, compressed', '2001:db8::1'],
    ['IPv6, compressed in the middle', '2a02:2a38:1::5'],
    ['IPv6, compressed with a long tail', 'fe80::1ff:fe23:4567:890a'],
    ['IPv4-mapped IPv6', '::ffff:192.0.2.128'],
  ])('AUTH-3/LOG-2: redacts %s', (_label, value) => {
    expect(looksPersonal(value)).toBe(true);
    expect(scrubPersonalData({ value })).toEqual({ value: R });
  });

  it.each([
    ['account id', 'acc_01HZX3K4Q9'],
    ['uuid', '3f2504e0-4f89-41d3-9a0c-0305e82c3301'],
    ['count', 42],
    ['large count', 1234567],
    ['boolean', true],
    ['ISO time', '2026-11-22T10:15:30.123Z'],
    ['route', 'accounts/{id}'],
    ['function name', 'email-send'],
    ['duration', '12:30:45'],
    ['version', 'v4.16'],
    ['13-digit millisecond timestamp', '1795339200000'],
  ])('keeps ordinary values: %s', (_label, value) => {
    expect(scrubPersonalData({ value })).toEqual({ value: String(value) });
  });

  it('drops undefined properties and stringifies the rest', () => {
    expect(scrubPersonalData({ a: undefined, n: 3, ok: false })).toEqual({ n: '3', ok: 'false' });
    expect(scrubPersonalData(undefined)).toEqual({});
  });

  it('AUTH-4: security events keep ip, country and browser but still redact personal values in other fields', () => {
    const properties = { ip: '203.0.113.7', country: 'EE', browser: 'Firefox 132', email: 'mari@kool.ee', note: 'user 38207146522' };
    expect(scrubPersonalData(properties, true)).toEqual({ ip: '203.0.113.7', country: 'EE', browser: 'Firefox 132', email: R, note: R });
    // Not a security event: the ip goes too.
    expect(scrubPersonalData(properties).ip).toBe(R);
  });
});

describe('looksPersonal remembers harmless values only', () => {
  it('LOG-2: a personal value is found every time, however many harmless values were seen before (and after the memory is full)', () => {
    expect(looksPersonal('mari.maasikas@example.ee')).toBe(true);
    for (let i = 0; i < 5000; i++) expect(looksPersonal(`route-${i}`)).toBe(false);
    expect(looksPersonal('mari.maasikas@example.ee')).toBe(true);
    expect(looksPersonal('mari.maasikas@example.ee')).toBe(true);
    expect(looksPersonal('route-4999')).toBe(false);
    expect(looksPersonal('39001010000 x')).toBe(true);
  });
});

describe('ConsoleTelemetry', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, telemetry: new ConsoleTelemetry((line) => lines.push(line)) };
  };

  it('LOG-2: writes one JSON line per record, without personal values', () => {
    const { lines, telemetry } = capture();
    telemetry.event('account.updated', { accountId: 'acc-1', email: 'mari@kool.ee' }, { fields: 2 });
    telemetry.trace('preferences saved', { ip: '203.0.113.7', count: 3 });
    expect(lines).toHaveLength(2);
    const [event, trace] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(event).toMatchObject({
      kind: 'event',
      name: 'account.updated',
      properties: { accountId: 'acc-1', email: R },
      measurements: { fields: 2 },
    });
    expect(typeof event?.time).toBe('string');
    expect(trace).toMatchObject({ kind: 'trace', message: 'preferences saved', properties: { ip: R, count: '3' } });
    const all = lines.join('\n');
    expect(all).not.toContain('mari@kool.ee');
    expect(all).not.toContain('203.0.113.7');
  });

  it('AUTH-4: a security event line keeps ip, country and browser', () => {
    const { lines, telemetry } = capture();
    telemetry.event('security.signin.failed', { ip: '2001:db8::7', country: 'FI', browser: 'Safari', email: 'x@y.fi' });
    expect(JSON.parse(lines[0]!)).toMatchObject({ properties: { ip: '2001:db8::7', country: 'FI', browser: 'Safari', email: R } });
  });

  it('exception telemetry does not contain a personal value from the error message', () => {
    const { lines, telemetry } = capture();
    telemetry.exception(new Error('No account for mari@kool.ee'), { function: 'accounts-me' });
    telemetry.exception(new TypeError('bad code 38207146522'));
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ kind: 'exception', errorType: 'Error', errorMessage: R, properties: { function: 'accounts-me' } });
    expect(second).toMatchObject({ errorType: 'TypeError', errorMessage: R });
    expect(Array.isArray(first?.stack)).toBe(true);
    expect(lines.join('\n')).not.toMatch(/mari@kool\.ee|38207146522/);
  });

  it('exception telemetry does not leak a personal value on a later line of a multi-line error message', () => {
    const { lines, telemetry } = capture();
    telemetry.exception(new Error('Validation failed:\n  email: mari@kool.ee\n  code: 38207146522\n  ip: 203.0.113.7'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/mari@kool\.ee|38207146522|203\.0\.113\.7/);
    const record = JSON.parse(lines[0]!) as { stack?: string[] };
    // The stack still helps: it carries the frames.
    expect(record.stack?.length).toBeGreaterThan(0);
    expect(record.stack?.every((l) => l.startsWith('at '))).toBe(true);
  });

  it('keeps a harmless error message for the developer', () => {
    const { lines, telemetry } = capture();
    telemetry.exception(new RangeError('page size must be at most 100'));
    expect(JSON.parse(lines[0]!)).toMatchObject({ errorType: 'RangeError', errorMessage: 'page size must be at most 100' });
  });
});

describe('safeErrorSummary and MemoryTelemetry', () => {
  it('summarises non-errors without their value', () => {
    expect(safeErrorSummary('mari@kool.ee')).toEqual({ errorType: 'string', errorMessage: '[non-error thrown]' });
  });

  it('MemoryTelemetry keeps the newest records, between its limit and a tenth more, dropping the oldest in one go', () => {
    const memory = new MemoryTelemetry(100);
    for (let i = 0; i < 110; i++) memory.event(`e${i}`);
    expect(memory.records).toHaveLength(110);
    memory.event('e110');
    expect(memory.records.map((r) => r.name)).toEqual(Array.from({ length: 100 }, (_, i) => `e${i + 11}`));
    for (let i = 111; i < 1000; i++) memory.trace(`t${i}`);
    expect(memory.records.length).toBeLessThanOrEqual(110);
    expect(memory.records.at(-1)?.name).toBe('t999');
  });

  it('MemoryTelemetry applies the same scrubbing', () => {
    const memory = new MemoryTelemetry();
    memory.event('security.signin', { ip: '203.0.113.7', email: 'a@b.ee' });
    memory.exception(new Error('for a@b.ee'), { ip: '203.0.113.7' });
    expect(memory.records[0]?.properties).toEqual({ ip: '203.0.113.7', email: R });
    expect(memory.records[1]?.properties).toMatchObject({ ip: R, errorMessage: R, errorType: 'Error' });
  });
});
