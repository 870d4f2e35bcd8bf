import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';

import yazl from 'yazl';
import { z } from 'zod';

import type { AccountDoc } from '../accounts/index.js';
import { queueEmail } from '../messaging/index.js';
import { type Doc, updateWithEtag } from '../platform/cosmos.js';
import { countries, type Country, countryProfile } from '../platform/countries.js';
import { AppError } from '../platform/errors.js';
import { type Language, languages } from '../platform/language.js';
import type { Services } from '../platform/services.js';
import { type ExportedType, indexPage, metadataOf, readmeText, typeDataPath, typePage, typePagePath } from './export-page.js';
import { exportableTypes, subjectDocuments } from './subject-documents.js';

/**
 * The data export (PRIV-2): an asynchronous job on the `privacy-exports` queue with its state and progress in the
 * `jobs` container (partition: the subject), a zip streamed into Blob Storage (yazl: ZIP64, lazy sources, research
 * section 5), downloadable for 7 days through short-lived links, and an e-mail when it is ready.
 */
const DOWNLOAD_DAYS = 7;
const LINK_MINUTES = 15;
const DAY_MS = 86_400_000;
/** Progress is written every this many files (each write is a Cosmos operation). */
const PROGRESS_EVERY_FILES = 5;

type ExportStatus = 'queued' | 'running' | 'ready';

interface ExportJobDoc extends Doc {
  type: 'privacy-export';
  /** The subject: whose data it is (and the partition). */
  accountId: string;
  /** Who asked: the person, a parent, operator staff. */
  requestedBy: string;
  /** The data-subject request it fulfils (shared/rights), when there is one. */
  requestId?: string;
  status: ExportStatus;
  progress: { typesDone: number; typesTotal: number; filesDone: number; filesTotal: number };
  /** How many times the zip was built: a repeated message after it was ready builds nothing. */
  runs: number;
  requestedAt: string;
  startedAt?: string;
  readyAt?: string;
  expiresAt?: string;
  blobName?: string;
  sizeBytes?: number;
  /** The ready listeners have run (a redelivery after a failed listener runs them, and only them, again). */
  readyNotified?: boolean;
}

/** What a ready listener learns: enough to close the data-subject request the export fulfils. */
interface ReadyExport {
  exportId: string;
  accountId: string;
  requestedBy: string;
  requestId?: string;
}
type ExportReadyListener = (services: Services, ready: ReadyExport) => Promise<void>;
const readyListeners: ExportReadyListener[] = [];

/**
 * Called once for each export when its zip is ready. The composition registers the rights-requests part's step here
 * (request -> done), so privacy never imports that area (as rights' registerFulfilment keeps it from importing this).
 */
export function onExportReady(listener: ExportReadyListener): void {
  readyListeners.push(listener);
}

async function notifyReady(services: Services, job: ExportJobDoc): Promise<void> {
  const ready: ReadyExport = {
    exportId: job.id,
    accountId: job.accountId,
    requestedBy: job.requestedBy,
    ...(job.requestId ? { requestId: job.requestId } : {}),
  };
  for (const listener of readyListeners) await listener(services, ready);
  await updateWithEtag<ExportJobDoc>(services.db.collection('jobs'), job.id, job.accountId, (current) =>
    current.readyNotified ? undefined : { ...current, readyNotified: true },
  );
}

export const exportViewSchema = z.strictObject({
  id: z.string(),
  accountId: z.string(),
  status: z.enum(['queued', 'running', 'ready', 'expired']),
  progress: z.strictObject({ typesDone: z.number(), typesTotal: z.number(), filesDone: z.number(), filesTotal: z.number() }),
  requestedAt: z.string(),
  readyAt: z.string().optional(),
  expiresAt: z.string().optional(),
  sizeBytes: z.number().optional(),
  /** A link valid for 15 minutes; ask again for a new one. */
  download: z.strictObject({ url: z.string(), expiresAt: z.string() }).optional(),
});
type ExportView = z.infer<typeof exportViewSchema>;

export const exportMessageSchema = z.strictObject({ accountId: z.string().min(1).max(100), exportId: z.string().min(1).max(200) });

async function readJob(services: Pick<Services, 'db'>, accountId: string, exportId: string): Promise<ExportJobDoc | undefined> {
  const job = await services.db.collection('jobs').read<ExportJobDoc>(exportId, accountId);
  return job?.type === 'privacy-export' ? job : undefined;
}

/**
 * Starts an export of a subject's data. The rights-requests part calls it when an export request reaches processing
 * (requestId: the same request never starts two jobs); the self-service route with the person's own id. An export of
 * the person's still queued or running is returned instead of a second one.
 */
export async function startExport(
  services: Services,
  input: { subjectAccountId: string; requestedBy: string; requestId?: string },
): Promise<{ job: ExportView; started: boolean }> {
  const jobs = services.db.collection('jobs');
  const open = input.requestId
    ? await readJob(services, input.subjectAccountId, `export:${input.requestId}`)
    : (
        await jobs.query<ExportJobDoc>(input.subjectAccountId, {
          where: "c.type = 'privacy-export' AND c.status != 'ready' AND c.requestedBy = @by",
          parameters: [{ name: '@by', value: input.requestedBy }],
          pageSize: 1,
        })
      ).items[0];
  if (open) return { job: await exportView(services, open), started: false };
  const job: ExportJobDoc = {
    id: `export:${input.requestId ?? randomUUID()}`,
    type: 'privacy-export',
    accountId: input.subjectAccountId,
    requestedBy: input.requestedBy,
    ...(input.requestId ? { requestId: input.requestId } : {}),
    status: 'queued',
    progress: { typesDone: 0, typesTotal: exportableTypes().length, filesDone: 0, filesTotal: 0 },
    runs: 0,
    requestedAt: services.clock.now().toISOString(),
  };
  await jobs.create(job);
  await services.bus.send('privacy-exports', { body: { accountId: job.accountId, exportId: job.id }, messageId: `privacy-export:${job.id}` });
  return { job: await exportView(services, job), started: true };
}

/** The job as its requester sees it; a ready one carries a fresh short-lived link until its 7 days are over. */
async function exportView(services: Services, job: ExportJobDoc): Promise<ExportView> {
  const now = services.clock.now();
  const expired = job.status === 'ready' && job.expiresAt !== undefined && now >= new Date(job.expiresAt);
  const view: ExportView = {
    id: job.id,
    accountId: job.accountId,
    status: expired ? 'expired' : job.status,
    progress: job.progress,
    requestedAt: job.requestedAt,
    ...(job.readyAt ? { readyAt: job.readyAt } : {}),
    ...(job.expiresAt ? { expiresAt: job.expiresAt } : {}),
    ...(job.sizeBytes !== undefined ? { sizeBytes: job.sizeBytes } : {}),
  };
  if (job.status !== 'ready' || expired || !job.blobName) return view;
  const linkExpires = new Date(Math.min(now.getTime() + LINK_MINUTES * 60_000, new Date(job.expiresAt!).getTime()));
  return { ...view, download: { url: await downloadLink(services, job, linkExpires), expiresAt: linkExpires.toISOString() } };
}

/** The requester's view of one export; someone else's is not found (its id says nothing about whose it is). */
export async function readExport(services: Services, requester: string, subjectAccountId: string, exportId: string): Promise<ExportView> {
  const job = await readJob(services, subjectAccountId, exportId);
  if (!job || (job.requestedBy !== requester && job.accountId !== requester)) throw new AppError('export_not_found');
  return exportView(services, job);
}

// -------------------------------------------------------------------------------------------------------------
// Links: in Azure a user-delegation SAS straight to Blob Storage; elsewhere a link the app signs and serves, checked
// against the app's clock (so the local clock can expire it).

const downloadName = (job: ExportJobDoc) => `opiq-data-${job.readyAt?.slice(0, 10) ?? 'export'}.zip`;

const linkMac = (secret: Uint8Array, payload: string) => createHmac('sha256', secret).update(`opiq-export-link\n${payload}`).digest();

async function downloadLink(services: Services, job: ExportJobDoc, expiresOn: Date): Promise<string> {
  if (services.blobs.readLink) return services.blobs.readLink(job.blobName!, { expiresOn, downloadName: downloadName(job) });
  const key = services.config.SESSION_SIGNING_KEYS[0];
  if (!key) throw new Error('No signing key');
  const payload = Buffer.from(JSON.stringify({ a: job.accountId, e: job.id, x: expiresOn.getTime() }), 'utf8').toString('base64url');
  return `${services.config.API_PUBLIC_URL}/api/privacy/export-downloads/${payload}.${linkMac(key.secret, payload).toString('base64url')}`;
}

const linkPayloadSchema = z.strictObject({ a: z.string(), e: z.string(), x: z.number() });

/** The zip behind an app-signed link: a forged link is refused, an expired one or an export past its 7 days is gone. */
export async function exportDownload(services: Services, token: string): Promise<{ stream: Readable; fileName: string }> {
  const [payload = '', mac = ''] = token.split('.');
  const macBytes = Buffer.from(mac, 'base64url');
  const valid = services.config.SESSION_SIGNING_KEYS.some((k) => {
    const expected = linkMac(k.secret, payload);
    return expected.length === macBytes.length && timingSafeEqual(expected, macBytes);
  });
  const parsed = valid ? linkPayloadSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))) : undefined;
  if (!parsed?.success) throw new AppError('export_link_invalid');
  const now = services.clock.now().getTime();
  if (now >= parsed.data.x) throw new AppError('export_link_expired');
  const job = await readJob(services, parsed.data.a, parsed.data.e);
  if (!job?.blobName || !job.expiresAt || now >= new Date(job.expiresAt).getTime()) throw new AppError('export_expired');
  // Streamed from Blob Storage: an export can be far larger than the memory of one instance.
  const stream = await services.blobs.openRead(job.blobName);
  if (!stream) throw new AppError('export_expired');
  return { stream: stream instanceof Readable ? stream : Readable.from(stream), fileName: downloadName(job) };
}

// -------------------------------------------------------------------------------------------------------------
// The job

/**
 * Runs one export (the queue function's handler). Idempotent: a ready export is left as it is; a job that crashed
 * half-way is built again from the start (the zip blob is overwritten whole, so no partial zip is ever ready).
 */
export async function runExport(services: Services, message: z.output<typeof exportMessageSchema>): Promise<void> {
  const jobs = services.db.collection('jobs');
  const started = await updateWithEtag<ExportJobDoc>(
    jobs,
    message.exportId,
    message.accountId,
    (job) =>
      job.status === 'ready'
        ? undefined
        : {
            ...job,
            status: 'running',
            runs: job.runs + 1,
            startedAt: services.clock.now().toISOString(),
            progress: { ...job.progress, typesDone: 0, filesDone: 0 },
          },
    { type: 'privacy-export' },
  );
  if (!started) return;
  if (!started.changed) {
    // Ready already: nothing is built again; only listeners that failed last time run again.
    if (!started.doc.readyNotified) await notifyReady(services, started.doc);
    return;
  }
  let job = started.doc;
  const progress = async (change: Partial<ExportJobDoc['progress']>) => {
    const updated = await updateWithEtag<ExportJobDoc>(jobs, job.id, job.accountId, (current) => ({
      ...current,
      progress: { ...current.progress, ...change },
    }));
    if (updated) job = updated.doc;
  };

  const collected: { spec: ExportedType['spec']; documents: Record<string, unknown>[] }[] = [];
  for await (const found of subjectDocuments(services, job.accountId)) collected.push(found);
  const files = await filesOf(services, job.accountId, collected);
  await progress({ typesDone: collected.length, typesTotal: collected.length, filesTotal: files.length });

  const blobName = `exports/${job.accountId}/${job.id.replace(/[^A-Za-z0-9_-]/g, '_')}.zip`;
  const account = collected.find((c) => c.spec.type === 'account')?.documents[0];
  const sizeBytes = await writeZip(services, blobName, {
    accountId: job.accountId,
    name: account && nameOf(account),
    ...readerOf(account),
    createdAt: services.clock.now().toISOString(),
    collected,
    files,
    onFile: async (done) => {
      if (done % PROGRESS_EVERY_FILES === 0 || done === files.length) await progress({ filesDone: done });
    },
  });

  const now = services.clock.now();
  const ready = await updateWithEtag<ExportJobDoc>(jobs, job.id, job.accountId, (current) => ({
    ...current,
    status: 'ready',
    readyAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + DOWNLOAD_DAYS * DAY_MS).toISOString(),
    blobName,
    sizeBytes,
    progress: { ...current.progress, filesDone: files.length },
  }));
  if (!ready) return;
  await tellReady(services, ready.doc);
  await notifyReady(services, ready.doc);
}

const nameOf = (account: Record<string, unknown>) =>
  [account.firstName, account.lastName].filter((part): part is string => typeof part === 'string').join(' ') || undefined;

/** The person's files the registry names (blob prefixes of the types they have records of). */
async function filesOf(
  services: Services,
  accountId: string,
  collected: { spec: ExportedType['spec']; documents: unknown[] }[],
): Promise<{ blob: string; path: string; size: number }[]> {
  const prefixes = new Set(collected.flatMap(({ spec }) => (spec.blobs ? [spec.blobs.prefix.replace('{accountId}', accountId)] : [])));
  const files: { blob: string; path: string; size: number }[] = [];
  for (const prefix of prefixes)
    for (const blob of await services.blobs.list(prefix))
      files.push({ blob: blob.name, path: `files/${safeEntryName(blob.name.slice(prefix.length))}`, size: blob.size });
  return files;
}

/** The subject's language and country from their exported account document, when it holds valid ones. */
function readerOf(account: Record<string, unknown> | undefined): { language?: Language; country?: Country } {
  const language = (languages as readonly unknown[]).includes(account?.language) ? (account!.language as Language) : undefined;
  const country = (countries as readonly unknown[]).includes(account?.country) ? (account!.country as Country) : undefined;
  return { ...(language ? { language } : {}), ...(country ? { country } : {}) };
}

/** A zip entry name from a blob name: no parent or absolute paths, no characters Windows refuses. */
function safeEntryName(name: string): string {
  const parts = name
    .split('/')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach a file name
    .map((p) => p.replace(/[\\:*?"<>|\u0000-\u001f]/g, '_').slice(0, 120))
    .filter((p) => p && p !== '.' && p !== '..');
  return parts.join('/') || 'file';
}

const FIXED_MTIME = (iso: string) => new Date(iso);

/** Streams the zip into Blob Storage: each entry's source is opened only when yazl is ready for it (flat memory). */
async function writeZip(
  services: Services,
  blobName: string,
  input: {
    accountId: string;
    name?: string;
    /** The subject's language and country (OPS-3): the page's words and who is responsible. */
    language?: Language;
    country?: Country;
    createdAt: string;
    collected: { spec: ExportedType['spec']; documents: Record<string, unknown>[] }[];
    files: { blob: string; path: string; size: number }[];
    onFile: (done: number) => Promise<void>;
  },
): Promise<number> {
  const zip = new yazl.ZipFile();
  const mtime = FIXED_MTIME(input.createdAt);
  const text = (name: string, make: () => string) =>
    zip.addReadStreamLazy(name, { mtime }, (callback) => callback(null, Readable.from([Buffer.from(make(), 'utf8')])));

  const withData = input.collected.filter((c) => c.documents.length > 0);
  text('README.txt', () => readmeText(input.language));
  text('index.html', () =>
    indexPage({
      accountId: input.accountId,
      name: input.name,
      createdAt: input.createdAt,
      types: input.collected.map(({ spec, documents }) => ({ spec, count: documents.length })),
      files: input.files.map((f) => ({ path: f.path, size: f.size })),
      ...(input.language ? { language: input.language } : {}),
      ...(input.country ? { responsible: countryProfile(services.config, input.country) } : {}),
    }),
  );
  text('metadata.json', () =>
    metadataOf(
      withData.map(({ spec, documents }) => ({ spec, fields: [...new Set(documents.flatMap((d) => Object.keys(d)))].sort() })),
      input.language,
    ),
  );
  for (const { spec, documents } of withData) {
    text(typeDataPath(spec.type), () => JSON.stringify(documents, null, 2));
    text(typePagePath(spec.type), () => typePage(spec, documents, input.language));
  }
  let done = 0;
  // Files are stored as they are (compress: false): most are compressed already, and it costs no CPU.
  for (const file of input.files)
    zip.addReadStreamLazy(file.path, { mtime, compress: false }, (callback) => {
      void services.blobs.openRead(file.blob).then(
        async (stream) => {
          await input.onFile(++done);
          callback(null, stream ?? Readable.from([]));
        },
        (error: Error) => callback(error, undefined as never),
      );
    });
  zip.end();
  return services.blobs.upload(blobName, zip.outputStream as Readable, 'application/zip');
}

async function tellReady(services: Services, job: ExportJobDoc): Promise<void> {
  const requester = await services.db.collection('accounts').read<AccountDoc>(job.requestedBy, job.requestedBy);
  if (requester?.type !== 'account' || !requester.email) return;
  const texts = {
    et: {
      subject: 'Sinu andmete väljavõte on valmis',
      text: 'Andmete väljavõte on valmis ja allalaaditav 7 päeva. Ava Opiq ja vaata privaatsusseadeid.',
    },
    fi: {
      subject: 'Tietojesi vienti on valmis',
      text: 'Tietojen vienti on valmis ja ladattavissa 7 päivää. Avaa Opiq ja katso tietosuoja-asetukset.',
    },
    en: {
      subject: 'Your data export is ready',
      text: 'Your data export is ready and can be downloaded for 7 days. Open Opiq and go to your privacy settings.',
    },
  }[requester.language];
  await queueEmail(
    services,
    { to: requester.email, ...texts, category: 'service', country: requester.country, language: requester.language },
    `privacy-export-ready:${job.id}`,
  );
}
