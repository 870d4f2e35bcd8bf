import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { checkedFiles } from './boundaries.js';
import { runFaces } from './faces.js';

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
  vi.restoreAllMocks();
});

/** A small project of its own: tsconfig, package.json and the given files. */
function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'faces-'));
  dirs.push(root);
  const all: Record<string, string> = {
    'package.json': '{ "type": "module" }',
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        verbatimModuleSyntax: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
      },
      include: ['shared', 'functions'],
    }),
    ...files,
  };
  for (const [file, text] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

const snapshot = (root: string) => Object.fromEntries(checkedFiles(root).map((f) => [f, readFileSync(path.join(root, f), 'utf8')]));
const quietly = () => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
};

describe('scripts/faces.ts, the faces codemod', () => {
  it('rewrites imports into other areas to their index.ts, adds named re-exports, merges imports; a second run changes nothing', () => {
    quietly();
    const root = fixture({
      'shared/accounts/model.ts': 'export interface AccountDoc { id: string }\nexport const accountView = (a: AccountDoc) => a.id;\n',
      'shared/accounts/store.ts': 'export function readAccount(): string { return "a"; }\n',
      'shared/platform/cosmos.ts': 'export const db = 1;\n',
      'shared/schools/local.ts': 'export const x = 1;\n',
      'shared/schools/members.ts': [
        "import type { AccountDoc } from '../accounts/model.js';",
        "import { accountView } from '../accounts/model.js';",
        "import { readAccount } from '../accounts/store.js';",
        "import { db } from '../platform/cosmos.js';",
        "import { x } from './local.js';",
        '',
        'export const m = (a: AccountDoc) => [accountView(a), readAccount(), db, x];',
        '',
      ].join('\n'),
      'shared/store/orders.ts': "import { readAccount as read } from '../accounts/store.js';\nexport const o = read;\n",
      'functions/schools-get.ts': "import { m } from '../shared/schools/members.js';\nexport default m;\n",
    });

    expect(runFaces({ root, check: false, lint: false })).toBe(0);
    const after = snapshot(root);
    expect(after['shared/schools/members.ts']).toBe(
      [
        "import { type AccountDoc, accountView, readAccount } from '../accounts/index.js';",
        "import { db } from '../platform/cosmos.js';",
        "import { x } from './local.js';",
        '',
        'export const m = (a: AccountDoc) => [accountView(a), readAccount(), db, x];',
        '',
      ].join('\n'),
    );
    expect(after['shared/store/orders.ts']).toContain("import { readAccount as read } from '../accounts/index.js';");
    expect(after['functions/schools-get.ts']).toContain("import { m } from '../shared/schools/index.js';");
    expect(after['shared/accounts/index.ts']).toContain(
      "export { type AccountDoc, accountView } from './model.js';\nexport { readAccount } from './store.js';\n",
    );
    expect(after['shared/schools/index.ts']).toContain("export { m } from './members.js';\n");
    expect(after['shared/platform/index.ts']).toBeUndefined();

    expect(runFaces({ root, check: true, lint: false })).toBe(0);
    expect(runFaces({ root, check: false, lint: false })).toBe(0);
    expect(snapshot(root)).toEqual(after);
  });

  it('adds to an existing index and its existing re-export of the same file, and refuses a name the index exports from elsewhere', () => {
    quietly();
    const root = fixture({
      'shared/auth/a.ts': 'export const dup = 1;\nexport const one = 1;\nexport const two = 2;\n',
      'shared/auth/b.ts': 'export const dup = 2;\n',
      'shared/auth/index.ts': "export { one } from './a.js';\nexport { dup } from './b.js';\n",
      'shared/schools/c.ts': "import { two } from '../auth/a.js';\nexport const c = two;\n",
      'shared/schools/d.ts': "import { dup } from '../auth/a.js';\nexport const d = dup;\n",
    });

    expect(runFaces({ root, check: false, lint: false })).toBe(1);
    const after = snapshot(root);
    expect(after['shared/auth/index.ts']).toBe("export { one, two } from './a.js';\nexport { dup } from './b.js';\n");
    expect(after['shared/schools/c.ts']).toContain("from '../auth/index.js'");
    expect(after['shared/schools/d.ts']).toContain("import { dup } from '../auth/a.js';");
  });
});

describe('scripts/faces.ts brings along code written before the moves', () => {
  it('follows a moved file and moved names, then makes the faces', () => {
    quietly();
    const root = fixture({
      'shared/platform/paging.ts': 'export const pageOf = 1;\n',
      'shared/platform/idempotency.ts': 'export const keyedId = 2;\n',
      'shared/http/idempotency.ts': 'export const idempotencyKey = 3;\n',
      'shared/learning/tasks.ts':
        "import { pageOf } from '../http/paging.js';\nimport { keyedId } from '../http/idempotency.js';\nexport const t = [pageOf, keyedId];\n",
      'functions/learning-tasks.ts':
        "import { idempotencyKey, keyedId } from '../shared/http/idempotency.js';\nexport default [idempotencyKey, keyedId];\n",
    });
    expect(runFaces({ root, check: false, lint: false })).toBe(0);
    const after = snapshot(root);
    expect(after['shared/learning/tasks.ts']).toBe(
      "import { pageOf } from '../platform/paging.js';\nimport { keyedId } from '../platform/idempotency.js';\nexport const t = [pageOf, keyedId];\n",
    );
    expect(after['functions/learning-tasks.ts']).toBe(
      "import { idempotencyKey } from '../shared/http/index.js';\nimport { keyedId } from '../shared/platform/idempotency.js';\nexport default [idempotencyKey, keyedId];\n",
    );
    expect(runFaces({ root, check: true, lint: false })).toBe(0);
  });
});
