import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { demoPeople, scanRecordedTelemetry } from './telemetry-scan.js';

describe('the end-of-run telemetry scan (LOG-2)', () => {
  it('LOG-2: knows the demo people and the stand-in providers users by name', () => {
    const names = demoPeople().map((p) => `${p.firstName} ${p.lastName}`);
    expect(names).toEqual(expect.arrayContaining(['Mari Mets', 'Aino Virtanen', 'Toomas Teine']));
  });

  it('LOG-2: a recorded file with a deliberate leak fails the scan; a clean one passes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opiq-telemetry-'));
    const clean = JSON.stringify({ kind: 'request', name: 'auth-login', url: '/api/auth/harid/login?loginHint=[redacted]' });
    writeFileSync(join(dir, 'a.jsonl'), `${clean}\n`);
    expect(scanRecordedTelemetry(dir)).toMatchObject({ files: 1, leaks: [] });
    const leak = JSON.stringify({ kind: 'trace', message: 'signed in as Aino%20Virtanen' });
    writeFileSync(join(dir, 'b.jsonl'), `${clean}\n${leak}\n`);
    expect(scanRecordedTelemetry(dir).leaks).toEqual([{ at: 'b.jsonl:2', reason: 'name of a person', excerpt: 'signed in as Aino%20Virtanen' }]);
  });
});
