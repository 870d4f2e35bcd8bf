import { describe, expect, it } from 'vitest';

import {
  containerSpec,
  containerUsesTtl,
  type DataRegistry,
  dataRegistry,
  type DocumentTypeSpec,
  documentTypeSpec,
  infraContainers,
  storageRules,
  ttlOnWrite,
  validateRegistry,
} from './registry.js';

/** A well-formed personal-data type; each test breaks one thing. */
const personal = (overrides: Partial<DocumentTypeSpec> = {}): DocumentTypeSpec => ({
  type: 'profile',
  container: 'people',
  description: 'A profile.',
  personalData: ['identification'],
  purpose: 'Identify the user.',
  lawfulBasis: 'contract',
  retention: { kind: 'event', event: 'account-deleted', requirement: 'RET-1' },
  subjectField: 'accountId',
  find: { partitions: 'subject' },
  export: { omit: [] },
  erasure: 'delete',
  requirements: ['RET-1'],
  ...overrides,
});

const registryWith = (...types: DocumentTypeSpec[]): DataRegistry => ({
  database: 'test',
  containers: [{ name: 'people', partitionKeyPath: '/accountId', description: 'People.' }],
  documentTypes: types,
});

describe('validateRegistry', () => {
  it('the real data registry has no problems', () => {
    expect(validateRegistry(dataRegistry)).toEqual([]);
  });

  it('the well-formed fixture has no problems (so each failure below comes from the one thing broken)', () => {
    expect(validateRegistry(registryWith(personal()))).toEqual([]);
  });

  it("PRIV-2, PRIV-3: blobs a type stands for live in the users' files container under a per-account prefix", () => {
    expect(validateRegistry(registryWith(personal({ blobs: { container: 'user-files', prefix: 'accounts/{accountId}/' } })))).toEqual([]);
    expect(validateRegistry(registryWith(personal({ blobs: { container: 'elsewhere', prefix: 'accounts/{accountId}/' } })))).toEqual([
      'document type profile names unknown blob container elsewhere',
    ]);
    const withBlobs = dataRegistry.documentTypes.filter((t) => t.blobs);
    expect(withBlobs.map((t) => [t.type, t.blobs])).toEqual([['material-library', { container: 'user-files', prefix: 'accounts/{accountId}/' }]]);
  });

  it("PRIV-2 (issue 12 item 8): a personal-data type must say where a subject's documents are, and why when they cannot be found", () => {
    expect(validateRegistry(registryWith(personal({ find: undefined })))).toEqual([
      "document type profile holds personal data but says not where a subject's documents are (find)",
    ]);
    expect(validateRegistry(registryWith(personal({ find: { partitions: 'none', reason: ' ' } })))).toEqual([
      'document type profile cannot be found per subject and says not why',
    ]);
    expect(validateRegistry(registryWith(personal({ find: { partitions: 'none', reason: 'Keyed by hashes.' } })))).toEqual([]);
  });

  it('PRIV-2: a personal-data type without an export step is reported', () => {
    const problems = validateRegistry(registryWith(personal({ export: undefined })));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/document type profile .*no export step/);
  });

  it('PRIV-3: a personal-data type without an erasure step is reported', () => {
    const problems = validateRegistry(registryWith(personal({ erasure: undefined })));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/document type profile .*no erasure step/);
  });

  it('PRIV-3: an anonymised type must say where the subject is, cover every subject field and keep its partition key', () => {
    const shared = (overrides: Partial<DocumentTypeSpec>) =>
      personal({ subjectField: ['ownerId', 'members[].accountId'], erasure: 'anonymise', ...overrides });
    expect(validateRegistry(registryWith(shared({ anonymise: ['ownerId', 'members[]', 'name@ownerId'] })))).toEqual([]);
    expect(validateRegistry(registryWith(shared({ anonymise: ['ownerId', 'members[].accountId'] })))).toEqual([]);
    expect(validateRegistry(registryWith(shared({ anonymise: undefined })))).toEqual([
      'document type profile is anonymised but does not say which fields (anonymise)',
    ]);
    expect(validateRegistry(registryWith(shared({ anonymise: ['name@ownerId'] })))).toEqual([
      'document type profile does not anonymise its subject field ownerId',
      'document type profile does not anonymise its subject field members[].accountId',
    ]);
    expect(validateRegistry(registryWith(shared({ anonymise: ['ownerId'] })))).toEqual([
      'document type profile does not anonymise its subject field members[].accountId',
    ]);
    expect(validateRegistry(registryWith(personal({ erasure: 'anonymise', anonymise: ['accountId'] })))).toEqual([
      'document type profile would anonymise its partition key accountId',
    ]);
    expect(validateRegistry(registryWith(personal({ anonymise: ['accountId'] })))).toEqual([
      'document type profile lists fields to anonymise but is not anonymised',
    ]);
  });

  it('a personal-data type without a subject field is reported', () => {
    const problems = validateRegistry(registryWith(personal({ subjectField: undefined })));
    expect(problems).toEqual([expect.stringMatching(/document type profile .*no subject field/)]);
  });

  it('a personal-data type kept indefinitely is reported', () => {
    const problems = validateRegistry(registryWith(personal({ retention: { kind: 'indefinite', reason: 'organisation-data' } })));
    expect(problems).toEqual([expect.stringMatching(/document type profile .*kept indefinitely/)]);
  });

  it('RET-3: legal hold with an event retention (nothing ends the hold) is reported; with accounting retention it is fine', () => {
    const problems = validateRegistry(registryWith(personal({ erasure: 'legal-hold' })));
    expect(problems).toEqual([expect.stringMatching(/document type profile .*legal hold/)]);
    expect(validateRegistry(registryWith(personal({ erasure: 'legal-hold', retention: { kind: 'accounting', requirement: 'RET-3' } })))).toEqual([]);
  });

  it('a type in an unknown container is reported', () => {
    const problems = validateRegistry(registryWith(personal(), personal({ type: 'stray', container: 'nowhere' })));
    expect(problems).toEqual([expect.stringMatching(/document type stray names unknown container nowhere/)]);
  });

  it('a type declared twice is reported', () => {
    const problems = validateRegistry(registryWith(personal(), personal()));
    expect(problems).toEqual([expect.stringMatching(/document type profile is declared twice/)]);
  });

  it('a container with no declared types is reported', () => {
    const registry = registryWith(personal());
    registry.containers.push({ name: 'empty', partitionKeyPath: '/id', description: 'Nothing.' });
    expect(validateRegistry(registry)).toEqual([expect.stringMatching(/container empty holds no declared document type/)]);
  });

  it('a container declared twice is reported (infra would create it once, with whichever key came first)', () => {
    const registry = registryWith(personal());
    registry.containers.push({ name: 'people', partitionKeyPath: '/id', description: 'Again.' });
    expect(validateRegistry(registry)).toEqual(['container people is declared twice']);
  });

  it.each([['accountId'], ['/'], ['/1accountId'], ['/account/id'], ['/account-id'], ['x/accountId'], ['/accountId/'], ['']])(
    'DESIGN 4: a partition key path %j that is not one top-level property is reported',
    (partitionKeyPath) => {
      const registry = registryWith(personal());
      registry.containers[0] = { name: 'people', partitionKeyPath: partitionKeyPath as `/${string}`, description: 'People.' };
      expect(validateRegistry(registry)).toEqual(['container people has an invalid partition key path']);
    },
  );

  it('DESIGN 4: one-letter and alphanumeric top-level paths are valid partition keys', () => {
    for (const partitionKeyPath of ['/a', '/subjectId2', '/ID']) {
      const registry = registryWith(personal());
      registry.containers[0] = { name: 'people', partitionKeyPath: partitionKeyPath as `/${string}`, description: 'People.' };
      expect(validateRegistry(registry), partitionKeyPath).toEqual([]);
    }
  });

  it.each([[0], [-1], [Number.NaN]])('RET: a fixed retention of %s days is reported (it would delete at once, or never)', (days) => {
    const problems = validateRegistry(registryWith(personal({ retention: { kind: 'fixed', days, requirement: 'RET-6' } })));
    expect(problems).toEqual(['document type profile has a fixed retention without days']);
    expect(validateRegistry(registryWith(personal({ retention: { kind: 'fixed', days: 1, requirement: 'RET-6' } })))).toEqual([]);
  });

  it('PRIV-1: a type with a blank purpose or no requirement is reported', () => {
    expect(validateRegistry(registryWith(personal({ purpose: '  ' })))).toEqual(['document type profile has no purpose']);
    expect(validateRegistry(registryWith(personal({ requirements: [] })))).toEqual(['document type profile names no requirement']);
  });

  it('a type without personal data needs no export, erasure or subject field, and may be kept indefinitely', () => {
    const catalogue = personal({
      personalData: [],
      export: undefined,
      erasure: undefined,
      subjectField: undefined,
      retention: { kind: 'indefinite', reason: 'catalogue-data' },
    });
    expect(validateRegistry(registryWith(catalogue))).toEqual([]);
  });

  it('RET-8: legal hold with a fixed retention is fine (the period ends the hold)', () => {
    expect(
      validateRegistry(registryWith(personal({ erasure: 'legal-hold', retention: { kind: 'fixed', days: 1827, requirement: 'RET-8' } }))),
    ).toEqual([]);
  });

  it('problems name the type and what is missing, in full', () => {
    expect(validateRegistry(registryWith(personal({ export: undefined, personalData: ['identification', 'contact'] })))).toEqual([
      'document type profile holds personal data (identification, contact) but has no export step',
    ]);
    expect(validateRegistry(registryWith(personal({ erasure: undefined, personalData: ['identification', 'contact'] })))).toEqual([
      'document type profile holds personal data (identification, contact) but has no erasure step',
    ]);
    expect(validateRegistry(registryWith(personal({ subjectField: undefined })))).toEqual([
      'document type profile holds personal data but names no subject field',
    ]);
    expect(validateRegistry(registryWith(personal({ retention: { kind: 'indefinite', reason: 'organisation-data' } })))).toEqual([
      'document type profile holds personal data but is kept indefinitely',
    ]);
    expect(validateRegistry(registryWith(personal({ erasure: 'legal-hold' })))).toEqual([
      'document type profile is under legal hold without a fixed or accounting retention that ends it',
    ]);
    expect(validateRegistry(registryWith(personal(), personal({ type: 'stray', container: 'nowhere' })))).toEqual([
      'document type stray names unknown container nowhere',
    ]);
    expect(validateRegistry(registryWith(personal(), personal()))).toEqual(['document type profile is declared twice']);
  });

  it('reports every problem of a type, not just the first', () => {
    const problems = validateRegistry(registryWith(personal({ export: undefined, erasure: undefined, subjectField: undefined })));
    expect(problems).toHaveLength(3);
    expect(problems.every((p) => p.includes('profile'))).toBe(true);
  });
});

describe('looking up the registry', () => {
  it('a document type is found by container and type name, and only by a string type', () => {
    expect(documentTypeSpec('accounts', 'account')).toMatchObject({ type: 'account', container: 'accounts' });
    expect(documentTypeSpec('logins', 'account')).toBeUndefined();
    // A type field that is not a string (from a stored document) never matches, even one that prints as a name.
    expect(documentTypeSpec('accounts', ['account'])).toBeUndefined();
    expect(documentTypeSpec('accounts', undefined)).toBeUndefined();
  });

  it('a container is found by name; an unknown one is an error that names it', () => {
    expect(containerSpec('accounts')).toMatchObject({ name: 'accounts', partitionKeyPath: '/accountId' });
    expect(containerSpec('audit')).toMatchObject({ name: 'audit', partitionKeyPath: '/subjectId' });
    expect(() => containerSpec('nowhere')).toThrow('Container nowhere is not in the data registry');
  });
});

describe('storageRules (what the Cosmos adapter is given)', () => {
  it('DESIGN 4: the partition key path of each container comes from the registry; an undeclared container is refused', () => {
    expect(storageRules.partitionKeyPath('accounts')).toBe('/accountId');
    expect(storageRules.partitionKeyPath('audit')).toBe('/subjectId');
    expect(() => storageRules.partitionKeyPath('nowhere' as never)).toThrow('Container nowhere is not in the data registry');
  });

  it('PRIV-1: only a type declared for that container may be written; an undeclared one, or one declared elsewhere, is refused', () => {
    expect(storageRules.documentType('accounts', 'account')).toBeDefined();
    expect(storageRules.documentType('accounts', 'no-such-type')).toBeUndefined();
    expect(storageRules.documentType('logins', 'account')).toBeUndefined();
    expect(storageRules.documentType('accounts', undefined)).toBeUndefined();
  });

  it("RET-1, RET-6: a declared type's write gets the ttl of its own retention rule", () => {
    const now = new Date('2026-11-30T12:00:00Z');
    // Event retention: the caller's ttl passes, none is invented.
    expect(storageRules.documentType('accounts', 'account')!.ttlOnWrite(now, 3600)).toBe(3600);
    expect(storageRules.documentType('accounts', 'account')!.ttlOnWrite(now, undefined)).toBeUndefined();
    // Fixed retention: 400 days whatever the caller passes.
    expect(storageRules.documentType('jobs', 'timer-run')!.ttlOnWrite(now, 10)).toBe(400 * 86_400);
  });
});

describe('ttlOnWrite', () => {
  const accounting: DocumentTypeSpec = personal({ type: 'invoice', retention: { kind: 'accounting', requirement: 'RET-3' } });
  const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;

  it('RET-3: accounting documents live until 1 January of the year + 8 (7 years plus the running year)', () => {
    expect(ttlOnWrite(accounting, new Date('2026-11-22T00:00:00Z'), undefined)).toBe(seconds('2026-11-22T00:00:00Z', '2034-01-01T00:00:00Z'));
    expect(ttlOnWrite(accounting, new Date('2026-12-31T23:59:59Z'), undefined)).toBe(seconds('2026-12-31T23:59:59Z', '2034-01-01T00:00:00Z'));
    // The next day belongs to the next financial year.
    expect(ttlOnWrite(accounting, new Date('2027-01-01T00:00:00Z'), undefined)).toBe(seconds('2027-01-01T00:00:00Z', '2035-01-01T00:00:00Z'));
  });

  it('RET-3: an explicit ttl does not shorten accounting retention', () => {
    expect(ttlOnWrite(accounting, new Date('2026-11-22T00:00:00Z'), 60)).toBe(seconds('2026-11-22T00:00:00Z', '2034-01-01T00:00:00Z'));
  });

  it('RET-6: fixed retention is days * 86400 whatever the caller passes', () => {
    const spec = documentTypeSpec('jobs', 'timer-run')!;
    expect(ttlOnWrite(spec, new Date(), undefined)).toBe(400 * 86_400);
    expect(ttlOnWrite(spec, new Date(), 10)).toBe(400 * 86_400);
  });

  it('RET-1: event retention passes an explicit ttl through and sets none otherwise; indefinite sets none', () => {
    const account = documentTypeSpec('accounts', 'account')!;
    expect(ttlOnWrite(account, new Date(), 3600)).toBe(3600);
    expect(ttlOnWrite(account, new Date(), undefined)).toBeUndefined();
    expect(ttlOnWrite(documentTypeSpec('catalog', 'work')!, new Date(), 3600)).toBeUndefined();
  });
});

describe('infraContainers', () => {
  it('switches TTL on (defaultTtl -1) exactly on containers holding a non-indefinite type', () => {
    const infra = infraContainers();
    expect(infra.database).toBe(dataRegistry.database);
    expect(infra.containers.map((c) => c.name)).toEqual(dataRegistry.containers.map((c) => c.name));
    for (const c of infra.containers) {
      const hasExpiring = dataRegistry.documentTypes.some((t) => t.container === c.name && t.retention.kind !== 'indefinite');
      if (hasExpiring) expect(c, c.name).toMatchObject({ defaultTtl: -1 });
      else expect(c, c.name).not.toHaveProperty('defaultTtl');
      expect(containerUsesTtl(dataRegistry, c.name)).toBe(hasExpiring);
    }
    const byName = Object.fromEntries(infra.containers.map((c) => [c.name, c]));
    expect(byName.catalog).not.toHaveProperty('defaultTtl'); // only indefinite catalogue types
    expect(byName.jobs).toMatchObject({ defaultTtl: -1, partitionKeyPath: '/accountId' }); // timer-run: 400 days
    expect(byName.schools).toMatchObject({ defaultTtl: -1 }); // membership: event retention
  });
});
