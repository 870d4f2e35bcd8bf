import { z } from 'zod';

import { defineHttp, ok, responds } from '../shared/http/index.js';
import { exportDownload } from '../shared/privacy/index.js';

export default defineHttp({
  name: 'privacy-exports-download',
  route: 'privacy/export-downloads/{token}',
  methods: ['GET'],
  summary:
    'Downloads a data export (PRIV-2) through the short-lived signed link its progress view gave (where Blob Storage cannot sign one itself: in Azure the link is a user-delegation SAS to the blob). An expired link or an export past its 7 days is 410; a link that is not ours 403.',
  tags: ['privacy'],
  auth: 'public',
  params: z.object({ token: z.string().min(1).max(1000) }),
  errors: ['export_link_invalid', 'export_link_expired', 'export_expired'],
  output: responds.file('application/zip'),
  handler: async ({ params, services }) => {
    const file = await exportDownload(services, params.token);
    return ok(file.stream, {
      headers: {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="${file.fileName}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  },
});
