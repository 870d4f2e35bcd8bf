import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { unitConfig } from '../../test/unit-config.js';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import type { Clock } from '../platform/clock.js';
import { createDatabase, type Database } from '../platform/cosmos.js';
import { isAppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import { exportDownload, readExport } from './export-job.js';
import { dataRegistry, storageRules } from './registry.js';

/**
 * PRIV-5: the app-signed download link of a data export (outside Azure, where no SAS is handed out), against the
 * embedded Cosmos server in the test worker so mutation testing reaches it (issue 19, module export-link). The MAC is
 * computed here independently of the code under test.
 */
const MINUTE = 60_000;
const key = (kid: string, fill: number) => `${kid}:${Buffer.alloc(32, fill).toString('base64url')}`;
const configWith = (keys: string) => unitConfig({ API_PUBLIC_URL: 'http://api.example:7071', SESSION_SIGNING_KEYS: keys });
const SIGNING = configWith(key('first', 1));
const ROTATED = configWith(`${key('second', 2)},${key('first', 1)}`);
const OTHER = configWith(key('other', 3));

class StillClock implements Clock {
  at = 0;
  now = () => new Date(this.at);
}
const clock = new StillClock();
const start = Date.parse('2026-11-30T10:00:00.000Z');
const readyAt = '2026-11-29T09:00:00.000Z';
const sevenDaysOver = Date.parse('2026-12-06T09:00:00.000Z');

let cosmos: EmbeddedCosmos;
let db: Database;
const opened: string[] = [];
const stored = new Map<string, () => NodeJS.ReadableStream>();
const blobs = {
  openRead: async (name: string) => {
    opened.push(name);
    return stored.get(name)?.();
  },
};
const services = (config = SIGNING, extra: object = {}) => ({ db, clock, config, blobs: { ...blobs, ...extra } }) as unknown as Services;

let serial = 0;
async function readyExport(extra: Record<string, unknown> = {}): Promise<{ accountId: string; id: string }> {
  serial += 1;
  const accountId = `acc-link-${serial}`;
  const id = `export:link-${serial}`;
  await db.collection('jobs').create({
    id,
    type: 'privacy-export',
    accountId,
    requestedBy: accountId,
    status: 'ready',
    progress: { typesDone: 1, typesTotal: 1, filesDone: 0, filesTotal: 0 },
    runs: 1,
    requestedAt: readyAt,
    readyAt,
    expiresAt: new Date(sevenDaysOver).toISOString(),
    blobName: `exports/${id}.zip`,
    sizeBytes: 3,
    ...extra,
  });
  stored.set(`exports/${id}.zip`, () => Readable.from([Buffer.from('zip')]));
  return { accountId, id };
}

/** The link the requester is handed, and its token. */
async function link(job: { accountId: string; id: string }, config = SIGNING) {
  const view = await readExport(services(config), job.accountId, job.accountId, job.id);
  const url = view.download!.url;
  const prefix = 'http://api.example:7071/api/privacy/export-downloads/';
  expect(url.startsWith(prefix)).toBe(true);
  return { view, token: url.slice(prefix.length) };
}

const sign = (fill: number, payload: object | string) => {
  const text = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8').toString('base64url');
  const mac = createHmac('sha256', Buffer.alloc(32, fill)).update(`opiq-export-link\n${text}`).digest('base64url');
  return `${text}.${mac}`;
};

async function refusal(token: string, config = SIGNING): Promise<string | undefined> {
  try {
    const { stream } = await exportDownload(services(config), token);
    stream.resume();
    return undefined;
  } catch (error) {
    for (const code of ['export_link_invalid', 'export_link_expired', 'export_expired'] as const) if (isAppError(error, code)) return code;
    throw error;
  }
}

const text = async (stream: NodeJS.ReadableStream) => {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part as Buffer));
  return Buffer.concat(parts).toString('utf8');
};

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock);
});
afterAll(async () => {
  await cosmos?.close();
});
beforeEach(() => {
  clock.at = start;
  opened.length = 0;
});

describe('export download links (PRIV-5)', () => {
  it('PRIV-5: the link names the export, lasts 15 minutes, and serves its zip under the date it was made', async () => {
    const job = await readyExport();
    const { view, token } = await link(job);
    expect(view.download!.expiresAt).toBe(new Date(start + 15 * MINUTE).toISOString());
    const [payload] = token.split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'))).toEqual({ a: job.accountId, e: job.id, x: start + 15 * MINUTE });
    expect(token).toBe(sign(1, { a: job.accountId, e: job.id, x: start + 15 * MINUTE }));
    const download = await exportDownload(services(), token);
    expect(download.fileName).toBe('opiq-data-2026-11-29.zip');
    expect(await text(download.stream)).toBe('zip');
    expect(opened).toEqual([`exports/${job.id}.zip`]);
  });

  it('PRIV-5: the link expires at its 15th minute to the millisecond, and never outlives the 7 days of the export', async () => {
    const job = await readyExport();
    const { token } = await link(job);
    clock.at = start + 15 * MINUTE - 1;
    expect(await refusal(token)).toBeUndefined();
    clock.at = start + 15 * MINUTE;
    expect(await refusal(token)).toBe('export_link_expired');

    // Asked 5 minutes before the 7 days are over: the link lasts those 5 minutes, not 15.
    clock.at = sevenDaysOver - 5 * MINUTE;
    const late = await link(job);
    expect(late.view.download!.expiresAt).toBe(new Date(sevenDaysOver).toISOString());
    clock.at = sevenDaysOver - 1;
    expect(await refusal(late.token)).toBeUndefined();
  });

  it('PRIV-5: an export past its 7 days is gone even through a link that has not expired', async () => {
    const job = await readyExport();
    // A link signed to last beyond the export (as one from before the 7 days were shortened would).
    const token = sign(1, { a: job.accountId, e: job.id, x: sevenDaysOver + 60 * MINUTE });
    clock.at = sevenDaysOver - 1;
    expect(await refusal(token)).toBeUndefined();
    clock.at = sevenDaysOver;
    expect(await refusal(token)).toBe('export_expired');
    expect(opened).toEqual([`exports/${job.id}.zip`]);
  });

  it('PRIV-5: a forged, altered or mangled link is refused before anything is read', async () => {
    const job = await readyExport();
    const { token } = await link(job);
    const [payload, mac] = token.split('.') as [string, string];
    const other = await readyExport();
    const forOther = Buffer.from(JSON.stringify({ a: other.accountId, e: other.id, x: start + 15 * MINUTE })).toString('base64url');
    expect(await refusal(`${forOther}.${mac}`)).toBe('export_link_invalid');
    expect(await refusal(sign(3, { a: job.accountId, e: job.id, x: start + 15 * MINUTE }))).toBe('export_link_invalid');
    expect(await refusal(`${payload}.${mac.slice(0, -2)}`)).toBe('export_link_invalid');
    expect(await refusal(`${payload}.${mac}AA`)).toBe('export_link_invalid');
    expect(await refusal(payload)).toBe('export_link_invalid');
    expect(await refusal(`.${mac}`)).toBe('export_link_invalid');
    expect(await refusal('')).toBe('export_link_invalid');
    expect(opened).toEqual([]);
  });

  it('PRIV-5: a signed payload of another shape is refused (extra field, missing field, text for the time)', async () => {
    const job = await readyExport();
    const x = start + 15 * MINUTE;
    expect(await refusal(sign(1, { a: job.accountId, e: job.id, x, admin: true }))).toBe('export_link_invalid');
    expect(await refusal(sign(1, { a: job.accountId, e: job.id }))).toBe('export_link_invalid');
    expect(await refusal(sign(1, { a: job.accountId, e: job.id, x: String(x) }))).toBe('export_link_invalid');
    expect(await refusal(sign(1, { a: job.accountId, x }))).toBe('export_link_invalid');
    expect(await refusal(sign(1, { a: job.accountId, e: job.id, x }))).toBeUndefined();
  });

  it('PRIV-5: key rotation: the first key signs, every listed key verifies; a link of an unlisted key is refused', async () => {
    const job = await readyExport();
    const byFirst = (await link(job)).token;
    const bySecond = (await link(job, ROTATED)).token;
    expect(bySecond).toBe(sign(2, { a: job.accountId, e: job.id, x: start + 15 * MINUTE }));
    expect(await refusal(byFirst, ROTATED)).toBeUndefined();
    expect(await refusal(bySecond, ROTATED)).toBeUndefined();
    expect(await refusal(bySecond)).toBe('export_link_invalid');
    expect(await refusal(byFirst, OTHER)).toBe('export_link_invalid');
    await expect(readExport(services({ ...SIGNING, SESSION_SIGNING_KEYS: [] }), job.accountId, job.accountId, job.id)).rejects.toThrow(
      'No signing key',
    );
  });

  it('PRIV-5: a link to an export that is not a ready export (unknown, another type, no zip, zip gone) is expired, not a failure', async () => {
    const x = start + 15 * MINUTE;
    expect(await refusal(sign(1, { a: 'acc-nobody', e: 'export:none', x }))).toBe('export_expired');
    // Another document of the jobs container under an export-like id (its type decides, not its id).
    await db.collection('jobs').create({ id: 'export:closure', type: 'account-closure', accountId: 'acc-closed', closedAt: readyAt, as: 'self' });
    expect(await refusal(sign(1, { a: 'acc-closed', e: 'export:closure', x }))).toBe('export_expired');
    const noZip = await readyExport({ blobName: undefined });
    expect(await refusal(sign(1, { a: noZip.accountId, e: noZip.id, x }))).toBe('export_expired');
    const noEnd = await readyExport({ expiresAt: undefined });
    expect(await refusal(sign(1, { a: noEnd.accountId, e: noEnd.id, x }))).toBe('export_expired');
    const gone = await readyExport();
    stored.delete(`exports/${gone.id}.zip`);
    expect(await refusal(sign(1, { a: gone.accountId, e: gone.id, x }))).toBe('export_expired');
  });

  it('PRIV-5: a zip without a ready date is named generically; a web-style stream is handed on as a Node stream', async () => {
    const job = await readyExport({ readyAt: undefined });
    stored.set(
      `exports/${job.id}.zip`,
      () =>
        (async function* () {
          yield Buffer.from('z');
          yield Buffer.from('ip');
        })() as unknown as NodeJS.ReadableStream,
    );
    const download = await exportDownload(services(), sign(1, { a: job.accountId, e: job.id, x: start + MINUTE }));
    expect(download.fileName).toBe('opiq-data-export.zip');
    expect(download.stream).toBeInstanceOf(Readable);
    expect(await text(download.stream)).toBe('zip');
  });

  it('PRIV-5: in Azure the link is Blob Storage’s own (a SAS), asked for the same expiry and download name', async () => {
    const job = await readyExport();
    const asked: unknown[] = [];
    const readLink = async (name: string, options: unknown) => {
      asked.push({ name, options });
      return 'https://blob.example/sas';
    };
    const view = await readExport(services(SIGNING, { readLink }), job.accountId, job.accountId, job.id);
    expect(view.download).toEqual({ url: 'https://blob.example/sas', expiresAt: new Date(start + 15 * MINUTE).toISOString() });
    expect(asked).toEqual([
      { name: `exports/${job.id}.zip`, options: { expiresOn: new Date(start + 15 * MINUTE), downloadName: 'opiq-data-2026-11-29.zip' } },
    ]);
  });

  it('PRIV-5: only a ready export within its 7 days, with its zip, is handed a link', async () => {
    const view = async (job: { accountId: string; id: string }) => readExport(services(), job.accountId, job.accountId, job.id);
    const running = await readyExport({ status: 'running' });
    expect(await view(running)).toMatchObject({ status: 'running' });
    expect((await view(running)).download).toBeUndefined();
    const noZip = await readyExport({ blobName: undefined });
    expect((await view(noZip)).download).toBeUndefined();
    const ready = await readyExport();
    clock.at = sevenDaysOver;
    expect(await view(ready)).toMatchObject({ status: 'expired' });
    expect((await view(ready)).download).toBeUndefined();
    clock.at = sevenDaysOver - 1;
    expect((await view(ready)).download).toBeDefined();
  });
});
