import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';

import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { runExport, startExport } from '../shared/privacy/index.js';
import { ARTIFACTS, browserRequired, CHROMIUM, chromiumPresent, launchChromium, withPage } from './browser/harness.js';
import { marker, writeSubjectDocuments } from './privacy-fixtures.js';

/** PRIV-2: the export's index.html, extracted from the zip as a person would, renders offline in Chromium. */
const runSuite = chromiumPresent || browserRequired;
const PERSON = 'acc-export-browser';

if (!runSuite)
  describe('real browser: data export', () => {
    it.skip(`SKIPPED: the real-browser suite needs ${CHROMIUM} (apt-get install -y chromium)`, () => {});
  });

function extract(zipBytes: Uint8Array, into: string): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(Buffer.from(zipBytes), { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      zip.on('entry', (entry: yauzl.Entry) =>
        zip.openReadStream(entry, (err, stream) => {
          if (err) return reject(err);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            const target = join(into, entry.fileName);
            mkdirSync(dirname(target), { recursive: true });
            writeFileSync(target, Buffer.concat(chunks));
            zip.readEntry();
          });
        }),
      );
      zip.on('end', resolve);
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe.runIf(runSuite)('real browser: the data export', () => {
  let host: LocalHost;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    if (!chromiumPresent) throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM} is missing: apt-get install -y chromium`);
    host = await startLocalHost({ port: 0, seed: false, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false });
    await writeSubjectDocuments(host.services.db, PERSON);
    await host.services.blobs.put(`accounts/${PERSON}/material-1/upload-1`, new TextEncoder().encode('%PDF-1.7\n%%EOF\n'), 'application/pdf');
    const { job } = await startExport(host.services, { subjectAccountId: PERSON, requestedBy: PERSON });
    await runExport(host.services, { accountId: PERSON, exportId: job.id });
    const stored = await host.services.db.collection('jobs').read<{ id: string; type: string; blobName: string }>(job.id, PERSON);
    const zip = await host.services.blobs.get(stored!.blobName);
    dir = mkdtempSync(join(tmpdir(), 'opiq-export-'));
    await extract(zip!.bytes, dir);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('PRIV-2: index.html opens offline, lists the records and files, links a readable page per kind, loads nothing from elsewhere', async () => {
    await withPage(browser, 'privacy-export-index', async (page) => {
      const foreign: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith('file://')) foreign.push(request.url());
      });
      await page.goto(pathToFileURL(join(dir, 'index.html')).href);
      await expect(page.locator('h1').textContent()).resolves.toBe('Your data on Opiq');
      expect(await page.locator('tbody tr').count()).toBeGreaterThan(20);
      await expect(page.locator('a[href="files/material-1/upload-1"]').count()).resolves.toBe(1);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'privacy-export-index.png'), fullPage: false });

      await page.locator('a[href="pages/account.html"]').click();
      await expect(page.locator('h1').textContent()).resolves.toBe('account');
      await expect(page.locator('body').textContent()).resolves.toContain(marker(PERSON, 'account'));
      expect(foreign).toEqual([]);
    });
  });
});
