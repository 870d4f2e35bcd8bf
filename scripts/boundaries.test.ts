import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import {
  areaCycles,
  boundaryViolations,
  checkedFiles,
  describeViolation,
  folderOf,
  importSites,
  readSources,
  resolveSpecifier,
  type Source,
} from './boundaries.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('area boundaries (issue 16 item 2; README "Areas and their faces")', () => {
  it('no file in shared/ or functions/ reaches into another area, platform imports no area, no area imports http', () => {
    const violations = boundaryViolations(readSources(root)).map(describeViolation);
    expect(violations, `fix by hand, or run \`npx tsx scripts/faces.ts\`:\n${violations.join('\n')}`).toEqual([]);
  });

  it('reads the real tree: the areas, platform and functions/, and their many imports between areas', () => {
    const sources = readSources(root);
    const folders = new Set(sources.map((s) => folderOf(s.path)));
    for (const folder of ['platform', 'accounts', 'auth', 'acl', 'http', 'schools', 'store', 'functions']) expect(folders).toContain(folder);
    const crossing = sources.flatMap((s) =>
      importSites(s.path, s.text)
        .map((site) => resolveSpecifier(s.path, site.specifier))
        .filter((target) => target !== undefined && folderOf(target) !== undefined && folderOf(target) !== folderOf(s.path)),
    );
    expect(crossing.length).toBeGreaterThan(300);
    expect(checkedFiles(root)).toContain('shared/platform/cosmos.ts');
  });

  it('catches each kind of violation in a planted example, and lets the allowed imports pass', () => {
    const planted: Source[] = [
      {
        path: 'shared/schools/planted.ts',
        text: [
          "import type { AccountDoc } from '../accounts/model.js';", // 1 internal (type-only counts too)
          "import { readAccount } from '../accounts/index.js';", // face: fine
          "import { updateWithEtag } from '../platform/cosmos.js';", // platform file: fine
          "import { tellOwner } from './emails.js';", // own area: fine
          "export { toCents } from '../store/money.js';", // 5 internal re-export
          "const later = () => import('../auth/sessions.js');", // 6 internal dynamic import
          "type T = import('../acl/authorize.js').Target;", // 7 internal import type
        ].join('\n'),
      },
      {
        path: 'shared/platform/planted.ts',
        text: [
          "import type { Capability } from '../acl/index.js';",
          "import { dataRegistry } from '../privacy/registry.js';",
          "import { clock } from './clock.js';",
        ].join('\n'),
      },
      {
        path: 'functions/store-planted.ts',
        text: "import { createOrder } from '../shared/store/checkout.js';\nimport { defineHttp } from '../shared/http/index.js';",
      },
      {
        path: 'shared/store/planted.ts',
        text: [
          "import { defineHttp } from '../http/index.js';",
          "import type { HttpResult } from '../platform/definitions.js';",
          "import type { Principal } from '../auth/index.js';",
        ].join('\n'),
      },
      { path: 'shared/http/planted.ts', text: "import { storeErrors } from '../store/index.js';" },
      { path: 'shared/local/planted.ts', text: "import { createSession } from '../auth/sessions.js';" },
      { path: 'shared/schools/planted.test.ts', text: "import { createSession } from '../auth/sessions.js';" },
      { path: 'shared/auth/planted.ts', text: "import { createProviders } from './providers/index.js';" },
    ];
    expect(boundaryViolations(planted).map(describeViolation)).toEqual([
      'shared/schools/planted.ts:1 ../accounts/model.js: reaches into another area (import its index.ts)',
      'shared/schools/planted.ts:5 ../store/money.js: reaches into another area (import its index.ts)',
      'shared/schools/planted.ts:6 ../auth/sessions.js: reaches into another area (import its index.ts)',
      'shared/schools/planted.ts:7 ../acl/authorize.js: reaches into another area (import its index.ts)',
      'shared/platform/planted.ts:1 ../acl/index.js: platform imports an area',
      'shared/platform/planted.ts:2 ../privacy/registry.js: platform imports an area',
      'functions/store-planted.ts:1 ../shared/store/checkout.js: reaches into another area (import its index.ts)',
      'shared/store/planted.ts:1 ../http/index.js: a domain area imports a layer above it (http)',
    ]);
  });

  it('no two areas import each other through their faces, directly or round a loop (issue 16: personal-codes, suspension)', () => {
    expect(areaCycles(readSources(root))).toEqual([]);
  });

  it('finds a planted cycle between two areas and round three, ignoring tests, platform, http and one-way imports', () => {
    const planted: Source[] = [
      { path: 'shared/accounts/age.ts', text: "import { parsePersonalCode } from '../auth/index.js';" },
      { path: 'shared/auth/sessions.ts', text: "import type { AccountDoc } from '../accounts/index.js';" },
      { path: 'shared/store/a.ts', text: "import { x } from '../payments/index.js';" },
      { path: 'shared/payments/b.ts', text: "import { y } from '../support/index.js';" },
      { path: 'shared/support/c.ts', text: "export { z } from '../store/index.js';" },
      { path: 'shared/schools/d.ts', text: "import { tellOwner } from '../auth/index.js';\nimport { clock } from '../platform/clock.js';" },
      { path: 'shared/auth/e.test.ts', text: "import { schoolsErrors } from '../schools/index.js';" },
      { path: 'shared/http/f.ts', text: "import { accountsErrors } from '../accounts/index.js';" },
    ];
    expect(areaCycles(planted)).toEqual([
      ['accounts', 'auth'],
      ['payments', 'store', 'support'],
    ]);
  });
});
