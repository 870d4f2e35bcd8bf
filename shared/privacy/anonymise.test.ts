import { describe, expect, it } from 'vitest';

import { anonymiseDocument } from './anonymise.js';
import { dataRegistry, type DocumentTypeSpec } from './registry.js';

const spec = (type: string): DocumentTypeSpec => dataRegistry.documentTypes.find((t) => t.type === type)!;
const A = 'acc-a';
const B = 'acc-b';

describe('PRIV-3: anonymising a document as the registry says', () => {
  it('PRIV-3: a journal loses the person from its id lists and people lists, keeps everyone else, and its owner becomes "erased"', () => {
    const journal = {
      id: 'journal-1',
      type: 'journal',
      schoolId: 's1',
      ownerId: A,
      teacherIds: [A, B],
      teachers: [{ accountId: A, firstName: 'Anna' }, { accountId: B }],
      studentIds: [B, A],
      students: [
        { accountId: B, firstName: 'Bert' },
        { accountId: A, firstName: 'Anna', lastName: 'Aas' },
      ],
      name: '5a math',
    };
    expect(anonymiseDocument(spec('journal'), journal, A, 'erased-x')).toEqual({
      ...journal,
      ownerId: 'erased',
      teacherIds: [B],
      teachers: [{ accountId: B }],
      studentIds: [B],
      students: [{ accountId: B, firstName: 'Bert' }],
    });
  });

  it("PRIV-3: a membership loses the person's id, name and address, and an id naming them is re-keyed; the inviter's details go only when the inviter is erased", () => {
    const membership = {
      id: `membership:s1:${A}:student`,
      type: 'membership',
      schoolId: 's1',
      accountId: A,
      role: 'student',
      invitedBy: B,
      inviter: { accountId: B, firstName: 'Bert' },
      firstName: 'Anna',
      lastName: 'Aas',
      email: 'anna@example.com',
    };
    const out = anonymiseDocument(spec('membership'), membership, A, 'erased-x');
    expect(out).toEqual({
      id: 'membership:s1:erased-x:student',
      type: 'membership',
      schoolId: 's1',
      accountId: 'erased',
      role: 'student',
      invitedBy: B,
      inviter: { accountId: B, firstName: 'Bert' },
    });
    // Erasing the inviter leaves the member as they are.
    const asInviter = anonymiseDocument(spec('membership'), membership, B, 'erased-y');
    expect(asInviter).toEqual({ ...membership, invitedBy: 'erased', inviter: undefined });
    expect(Object.keys(asInviter)).not.toContain('inviter');
  });

  it('PRIV-3: a parent link keeps the other person and its history, the erased one becomes "erased" everywhere; a second pass changes nothing', () => {
    const link = {
      id: `parent-link:${A}:${B}`,
      type: 'parent-link',
      schoolId: 's1',
      parentAccountId: A,
      childAccountId: B,
      parent: { accountId: A, firstName: 'Anna', email: 'anna@example.com' },
      child: { accountId: B, firstName: 'Bert' },
      history: [
        { status: 'pending', by: A },
        { status: 'confirmed', by: 'acc-admin' },
      ],
    };
    const once = anonymiseDocument(spec('parent-link'), link, A, 'erased-x');
    expect(once).toEqual({
      id: `parent-link:erased-x:${B}`,
      type: 'parent-link',
      schoolId: 's1',
      parentAccountId: 'erased',
      childAccountId: B,
      child: { accountId: B, firstName: 'Bert' },
      history: [
        { status: 'pending', by: 'erased' },
        { status: 'confirmed', by: 'acc-admin' },
      ],
    });
    expect(anonymiseDocument(spec('parent-link'), once, A, 'erased-x')).toEqual(once);
  });
});

describe('PRIV-3: anonymise entries of every shape (issue 19, module anonymise)', () => {
  const withEntries = (anonymise: string[] | undefined): DocumentTypeSpec => {
    const { anonymise: _ignored, ...rest } = spec('journal');
    return anonymise ? { ...rest, anonymise } : rest;
  };

  it('PRIV-3: a dotted path reaches into nested objects and changes only the subject there', () => {
    const doc = { id: 'doc-1', type: 'journal', meta: { owner: { accountId: A, note: 'kept' }, other: B }, top: A };
    expect(anonymiseDocument(withEntries(['meta.owner.accountId', 'meta.other']), doc, A, 'p')).toStrictEqual({
      id: 'doc-1',
      type: 'journal',
      meta: { owner: { accountId: 'erased', note: 'kept' }, other: B },
      top: A,
    });
    // A path through something that is not an object, or absent, leaves the document as it was (no field added).
    const flat = { id: 'doc-2', type: 'journal', meta: 'text', list: [A] };
    const out = anonymiseDocument(withEntries(['meta.owner', 'missing', 'missing.deeper', 'list.0']), flat, A, 'p');
    expect(out).toStrictEqual(flat);
    expect(Object.keys(out)).toEqual(['id', 'type', 'meta', 'list']);
  });

  it("PRIV-3: a list of people drops the subject's entries and keeps values that are not objects as they are", () => {
    const doc = { id: 'doc-3', type: 'journal', people: ['acc-a', null, 7, { accountId: A }, { accountId: B }] };
    expect(anonymiseDocument(withEntries(['people[]']), doc, A, 'p')).toStrictEqual({ ...doc, people: ['acc-a', null, 7, { accountId: B }] });
    const values = { id: 'doc-4', type: 'journal', people: [null, 'x', { by: A }, { by: B }] };
    expect(anonymiseDocument(withEntries(['people[].by']), values, A, 'p')).toStrictEqual({
      ...values,
      people: [null, 'x', { by: 'erased' }, { by: B }],
    });
  });

  it('PRIV-3: a type without anonymise entries keeps every field; only an id naming the subject is re-keyed', () => {
    const doc = { id: `doc:${A}`, type: 'journal', ownerId: A };
    expect(anonymiseDocument(withEntries(undefined), doc, A, 'p')).toStrictEqual({ ...doc, id: 'doc:p' });
  });
});
