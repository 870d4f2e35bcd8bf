import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The interactive API docs page (Swagger UI from the swagger-ui-dist package, served by the app itself: no CDN, so
 * it works offline and leaks no visitor to a third party). The build copies the assets next to the bundle
 * (dist/app/api-docs/); from source they are read from node_modules.
 */
export const apiDocsAssets = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
} as const;
export type ApiDocsAsset = keyof typeof apiDocsAssets;
export const apiDocsAssetNames = Object.keys(apiDocsAssets) as [ApiDocsAsset, ...ApiDocsAsset[]];

/** Folder name of the copied assets beside the bundle; scripts/bundle.ts writes it. */
export const API_DOCS_ASSET_DIR = 'api-docs';

/** Inline scripts would need a weaker Content-Security-Policy, so the page starts Swagger UI from its own file. */
const initScript = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#api-docs', deepLinking: true, validatorUrl: null, tryItOutEnabled: false, displayOperationId: true });
});
`;

/** The page lives at /api/docs, so relative URLs resolve under /api/. */
export const apiDocsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Opiq API</title>
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="api-docs"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/init.js"></script>
</body>
</html>
`;

/** Swagger UI sets styles inline; everything else comes from this origin only. */
export const apiDocsSecurityHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

export const apiDocsInitScript = initScript;

const cache = new Map<ApiDocsAsset, Buffer>();

/** Reads an asset once per process: beside the bundle in Azure, from node_modules when run from source. */
export async function readApiDocsAsset(name: ApiDocsAsset): Promise<Buffer> {
  const cached = cache.get(name);
  if (cached) return cached;
  const here = path.dirname(fileURLToPath(import.meta.url));
  let content: Buffer;
  try {
    content = await readFile(path.join(here, API_DOCS_ASSET_DIR, name));
  } catch {
    content = await readFile(path.join(apiDocsSourceDir(), name));
  }
  cache.set(name, content);
  return content;
}

/** Where swagger-ui-dist's files are in node_modules (the build copies them from here). */
export function apiDocsSourceDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}
