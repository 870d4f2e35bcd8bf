import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { exportViewSchema, readExport } from '../shared/privacy/index.js';

export default defineHttp({
  name: 'privacy-exports-child-get',
  route: 'children/{childId}/privacy/exports/{exportId}',
  methods: ['GET'],
  summary:
    "The export of my child's data that I asked for (PRIV-2, PRIV-7: the export request reached processing): its progress, then a 15-minute download link until it is 7 days old. The zip is the child's data.",
  tags: ['privacy', 'family'],
  auth: 'session',
  capability: 'child.rights.read',
  params: z.object({ childId: z.string().min(1).max(100), exportId: z.string().min(1).max(200) }),
  target: ({ params }) => ({ accountId: params.childId }),
  errors: ['export_not_found'],
  output: exportViewSchema,
  handler: async ({ params, principal, services }) => ok(await readExport(services, principal.accountId, params.childId, params.exportId)),
});
