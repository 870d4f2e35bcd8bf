import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { exportViewSchema, readExport } from '../shared/privacy/index.js';

export default defineHttp({
  name: 'privacy-exports-get',
  route: 'me/privacy/exports/{exportId}',
  methods: ['GET'],
  summary:
    'One of my data exports (PRIV-2): its progress while it is built; once ready, a download link valid for 15 minutes (ask again for a new one) until the export is 7 days old, then expired.',
  tags: ['privacy'],
  auth: 'session',
  capability: 'self.read',
  params: z.object({ exportId: z.string().min(1).max(200) }),
  errors: ['export_not_found'],
  output: exportViewSchema,
  handler: async ({ params, principal, services }) => ok(await readExport(services, principal.accountId, principal.accountId, params.exportId)),
});
