import { z } from 'zod';

import { apiDocsAssets, apiDocsInitScript, apiDocsSecurityHeaders, defineHttp, ok, readApiDocsAsset, responds } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';

export default defineHttp({
  name: 'docs-asset-get',
  route: 'docs/{asset}',
  methods: ['GET'],
  summary: "The docs page's script and style files, served by the app (no CDN).",
  tags: ['operations'],
  auth: 'public',
  params: z.object({ asset: z.string().max(64) }),
  output: responds.file('text/javascript', 'text/css'),
  errors: ['not_found'],
  handler: async ({ params, services }) => {
    // A file that is not there is not found, whatever its name: not a validation error.
    if (!services.config.API_DOCS_ENABLED || !isAsset(params.asset)) throw new AppError('not_found');
    const headers = { 'cache-control': 'public, max-age=86400', ...apiDocsSecurityHeaders };
    if (params.asset === 'init.js') return ok(apiDocsInitScript, { headers: { ...headers, 'content-type': 'text/javascript; charset=utf-8' } });
    return ok(await readApiDocsAsset(params.asset), { headers: { ...headers, 'content-type': apiDocsAssets[params.asset] } });
  },
});

const isAsset = (name: string): name is keyof typeof apiDocsAssets | 'init.js' => name === 'init.js' || Object.hasOwn(apiDocsAssets, name);
