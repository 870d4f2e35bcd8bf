import type { AccountDoc } from '../accounts/model.js';
import { emailLoginId } from '../auth/identity.js';
import { exampleWorkContent } from '../content/fixtures.js';
import { buildVersionDoc } from '../content/publishing.js';
import { type ContentWorkDoc, type DraftDoc, draftId, outlineOf } from '../content/store.js';
import type { Database, Doc } from '../platform/cosmos.js';
import { demoLearningDocuments } from './seed-learning.js';

/**
 * Demo data for `npm start` and the end-to-end tests: two schools (Estonia, Finland) with classes, teachers,
 * students, a school administrator, a parent and a private user; two publishers with works and packages.
 * All people are fictional; their personal codes are the public checksum examples. Writing is idempotent (upsert).
 */
export const demo = {
  schools: {
    ee: 'school-ee-kuusiku',
    fi: 'school-fi-koivula',
  },
  classes: {
    ee5a: 'class-ee-5a',
    ee6b: 'class-ee-6b',
    fi7a: 'class-fi-7a',
  },
  accounts: {
    eeAdmin: 'acc-ee-admin-kadri',
    eeClassTeacher: 'acc-ee-teacher-mari',
    eeTeacher: 'acc-ee-teacher-jaan',
    eeStudent: 'acc-ee-student-mihkel',
    eeStudent2: 'acc-ee-student-liis',
    eeParent: 'acc-ee-parent-tiina',
    fiTeacher: 'acc-fi-teacher-aino',
    fiStudent: 'acc-fi-student-eero',
    privateUser: 'acc-private-peeter',
    staff: 'acc-staff-sirje',
    /** Operator support staff only (no security role). */
    supportStaff: 'acc-staff-sven',
    /** Teacher in the Estonian school and school administrator in the Finnish one (two roles, two schools). */
    twoSchools: 'acc-two-schools-helena',
    /** Teacher in the Finnish school and confirmed parent of a student in the Estonian school. */
    teacherParent: 'acc-fi-teacher-parent-juha',
    cmsAuthor: 'acc-cms-author-anu',
    /** Editor at Kirjastus Näide: the CMS role that may stop distributing the publisher's works (OPS-2). */
    cmsEditor: 'acc-cms-editor-enn',
    municipality: 'acc-municipality-tallinn',
    /** Operator administrator (ACC-1): creates schools and publishers, gives CMS and municipality roles, records school licences. */
    operatorAdmin: 'acc-staff-olev',
    /** Privacy officer (PRIV-7): answers data-subject requests from their own queue; no other staff duty. */
    privacyOfficer: 'acc-staff-privacy-pille',
  },
  /** Every demo account with an e-mail can also sign in with this password (AUTH-2). */
  password: 'Opiq-demo-2026',
  publishers: { ee: 'pub-ee-naide', fi: 'pub-fi-esimerkki' },
  /** A published work with every exercise kind (issue 18), licensed to Mihkel and his teacher Mari, not to Liis. */
  contentWork: 'pub-ee-naide.matemaatika-6',
  /** Kuusiku's licence to the music book for class 5.a (issue 18): Mihkel and the school's teachers may open it. */
  schoolLicence: { id: 'school-licence:demo-kuusiku-music-5', workId: 'work-ee-music-5' },
} as const;

const at = '2026-08-15T08:00:00.000Z';

/** scrypt hash of demo.password, computed once (hashing at every start would cost a second). */
const DEMO_PASSWORD_HASH = 'scrypt$32768$8$1$b3BpcS1kZW1vLXNhbHQhIQ$sqIED1bJ6ak7dkwBKpWSJ7ZCYq8_UdiJSu00ltG2a7g';

function account(id: string, fields: Omit<AccountDoc, 'id' | 'type' | 'accountId' | 'status' | 'createdAt' | 'updatedAt'>): AccountDoc {
  return { id, type: 'account', accountId: id, status: 'active', createdAt: at, updatedAt: at, ...fields } as AccountDoc;
}

export function demoDocuments(): { container: Parameters<Database['collection']>[0]; doc: Doc }[] {
  const a = demo.accounts;
  const accounts: AccountDoc[] = [
    account(a.eeAdmin, {
      firstName: 'Kadri',
      lastName: 'Kask',
      email: 'kadri.kask@kuusiku.example',
      language: 'et',
      country: 'EE',
      personalCode: { country: 'EE', code: '47302200234' },
    }),
    account(a.eeClassTeacher, {
      firstName: 'Mari',
      lastName: 'Mets',
      email: 'mari.mets@kuusiku.example',
      language: 'et',
      country: 'EE',
      personalCode: { country: 'EE', code: '47502124911' },
    }),
    account(a.eeTeacher, {
      firstName: 'Jaan',
      lastName: 'Tamm',
      email: 'jaan.tamm@kuusiku.example',
      language: 'et',
      country: 'EE',
      personalCode: { country: 'EE', code: '38207146522' },
    }),
    account(a.eeStudent, {
      firstName: 'Mihkel',
      lastName: 'Saar',
      email: 'mihkel.saar@kuusiku.example',
      language: 'et',
      country: 'EE',
      birthDate: '2014-03-09',
    }),
    account(a.eeStudent2, {
      firstName: 'Liis',
      lastName: 'Saar',
      email: 'liis.saar@kuusiku.example',
      language: 'et',
      country: 'EE',
      birthDate: '2013-11-21',
    }),
    account(a.eeParent, {
      firstName: 'Tiina',
      lastName: 'Saar',
      email: 'tiina.saar@example.com',
      language: 'et',
      country: 'EE',
      personalCode: { country: 'EE', code: '36805280109' },
    }),
    account(a.fiTeacher, {
      firstName: 'Aino',
      lastName: 'Virtanen',
      email: 'aino.virtanen@koivula.example',
      language: 'fi',
      country: 'FI',
      personalCode: { country: 'FI', code: '131052-308T' },
    }),
    account(a.fiStudent, {
      firstName: 'Eero',
      lastName: 'Korhonen',
      email: 'eero.korhonen@koivula.example',
      language: 'fi',
      country: 'FI',
      birthDate: '2012-05-02',
    }),
    account(a.privateUser, { firstName: 'Peeter', lastName: 'Pärn', email: 'peeter.parn@example.com', language: 'en', country: 'EE' }),
    account(a.staff, {
      firstName: 'Sirje',
      lastName: 'Sepp',
      email: 'sirje.sepp@opiq.example',
      language: 'et',
      country: 'EE',
      staffRoles: ['support', 'security'],
    }),
    account(a.supportStaff, {
      firstName: 'Sven',
      lastName: 'Tugi',
      email: 'sven.tugi@opiq.example',
      language: 'et',
      country: 'EE',
      staffRoles: ['support'],
    }),
    account(a.twoSchools, { firstName: 'Helena', lastName: 'Kaks', email: 'helena.kaks@example.com', language: 'et', country: 'EE' }),
    account(a.teacherParent, { firstName: 'Juha', lastName: 'Saarinen', email: 'juha.saarinen@koivula.example', language: 'fi', country: 'FI' }),
    account(a.cmsAuthor, {
      firstName: 'Anu',
      lastName: 'Autor',
      email: 'anu.autor@naide.example',
      language: 'et',
      country: 'EE',
      publisherRoles: [{ publisherId: demo.publishers.ee, role: 'author' }],
    }),
    account(a.cmsEditor, {
      firstName: 'Enn',
      lastName: 'Editor',
      email: 'enn.editor@naide.example',
      language: 'et',
      country: 'EE',
      publisherRoles: [{ publisherId: demo.publishers.ee, role: 'editor' }],
    }),
    account(a.operatorAdmin, {
      firstName: 'Olev',
      lastName: 'Org',
      email: 'olev.org@opiq.example',
      language: 'et',
      country: 'EE',
      staffRoles: ['operatorAdmin'],
    }),
    account(a.privacyOfficer, {
      firstName: 'Pille',
      lastName: 'Privaatsus',
      email: 'pille.privaatsus@opiq.example',
      language: 'et',
      country: 'EE',
      staffRoles: ['privacyOfficer'],
    }),
    account(a.municipality, {
      firstName: 'Linda',
      lastName: 'Linn',
      email: 'linda.linn@tallinn.example',
      language: 'et',
      country: 'EE',
      municipality: { name: 'Tallinn', schoolIds: [demo.schools.ee] },
    }),
  ];
  // Password logins and personal-code index documents, as sign-up and verified sign-ins create them.
  const logins: Doc[] = [];
  for (const acc of accounts) {
    if (acc.email) {
      const id = emailLoginId(acc.email);
      acc.logins = [{ id, provider: 'password', linkedAt: at }];
      logins.push({
        id,
        type: 'login-index',
        accountId: acc.accountId,
        kind: 'password',
        email: acc.email,
        passwordHash: DEMO_PASSWORD_HASH,
        emailVerifiedAt: at,
        linkedAt: at,
      });
    }
    // The demo codes count as verified by an earlier eID sign-in (HarID with Smart-ID, MPASSid), so they link.
    if (acc.personalCode) {
      acc.personalCodeVerification = { kind: 'eid', by: acc.country === 'FI' ? 'mpassid' : 'harid', at };
      logins.push({
        id: `pcode:${acc.personalCode.country}:${acc.personalCode.code}`,
        type: 'login-index',
        accountId: acc.accountId,
        kind: 'personal-code',
        verification: 'eid',
        linkedAt: at,
      });
    }
  }
  // AUTH-1: the Stuudium installations whose people may sign in (schools on the platform).
  logins.push({ id: 'stuudium-installation:kuusiku', type: 'stuudium-installation', subdomain: 'kuusiku', schoolId: demo.schools.ee });

  const s = demo.schools;
  const c = demo.classes;
  const schools: Doc[] = [
    { id: s.ee, type: 'school', schoolId: s.ee, name: 'Kuusiku Põhikool', country: 'EE', registryCode: '75000001', municipality: 'Tallinn' },
    {
      id: s.fi,
      type: 'school',
      schoolId: s.fi,
      name: 'Koivulan koulu',
      country: 'FI',
      registryCode: '1.2.246.562.10.00000000001',
      // OPS-3: MPASSid's school code of Koivulan koulu (shared/local/identity/users.ts): its teachers are offered the role.
      mpassidSchoolCodes: ['00001'],
    },
    // The code's index (shared/organisations/organisations.ts): no other school can list it.
    { id: 'mpassid-code:00001', type: 'mpassid-code', schoolId: 'mpassid-codes', code: '00001', holder: s.fi, claimedAt: '2026-08-01T00:00:00.000Z' },
    { id: c.ee5a, type: 'class', schoolId: s.ee, name: '5.a', grade: 5, schoolYear: '2026/2027' },
    { id: c.ee6b, type: 'class', schoolId: s.ee, name: '6.b', grade: 6, schoolYear: '2026/2027' },
    { id: c.fi7a, type: 'class', schoolId: s.fi, name: '7A', grade: 7, schoolYear: '2026/2027' },
  ];
  const byId = new Map(accounts.map((acc) => [acc.accountId, acc]));
  // Memberships carry a snapshot of the person's name and e-mail, so school lists are one single-partition query.
  const membership = (schoolId: string, accountId: string, role: string, extra: Record<string, unknown> = {}): Doc => ({
    id: `membership:${accountId}:${role}`,
    type: 'membership',
    schoolId,
    accountId,
    role,
    status: 'active',
    since: at,
    firstName: byId.get(accountId)?.firstName,
    lastName: byId.get(accountId)?.lastName,
    ...(byId.get(accountId)?.email ? { email: byId.get(accountId)?.email } : {}),
    ...extra,
  });
  const memberships: Doc[] = [
    membership(s.ee, a.eeAdmin, 'schoolAdmin'),
    membership(s.ee, a.eeClassTeacher, 'teacher', { subjects: ['mathematics'] }),
    membership(s.ee, a.eeClassTeacher, 'classTeacher', { classId: c.ee5a }),
    membership(s.ee, a.eeTeacher, 'teacher', { subjects: ['estonian'] }),
    membership(s.ee, a.eeStudent, 'student', { classId: c.ee5a }),
    membership(s.ee, a.eeStudent2, 'student', { classId: c.ee6b }),
    membership(s.fi, a.fiTeacher, 'teacher', { subjects: ['mathematics'] }),
    membership(s.fi, a.fiTeacher, 'classTeacher', { classId: c.fi7a }),
    membership(s.fi, a.fiStudent, 'student', { classId: c.fi7a }),
    membership(s.ee, a.twoSchools, 'teacher', { subjects: ['history'] }),
    membership(s.fi, a.twoSchools, 'schoolAdmin'),
    membership(s.fi, a.teacherParent, 'teacher', { subjects: ['physics'] }),
  ];
  // Confirmed parent links (ACC-3): Tiina is Mihkel's parent, Juha is Liis's; Kuusiku's administrator confirmed both.
  const parentLink = (parentAccountId: string, childAccountId: string): Doc => ({
    id: `parent-link:${parentAccountId}:${childAccountId}`,
    type: 'parent-link',
    schoolId: s.ee,
    parentAccountId,
    childAccountId,
    status: 'confirmed',
    requestedBy: 'parent',
    requestedAt: at,
    decidedBy: a.eeAdmin,
    decidedAt: at,
    history: [
      { status: 'requested', at, by: parentAccountId },
      { status: 'confirmed', at, by: a.eeAdmin },
    ],
  });
  const parentLinks = [parentLink(a.eeParent, a.eeStudent), parentLink(a.teacherParent, a.eeStudent2)];

  // The account documents carry a summary of their active roles and links, as the membership code keeps them.
  for (const acc of accounts) {
    const mine = memberships.filter((m) => m.accountId === acc.accountId);
    if (mine.length)
      acc.schoolRoles = mine.map((m) => ({
        schoolId: m.schoolId as string,
        role: m.role as 'student' | 'teacher' | 'classTeacher' | 'schoolAdmin',
        ...(m.classId ? { classId: m.classId as string } : {}),
        ...(m.subjects ? { subjects: m.subjects as string[] } : {}),
      }));
    // With the other person's names, as a confirmation writes them (the family lists read nothing more).
    const namesOf = (accountId: string) => {
      const other = accounts.find((o) => o.accountId === accountId)!;
      return { firstName: other.firstName, lastName: other.lastName };
    };
    const asParent = parentLinks.filter((l) => l.parentAccountId === acc.accountId);
    const asChild = parentLinks.filter((l) => l.childAccountId === acc.accountId);
    if (asParent.length)
      acc.children = asParent.map((l) => {
        const accountId = l.childAccountId as string;
        return { accountId, schoolId: l.schoolId as string, linkId: l.id, ...namesOf(accountId) };
      });
    if (asChild.length)
      acc.parents = asChild.map((l) => {
        const accountId = l.parentAccountId as string;
        return { accountId, schoolId: l.schoolId as string, linkId: l.id, ...namesOf(accountId) };
      });
    if (asParent.length || asChild.length) acc.endedFamilyLinks = [];
  }

  // The shop's demo works have no published pages here, only the chapters usage events may name (events/plausible.ts).
  const DEMO_SHOP_OUTLINE = {
    versions: 0,
    outline: Array.from({ length: 9 }, (_, n) => `ch-${n + 1}`).map((id, n) => ({
      id,
      title: `Peatükk ${n + 1}`,
      pages: [{ id: 'p-1', title: 'Sissejuhatus' }],
    })),
  };
  const p = demo.publishers;
  const catalog: Doc[] = [
    { id: p.ee, type: 'publisher', publisherId: p.ee, name: 'Kirjastus Näide', country: 'EE' },
    { id: p.fi, type: 'publisher', publisherId: p.fi, name: 'Esimerkki Kustannus', country: 'FI' },
    {
      id: 'work-ee-math-5',
      type: 'work',
      publisherId: p.ee,
      title: 'Matemaatika 5. klassile',
      subjects: ['mathematics'],
      country: 'EE',
      language: 'et',
      status: 'distributed',
      content: DEMO_SHOP_OUTLINE,
    },
    {
      id: 'work-ee-math-6',
      type: 'work',
      publisherId: p.ee,
      title: 'Matemaatika 6. klassile',
      subjects: ['mathematics'],
      country: 'EE',
      language: 'et',
      status: 'distributed',
      content: DEMO_SHOP_OUTLINE,
    },
    {
      id: 'work-ee-est-5',
      type: 'work',
      publisherId: p.ee,
      title: 'Eesti keel 5. klassile',
      subjects: ['estonian'],
      country: 'EE',
      language: 'et',
      status: 'distributed',
      content: DEMO_SHOP_OUTLINE,
    },
    {
      id: 'work-fi-math-7',
      type: 'work',
      publisherId: p.fi,
      title: 'Matematiikka 7',
      subjects: ['mathematics'],
      country: 'FI',
      language: 'fi',
      status: 'distributed',
      content: DEMO_SHOP_OUTLINE,
    },
    {
      id: 'package-ee-math',
      type: 'package',
      publisherId: p.ee,
      title: 'Matemaatika 5.–6. klass',
      workIds: ['work-ee-math-5', 'work-ee-math-6'],
      priceCentsPerMonth: 299,
      country: 'EE',
    },
    {
      id: 'package-ee-est-5',
      type: 'package',
      publisherId: p.ee,
      title: 'Eesti keel 5. klass',
      workIds: ['work-ee-est-5'],
      priceCentsPerMonth: 199,
      country: 'EE',
    },
    {
      id: 'package-fi-math-7',
      type: 'package',
      publisherId: p.fi,
      title: 'Matematiikka 7',
      workIds: ['work-fi-math-7'],
      priceCentsPerMonth: 349,
      country: 'FI',
    },
    // Shop demo: a package of two works (the publisher may stop one of them, OPS-2).
    {
      id: 'work-ee-hist-7',
      type: 'work',
      publisherId: p.ee,
      title: 'Ajalugu 7. klassile',
      subjects: ['history'],
      country: 'EE',
      language: 'et',
      status: 'distributed',
    },
    {
      id: 'work-ee-geo-7',
      type: 'work',
      publisherId: p.ee,
      title: 'Geograafia 7. klassile',
      subjects: ['geography'],
      country: 'EE',
      language: 'et',
      status: 'distributed',
    },
    // Not sold in the shop: Kuusiku has it through a school licence (below).
    {
      id: demo.schoolLicence.workId,
      type: 'work',
      publisherId: p.ee,
      title: 'Muusika 5. klassile',
      subjects: ['music'],
      country: 'EE',
      language: 'et',
      status: 'distributed',
    },
    {
      id: 'package-ee-social-7',
      type: 'package',
      publisherId: p.ee,
      title: 'Ajalugu ja geograafia 7. klass',
      workIds: ['work-ee-hist-7', 'work-ee-geo-7'],
      priceCentsPerMonth: 499,
      country: 'EE',
    },
  ];

  // Issue 18: a work with content, published by Enn the editor (version 1, made from draft revision 1).
  const content = exampleWorkContent();
  const contentWork: ContentWorkDoc = {
    id: demo.contentWork,
    type: 'work',
    publisherId: p.ee,
    title: content.title,
    subjects: ['mathematics'],
    country: 'EE',
    language: 'et',
    grades: [6],
    status: 'distributed',
    content: {
      versions: 1,
      currentVersion: 1,
      publishedDraftRevision: 1,
      outline: outlineOf(content.chapters),
      history: [{ versionNo: 1, publishedAt: at, role: 'editor' }],
    },
  };
  const draft: DraftDoc = {
    id: draftId(demo.contentWork),
    type: 'work-draft',
    publisherId: p.ee,
    workId: demo.contentWork,
    revision: 1,
    content,
    updatedAt: at,
    updatedBy: a.cmsAuthor,
  };
  const version = buildVersionDoc(contentWork, 1, draft, { accountId: a.cmsEditor, role: 'editor' }, at);
  catalog.push(contentWork);
  // Issue 11: a package keeps copies of its works' titles and statuses (checkout reads the package alone).
  const seededWorks = new Map(catalog.filter((doc) => doc.type === 'work').map((doc) => [doc.id, doc]));
  for (const doc of catalog)
    if (doc.type === 'package')
      doc.works = (doc.workIds as string[]).map((workId) => ({
        workId,
        title: seededWorks.get(workId)!.title,
        status: seededWorks.get(workId)!.status,
      }));
  const contentLicence = (accountId: string): Doc => ({
    id: `entitlement:${demo.contentWork}`,
    type: 'entitlement',
    accountId,
    workId: demo.contentWork,
    publisherId: p.ee,
    periods: [{ orderId: 'demo-licence', from: '2026-01-01T00:00:00.000Z', until: '2036-01-01T00:00:00.000Z' }],
    updatedAt: at,
  });
  const contentEntitlements = [contentLicence(a.eeStudent), contentLicence(a.eeClassTeacher)];
  // A school licence (issue 18) for class 5.a, recorded against an invoice, as the operator records one; its fan-out has
  // run: the entitlements of the class's students and the school's teachers carry its period (via their memberships).
  const licence = demo.schoolLicence;
  const from = '2026-07-31T21:00:00.000Z';
  const until = '2027-07-31T21:00:00.000Z';
  const schoolLicences: Doc[] = [
    {
      id: licence.id,
      type: 'school-licence',
      schoolId: s.ee,
      publisherId: p.ee,
      product: { kind: 'work', workId: licence.workId },
      workIds: [licence.workId],
      period: { schoolYear: '2026/2027' },
      from,
      until,
      audience: { kind: 'classes', classIds: [c.ee5a] },
      reached: [{ kind: 'classes', classIds: [c.ee5a] }],
      reference: { kind: 'invoice', number: '2026-KUUSIKU-17' },
      status: 'active',
      revision: 1,
      materialisedRevision: 1,
      recordedBy: a.operatorAdmin,
      recordedAt: at,
      history: [{ at, by: a.operatorAdmin, action: 'recorded', revision: 1 }],
    },
  ];
  const entitled = memberships.filter(
    (m) => m.schoolId === s.ee && (m.role === 'teacher' || m.role === 'classTeacher' || (m.role === 'student' && m.classId === c.ee5a)),
  );
  const schoolEntitlements: Doc[] = [...new Set(entitled.map((m) => m.accountId as string))].map((accountId) => ({
    id: `entitlement:${licence.workId}`,
    type: 'entitlement',
    accountId,
    workId: licence.workId,
    publisherId: p.ee,
    periods: [],
    schoolPeriods: [
      {
        schoolLicenceId: licence.id,
        schoolId: s.ee,
        from,
        until,
        via: entitled
          .filter((m) => m.accountId === accountId)
          .map((m) => m.id)
          .sort(),
      },
    ],
    updatedAt: at,
  }));

  return [
    ...accounts.map((doc) => ({ container: 'accounts' as const, doc })),
    ...[...contentEntitlements, ...schoolEntitlements].map((doc) => ({ container: 'accounts' as const, doc })),
    ...logins.map((doc) => ({ container: 'logins' as const, doc })),
    ...[...schools, ...memberships, ...parentLinks, ...schoolLicences].map((doc) => ({ container: 'schools' as const, doc })),
    // Issue 18: a journal with tasks and answers (shared/local/seed-learning.ts).
    ...demoLearningDocuments({
      school: s.ee,
      teacher: { accountId: a.eeClassTeacher, firstName: 'Mari', lastName: 'Mets' },
      students: [
        { accountId: a.eeStudent, firstName: 'Mihkel', lastName: 'Saar' },
        { accountId: a.eeStudent2, firstName: 'Liis', lastName: 'Saar' },
      ],
      work: demo.contentWork,
      at,
    }).map((doc) => ({ container: 'schools' as const, doc })),
    ...catalog.map((doc) => ({ container: 'catalog' as const, doc })),
    ...[draft, version].map((doc) => ({ container: 'content' as const, doc })),
  ];
}

export async function seedDemoData(db: Database): Promise<number> {
  const documents = demoDocuments();
  for (const { container, doc } of documents) await db.collection(container).upsert(doc);
  return documents.length;
}
