import { z } from 'zod';

import { erasureEvidenceOfAccount, erasureEvidenceSchema } from '../shared/erasure/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';

export default defineHttp({
  name: 'ops-erasures-find',
  route: 'ops/erasures',
  methods: ['GET'],
  summary:
    'The privacy officer brings an account id from their own records (PRIV-3): its keyed hash under every evidence key and the erasures filed under them (none: an empty list). The platform keeps no id beside the evidence.',
  tags: ['operations', 'privacy'],
  auth: 'session',
  capability: 'ops.erasures.read',
  // Optional in the schema so that a caller without the capability is refused (403) before the query is judged.
  query: z.object({ accountId: z.string().min(1).max(100).optional() }),
  errors: ['erasure_account_id_required'],
  output: z.object({ hashes: z.array(z.object({ kid: z.string(), subjectHash: z.string() })), erasures: z.array(erasureEvidenceSchema) }),
  handler: async ({ query, services }) => {
    if (!query.accountId) throw new AppError('erasure_account_id_required');
    const found = await erasureEvidenceOfAccount(services, query.accountId);
    return ok(found);
  },
});
