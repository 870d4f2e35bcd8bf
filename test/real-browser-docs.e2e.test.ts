import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { definitions } from '../functions/index.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { ARTIFACTS, browserRequired, CHROMIUM, chromiumPresent, launchChromium, withPage } from './browser/harness.js';

/** Issue 16: a front-end developer opening /api/docs in a browser finds every operation, with nothing loaded from elsewhere. */
const runSuite = chromiumPresent || browserRequired;

if (!runSuite)
  describe('real browser: API docs page', () => {
    it.skip(`SKIPPED: the real-browser suite needs ${CHROMIUM} (apt-get install -y chromium)`, () => {});
  });

describe.runIf(runSuite)('real browser: the API docs page', () => {
  let host: LocalHost;
  let browser: Browser;

  beforeAll(async () => {
    if (!chromiumPresent) throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM} is missing: apt-get install -y chromium`);
    host = await startLocalHost({ port: 0, seed: false, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('renders in Chromium and lists every operation of /api/openapi.json, loading nothing from another origin', async () => {
    const spec = (await (await fetch(`${host.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId: string }>> };
    const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
    const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((k) => methods.has(k))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(operations.length).toBeGreaterThan(50);
    // Every route of the app is an operation of the document, by its name (the not-found catch-all is not an API).
    const operationIds = Object.values(spec.paths).flatMap((item) =>
      Object.entries(item)
        .filter(([k]) => methods.has(k))
        .map(([, op]) => op.operationId),
    );
    const routeNames = definitions.filter((d) => d.kind === 'http' && d.name !== 'http-not-found').map((d) => d.name);
    expect([...new Set(operationIds)].sort()).toEqual([...new Set(routeNames)].sort());

    await withPage(browser, 'api-docs', async (page) => {
      const foreign: string[] = [];
      const errors: string[] = [];
      const origin = new URL(host.url).origin;
      page.on('request', (request) => {
        const url = request.url();
        if (!url.startsWith(origin) && !url.startsWith('data:')) foreign.push(url);
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${host.url}/api/docs`);
      await page.locator('.opblock').first().waitFor();
      // An operation with two tags is shown under each: compare the set of operations, not the count of blocks.
      const shown = async () =>
        new Set(
          await page
            .locator('.opblock-summary')
            .evaluateAll((blocks) =>
              blocks.map(
                (b) =>
                  `${b.querySelector('.opblock-summary-method')?.textContent ?? ''} ${b.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? ''}`,
              ),
            ),
        );
      // Swagger UI renders operations as they scroll into view (and may drop those far above), so walk down the page
      // and collect what has been shown, until every operation was seen or the bottom is reached.
      const seen = new Set<string>();
      const seenIds = new Set<string>();
      for (let step = 0; step < 500; step++) {
        for (const operation of await shown()) seen.add(operation);
        for (const id of await page.locator('.opblock-summary-operation-id').allTextContents()) seenIds.add(id);
        if (operations.every((o) => seen.has(o)) && operationIds.every((id) => seenIds.has(id))) break;
        // Strings, not functions: the tests compile without the DOM library.
        const bottom = await page.evaluate<boolean>('window.scrollBy(0, 400), window.innerHeight + window.scrollY >= document.body.scrollHeight - 2');
        await page.waitForTimeout(bottom ? 500 : 50);
        if (bottom && step > 0 && (await page.evaluate<boolean>('window.innerHeight + window.scrollY >= document.body.scrollHeight - 2'))) {
          for (const operation of await shown()) seen.add(operation);
          for (const id of await page.locator('.opblock-summary-operation-id').allTextContents()) seenIds.add(id);
          break;
        }
      }
      expect([...seen].sort()).toEqual([...new Set(operations)].sort());
      // And each under its operationId, the name front-end developers find it by.
      expect([...seenIds].sort()).toEqual([...new Set(operationIds)].sort());
      await page.evaluate('window.scrollTo(0, 0)');
      expect(await page.locator('.info .title').textContent()).toContain('Opiq');
      mkdirSync(ARTIFACTS, { recursive: true });
      // Kept as an artefact: what a front-end developer sees.
      await page.screenshot({ path: join(ARTIFACTS, 'api-docs.png'), fullPage: false });
      expect(foreign).toEqual([]);
      expect(errors).toEqual([]);
    });
  });
});
