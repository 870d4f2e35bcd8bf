import { z } from 'zod';

import type { Services } from '../platform/services.js';
import { EVIDENCE_PARTITION, type EvidenceDoc, evidenceKeys, evidenceView, subjectHashOf } from './erase.js';

/** What the privacy officer sees of one erasure (PRIV-3): dates, counts, files, holds; the hash and its key id, no person. */
export const erasureEvidenceSchema = z.object({
  subjectHash: z.string(),
  kid: z.string(),
  reason: z.enum(['request', 'retention', 'outcomes']),
  startedAt: z.string(),
  completedAt: z.string(),
  counts: z.record(z.string(), z.object({ deleted: z.number().int(), anonymised: z.number().int(), held: z.number().int() })),
  blobsDeleted: z.number().int(),
  holds: z.array(z.object({ type: z.string(), until: z.string(), kind: z.enum(['legal-hold', 'expires']).optional() })),
});
export type ErasureEvidenceView = z.infer<typeof erasureEvidenceSchema>;

const viewOf = (doc: EvidenceDoc): ErasureEvidenceView => ({ ...evidenceView(doc), kid: doc.kid });

/** Every erasure filed under these hashes, oldest first: one single-partition query (the evidence has one partition). */
async function evidenceUnder(services: Pick<Services, 'db'>, hashes: string[]): Promise<ErasureEvidenceView[]> {
  const found = await services.db.collection('jobs').queryAll<EvidenceDoc>(EVIDENCE_PARTITION, {
    where: "c.type = 'erasure-evidence' AND ARRAY_CONTAINS(@hashes, c.subjectHash)",
    parameters: [{ name: '@hashes', value: hashes }],
    pageSize: 100,
  });
  return found.map(viewOf).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** The evidence filed under one keyed hash (every erasure of that person: a request, outcomes runs). */
export const erasureEvidenceByHash = (services: Pick<Services, 'db'>, subjectHash: string) => evidenceUnder(services, [subjectHash]);

/**
 * The keyed hashes of an account id under every configured evidence key (rotation) and the evidence filed under
 * them. The officer brings the id from their own records (the rights request, kept on legal hold); the platform
 * keeps no id beside the evidence, and nobody can turn a hash back into an id.
 */
export async function erasureEvidenceOfAccount(services: Pick<Services, 'db' | 'config'>, accountId: string) {
  const hashes = evidenceKeys(services.config).map(({ kid }) => ({ kid, subjectHash: subjectHashOf(services.config, accountId, kid) }));
  return { hashes, erasures: await evidenceUnder(services, [...new Set(hashes.map((h) => h.subjectHash))]) };
}
