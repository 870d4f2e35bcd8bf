import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import * as identityUsers from '../shared/local/identity/users.js';
import { demoDocuments } from '../shared/local/seed.js';
import { findLeaks, type KnownPersonalData, type TelemetryLeak } from '../shared/platform/telemetry-scan.js';
import { runAsScript } from './run-as-script.js';

/**
 * The last step of `npm test` (LOG-2): everything the local hosts sent to telemetry during the run (vitest sets
 * OPIQ_TELEMETRY_RECORD_DIR, test/global-setup.ts empties it first) is scanned for e-mails, personal codes, IPs and
 * tokens (also percent-encoded) and the names of the demo people. Any hit, or no records at all, fails the run.
 */
export const TELEMETRY_RECORD_DIR = 'test-artifacts/telemetry';

const NAME_FIELDS: [string, string][] = [
  ['firstName', 'lastName'],
  ['first_name', 'last_name'],
  ['given_name', 'family_name'],
];

/** Every first and last name pair anywhere in the demo data and the sign-in providers' stand-in users. */
function namesIn(value: unknown, out: KnownPersonalData['people'] = []): KnownPersonalData['people'] {
  if (Array.isArray(value)) for (const v of value) namesIn(v, out);
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const [first, last] of NAME_FIELDS) {
      const [firstName, lastName] = [record[first], record[last]];
      if (typeof firstName === 'string' && typeof lastName === 'string') out.push({ firstName, lastName });
    }
    for (const v of Object.values(record)) namesIn(v, out);
  }
  return out;
}

export function demoPeople(): KnownPersonalData['people'] {
  const all = namesIn([demoDocuments().map((d) => d.doc), Object.values(identityUsers)]);
  return [...new Map(all.map((p) => [`${p.firstName} ${p.lastName}`.toLowerCase(), p])).values()];
}

export function scanRecordedTelemetry(dir: string): { files: number; lines: number; leaks: TelemetryLeak[] } {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')) : [];
  const known = { people: demoPeople() };
  let lines = 0;
  const leaks: TelemetryLeak[] = [];
  for (const file of files) {
    const content = readFileSync(join(dir, file), 'utf8').split('\n');
    lines += content.length;
    leaks.push(...findLeaks(content, known, file));
  }
  return { files: files.length, lines, leaks };
}

runAsScript(import.meta.url, async () => {
  const dir = process.env.OPIQ_TELEMETRY_RECORD_DIR ?? TELEMETRY_RECORD_DIR;
  const { files, lines, leaks } = scanRecordedTelemetry(dir);
  if (files === 0) {
    console.error(`telemetry scan: no records in ${dir}: the local hosts recorded nothing, so nothing was proven (LOG-2)`);
    return 1;
  }
  if (leaks.length > 0) {
    console.error(`telemetry scan: ${leaks.length} personal values in what was sent to telemetry (LOG-2):`);
    for (const leak of leaks.slice(0, 50)) console.error(`  ${leak.at} ${leak.reason}: ${leak.excerpt}`);
    return 1;
  }
  console.log(`telemetry scan: ${lines} lines in ${files} files, no personal data (LOG-2)`);
  return 0;
});
