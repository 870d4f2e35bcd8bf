import { z } from 'zod';

import { erasureEvidenceByHash, erasureEvidenceSchema } from '../shared/erasure/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';

export default defineHttp({
  name: 'ops-erasures-get',
  route: 'ops/erasures/{hash}',
  methods: ['GET'],
  summary:
    'The privacy officer shows an erasure happened (PRIV-3): every erasure filed under this keyed hash, with its dates, counts per type, files deleted and holds with their end dates; no personal data.',
  tags: ['operations', 'privacy'],
  auth: 'session',
  capability: 'ops.erasures.read',
  params: z.object({ hash: z.string().regex(/^[A-Za-z0-9_-]{32}$/) }),
  output: z.object({ subjectHash: z.string(), erasures: z.array(erasureEvidenceSchema) }),
  errors: ['erasure_evidence_not_found'],
  handler: async ({ params, services }) => {
    const erasures = await erasureEvidenceByHash(services, params.hash);
    if (erasures.length === 0) throw new AppError('erasure_evidence_not_found');
    return ok({ subjectHash: params.hash, erasures });
  },
});
