import { describe, expect, it } from 'vitest';

// Imported inside the test, not at the top: a schema that cannot be built (zod throws while building a discriminated
// union whose options lack the discriminator) makes the module fail at import, which a top-level import turns into a
// file that collects no tests (Stryker reports that as Survived). Here it fails this test instead.
describe('school licences: the fan-out module loads', () => {
  it('STORE-4: the queue message schema builds with its discriminator and both kinds', async () => {
    const { schoolEntitlementMessageSchema } = await import('./school-entitlements.js');
    expect(schoolEntitlementMessageSchema.parse({ kind: 'member', schoolId: 's', accountId: 'a' })).toEqual({
      kind: 'member',
      schoolId: 's',
      accountId: 'a',
    });
    expect(schoolEntitlementMessageSchema.parse({ kind: 'licence', schoolId: 's', licenceId: 'l', revision: 1 })).toEqual({
      kind: 'licence',
      schoolId: 's',
      licenceId: 'l',
      revision: 1,
    });
  });
});
