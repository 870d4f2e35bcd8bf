import { describe, expect, it } from 'vitest';

import { type DataRegistry, type DocumentTypeSpec, indexingPolicyOf, infraContainers, validateRegistry } from './registry.js';

/**
 * The registry's checks of anonymise rules and the indexing settings it hands to infra and the embedded Cosmos server
 * (issue 19, module registry: the survivors of its sixth-session run).
 */
const anonymised = (overrides: Partial<DocumentTypeSpec> = {}): DocumentTypeSpec => ({
  type: 'journal-like',
  container: 'people',
  description: 'A shared document naming people.',
  personalData: ['identification'],
  purpose: 'Teach.',
  lawfulBasis: 'contract',
  retention: { kind: 'event', event: 'account-deleted', requirement: 'RET-1' },
  subjectField: 'ownerId',
  find: { partitions: 'subject' },
  export: { omit: [] },
  erasure: 'anonymise',
  anonymise: ['ownerId'],
  requirements: ['RET-1'],
  ...overrides,
});

const registryWith = (...types: DocumentTypeSpec[]): DataRegistry => ({
  database: 'test',
  containers: [{ name: 'people', partitionKeyPath: '/accountId', description: 'People.' }],
  documentTypes: types,
});

describe('PRIV-3: the registry refuses anonymise rules that would not work', () => {
  it('PRIV-3: the well-formed anonymised type has no problems', () => {
    expect(validateRegistry(registryWith(anonymised()))).toEqual([]);
  });

  it('PRIV-3: "field@owner" that removes the partition key is refused, as removing it outright is', () => {
    expect(validateRegistry(registryWith(anonymised({ anonymise: ['ownerId', 'accountId@ownerId'] })))).toEqual([
      'document type journal-like would anonymise its partition key accountId',
    ]);
  });

  it('PRIV-3: a list of ids is covered by its own path; "list[]" drops only objects naming the subject, so it does not cover it', () => {
    expect(validateRegistry(registryWith(anonymised({ subjectField: ['ownerId', 'teacherIds'], anonymise: ['ownerId', 'teacherIds'] })))).toEqual([]);
    expect(validateRegistry(registryWith(anonymised({ subjectField: ['ownerId', 'teacherIds'], anonymise: ['ownerId', 'teacherIds[]'] })))).toEqual([
      'document type journal-like does not anonymise its subject field teacherIds',
    ]);
  });

  it('PRIV-3: an anonymised type without a subject field is reported for that alone', () => {
    const problems = validateRegistry(registryWith(anonymised({ subjectField: undefined })));
    expect(problems).toEqual([expect.stringMatching(/document type journal-like .*no subject field/)]);
  });

  it('PRIV-3: an anonymised type in an unknown container is reported, not a crash', () => {
    const problems = validateRegistry(registryWith(anonymised({ type: 'kept' }), anonymised({ container: 'nowhere' })));
    expect(problems).toEqual(['document type journal-like names unknown container nowhere']);
  });
});

describe('indexing settings (DESIGN 4)', () => {
  it("DESIGN 4: a container's excluded paths reach infra and the Cosmos indexing policy, which indexes everything else", () => {
    const registry: DataRegistry = {
      ...registryWith(anonymised()),
      containers: [{ name: 'people', partitionKeyPath: '/accountId', description: 'People.', excludedPaths: ['/text/?'] }],
    };
    expect(infraContainers(registry).containers).toEqual([
      { name: 'people', partitionKeyPath: '/accountId', defaultTtl: -1, excludedPaths: ['/text/?'] },
    ]);
    expect(indexingPolicyOf(['/text/?', '/blob/*'])).toEqual({
      indexingMode: 'consistent',
      automatic: true,
      includedPaths: [{ path: '/*' }],
      excludedPaths: [{ path: '/text/?' }, { path: '/blob/*' }, { path: '/"_etag"/?' }],
    });
  });
});
