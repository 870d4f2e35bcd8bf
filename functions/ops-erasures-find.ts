import { z } from 'zod';

import { erasureEvidenceOfAccount, erasureEvidenceSchema } from '../shared/erasure/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'ops-erasures-find',
  route: 'ops/erasures',
  methods: ['GET'],
  summary:
    'The privacy officer brings an account id from their own records (PRIV-3): its keyed hash under every evidence key and the erasures filed under them (none: an empty list). The platform keeps no id beside the evidence.',
  tags: ['operations', 'privacy'],
  auth: 'session',
  capability: 'ops.erasures.read',
  query: z.object({ accountId: z.string().min(1).max(100) }),
  errors: [],
  output: z.object({ hashes: z.array(z.object({ kid: z.string(), subjectHash: z.string() })), erasures: z.array(erasureEvidenceSchema) }),
  handler: async ({ query, services }) => {
    const found = await erasureEvidenceOfAccount(services, query.accountId);
    return ok(found);
  },
});
