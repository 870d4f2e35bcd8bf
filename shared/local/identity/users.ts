/**
 * Demo people of the identity stand-ins. They are the people of `shared/local/seed.ts` (same names, e-mails and
 * personal codes) plus a few who are not in the seed, to exercise first sign-in / account creation paths.
 * All fictional. Estonian personal codes pass the isikukood checksum.
 *
 * Every user has one canonical `loginHint` (listed by `IdentityStandIns.users`); the `aliases` select the same
 * user (matching is case-insensitive), e.g. the subject id or the personal code.
 */

export const SCHOOLS = {
  kuusiku: { name: 'Kuusiku Põhikool', ehisId: '75000001', stuudiumSubdomain: 'kuusiku' },
  tammiku: { name: 'Tammiku Gümnaasium', ehisId: '75000002', stuudiumSubdomain: 'tammiku' },
  koivula: { name: 'Koivulan koulu', schoolCode: '00001', oid: '1.2.246.562.10.00000000001' },
} as const;

/** Education provider (municipality) of Koivulan koulu, used as providerOID in MPASSid roles. */
const KOIVULA_PROVIDER_OID = '1.2.246.562.10.00000000002';

interface BaseUser {
  loginHint: string;
  aliases: string[];
  description: string;
}

// ---------------------------------------------------------------------------------------------------------- HarID

interface HaridRole {
  /** 'faculty', 'student', 'director', 'parent', or another the provider adds. */
  marker: string;
  active: boolean;
  start_date: string;
  end_date?: string;
  provider_ehis_id: string;
  provider_name: string;
  student_grade?: number;
  student_parallel?: string;
}

export interface HaridUser extends BaseUser {
  /** id_token/userinfo `sub`: a stable UUID per person. */
  sub: string;
  amr: string[];
  claims: {
    given_name: string;
    family_name: string;
    email: string;
    email_verified: boolean;
    /** "EE:EID:<isikukood>" */
    personal_code: string;
    roles: HaridRole[];
  };
}

const kuusikuRole = (marker: string, start_date: string, extra: Partial<HaridRole> = {}): HaridRole => ({
  marker,
  active: true,
  start_date,
  provider_ehis_id: SCHOOLS.kuusiku.ehisId,
  provider_name: SCHOOLS.kuusiku.name,
  ...extra,
});

export const haridUsers: HaridUser[] = [
  {
    loginHint: 'mari.mets@kuusiku.example',
    aliases: ['47502124911', '8d3a6c1e-2f4b-4e7a-9c15-0b6e2d7f4a01'],
    description: 'Mari Mets, teacher (faculty) at Kuusiku Põhikool; seed class teacher of 5.a; isikukood 47502124911',
    sub: '8d3a6c1e-2f4b-4e7a-9c15-0b6e2d7f4a01',
    amr: ['smartid'],
    claims: {
      given_name: 'Mari',
      family_name: 'Mets',
      email: 'mari.mets@kuusiku.example',
      email_verified: true,
      personal_code: 'EE:EID:47502124911',
      roles: [kuusikuRole('faculty', '2012-08-27')],
    },
  },
  {
    loginHint: 'jaan.tamm@kuusiku.example',
    aliases: ['38207146522', '3f9b2d47-81c6-4d0e-a5f3-7e1c9b2a6d02'],
    description: 'Jaan Tamm, teacher (faculty) at Kuusiku Põhikool, plus an ended (inactive) role at Tammiku Gümnaasium; isikukood 38207146522',
    sub: '3f9b2d47-81c6-4d0e-a5f3-7e1c9b2a6d02',
    amr: ['mID'],
    claims: {
      given_name: 'Jaan',
      family_name: 'Tamm',
      email: 'jaan.tamm@kuusiku.example',
      email_verified: true,
      personal_code: 'EE:EID:38207146522',
      roles: [
        kuusikuRole('faculty', '2019-08-26'),
        {
          marker: 'faculty',
          active: false,
          start_date: '2008-08-25',
          end_date: '2019-06-14',
          provider_ehis_id: SCHOOLS.tammiku.ehisId,
          provider_name: SCHOOLS.tammiku.name,
        },
      ],
    },
  },
  {
    loginHint: 'kadri.kask@kuusiku.example',
    aliases: ['47302200234', 'a7e4c2f1-5b8d-4a3c-b6e9-1d2f3a4b5c03'],
    description: 'Kadri Kask, director (and faculty) of Kuusiku Põhikool; seed school administrator; isikukood 47302200234',
    sub: 'a7e4c2f1-5b8d-4a3c-b6e9-1d2f3a4b5c03',
    amr: ['idcard'],
    claims: {
      given_name: 'Kadri',
      family_name: 'Kask',
      email: 'kadri.kask@kuusiku.example',
      email_verified: true,
      personal_code: 'EE:EID:47302200234',
      roles: [kuusikuRole('director', '2016-08-01'), kuusikuRole('faculty', '2001-08-27')],
    },
  },
  {
    loginHint: 'tiina.saar@example.com',
    aliases: ['36805280109', 'e2b5d8a3-9c1f-4e6b-8a7d-4f5e6a7b8c04'],
    description: 'Tiina Saar, parent (no school role; roles = []); isikukood 36805280109',
    sub: 'e2b5d8a3-9c1f-4e6b-8a7d-4f5e6a7b8c04',
    amr: ['smartid'],
    claims: {
      given_name: 'Tiina',
      family_name: 'Saar',
      email: 'tiina.saar@example.com',
      email_verified: true,
      personal_code: 'EE:EID:36805280109',
      roles: [],
    },
  },
  {
    loginHint: 'uku.uus@kuusiku.example',
    aliases: ['51401200276', '5c6d7e8f-0a1b-4c2d-9e3f-6a7b8c9d0e05'],
    description: 'Uku Uus, NOT in the seed: student at Kuusiku Põhikool, grade 6 parallel b (seed class 6.b); isikukood 51401200276',
    sub: '5c6d7e8f-0a1b-4c2d-9e3f-6a7b8c9d0e05',
    amr: ['harid'],
    claims: {
      given_name: 'Uku',
      family_name: 'Uus',
      email: 'uku.uus@kuusiku.example',
      email_verified: true,
      personal_code: 'EE:EID:51401200276',
      roles: [kuusikuRole('student', '2021-09-01', { student_grade: 6, student_parallel: 'b' })],
    },
  },
  // eID-grade sign-ins (amr idcard / mID / smartid) of people whose codes the school enters or others type (AUTH-3 attacks).
  {
    loginHint: 'liis.saar@kuusiku.example',
    aliases: ['61311210219', '0b1c2d3e-4f50-4a61-9b72-8c93a4b5c606'],
    description: 'Liis Saar, seed student (6.b) whose seed account has no code; Smart-ID; isikukood 61311210219',
    sub: '0b1c2d3e-4f50-4a61-9b72-8c93a4b5c606',
    amr: ['smartid'],
    claims: {
      given_name: 'Liis',
      family_name: 'Saar',
      email: 'liis.saar@kuusiku.example',
      email_verified: true,
      personal_code: 'EE:EID:61311210219',
      roles: [kuusikuRole('student', '2020-09-01', { student_grade: 6, student_parallel: 'b' })],
    },
  },
  {
    loginHint: 'mihkel.saar@kuusiku.example',
    aliases: ['51403090216', '1c2d3e4f-5061-4b72-8c83-9da4b5c6d707'],
    description: 'Mihkel Saar, seed student (5.a) whose seed account has no code; Mobile-ID; isikukood 51403090216',
    sub: '1c2d3e4f-5061-4b72-8c83-9da4b5c6d707',
    amr: ['mID'],
    claims: {
      given_name: 'Mihkel',
      family_name: 'Saar',
      email: 'mihkel.saar@kuusiku.example',
      email_verified: true,
      personal_code: 'EE:EID:51403090216',
      roles: [kuusikuRole('student', '2021-09-01', { student_grade: 5, student_parallel: 'a' })],
    },
  },
  {
    loginHint: 'kristjan.kivi@example.com',
    aliases: ['38511210519', '2d3e4f50-6172-4c83-9d94-aeb5c6d7e808'],
    description: 'Kristjan Kivi, NOT in the seed: ID-card; isikukood 38511210519 (someone else types it as their own)',
    sub: '2d3e4f50-6172-4c83-9d94-aeb5c6d7e808',
    amr: ['idcard'],
    claims: {
      given_name: 'Kristjan',
      family_name: 'Kivi',
      email: 'kristjan.kivi@example.com',
      email_verified: true,
      personal_code: 'EE:EID:38511210519',
      roles: [],
    },
  },
  {
    loginHint: 'marten.mand@example.com',
    aliases: ['50903150414', '3e4f5061-7283-4d94-8ea5-bfc6d7e8f909'],
    description: 'Marten Mänd, NOT in the seed: Smart-ID; isikukood 50903150414 (a school enters it for a student with other names)',
    sub: '3e4f5061-7283-4d94-8ea5-bfc6d7e8f909',
    amr: ['smartid'],
    claims: {
      given_name: 'Marten',
      family_name: 'Mänd',
      email: 'marten.mand@example.com',
      email_verified: true,
      personal_code: 'EE:EID:50903150414',
      roles: [],
    },
  },
  {
    loginHint: 'oskar.org@example.com',
    aliases: ['51208230619', '4f506172-8394-4ea5-9fb6-c0d7e8f90a10'],
    description: 'Oskar Org, NOT in the seed: Smart-ID; isikukood 51208230619',
    sub: '4f506172-8394-4ea5-9fb6-c0d7e8f90a10',
    amr: ['smartid'],
    claims: {
      given_name: 'Oskar',
      family_name: 'Org',
      email: 'oskar.org@example.com',
      email_verified: true,
      personal_code: 'EE:EID:51208230619',
      roles: [],
    },
  },
  {
    loginHint: 'enn.editor@naide.example',
    aliases: ['37705150332', '5a617283-94a5-4fb6-8c07-d1e8f90a1b11'],
    description: 'Enn Editor, seed CMS editor (the seed account has no code); Smart-ID; isikukood 37705150332',
    sub: '5a617283-94a5-4fb6-8c07-d1e8f90a1b11',
    amr: ['smartid'],
    claims: {
      given_name: 'Enn',
      family_name: 'Editor',
      email: 'enn.editor@naide.example',
      email_verified: true,
      personal_code: 'EE:EID:37705150332',
      roles: [],
    },
  },
];

// -------------------------------------------------------------------------------------------------------- MPASSid

export const MPASS = {
  uid: 'urn:mpass.id:uid',
  learnerId: 'urn:oid:1.3.6.1.4.1.16161.1.1.27',
  schoolCode: 'urn:mpass.id:schoolCode',
  schoolInfo: 'urn:mpass.id:schoolInfo',
  role: 'urn:mpass.id:role',
  givenName: 'urn:oid:2.5.4.42',
  surname: 'urn:oid:2.5.4.4',
  learningMaterialsCharge: 'urn:mpass.id:learningMaterialsCharge',
} as const;

type MpassClaims = Record<string, string | string[]>;

export interface MpassUser extends BaseUser {
  /** = claims['urn:mpass.id:uid'] */
  sub: string;
  claims: MpassClaims;
}

/** "providerOID;schoolCode;class;roleName;roleCode;institutionOID;officeOID" */
function mpassRole(className: string, roleName: string, roleCode: number): string {
  return [KOIVULA_PROVIDER_OID, SCHOOLS.koivula.schoolCode, className, roleName, String(roleCode), SCHOOLS.koivula.oid, ''].join(';');
}

const koivulaInfo = `${SCHOOLS.koivula.schoolCode};${SCHOOLS.koivula.name}`;

export const mpassidUsers: MpassUser[] = [
  {
    loginHint: 'aino.virtanen',
    aliases: ['MPASSOID.7c1e0b9a4d2f83e5a6b1c0d9'],
    description: 'Aino Virtanen, teacher (roleCode 2) at Koivulan koulu (schoolCode 00001); seed class teacher of 7A',
    sub: 'MPASSOID.7c1e0b9a4d2f83e5a6b1c0d9',
    claims: {
      [MPASS.uid]: 'MPASSOID.7c1e0b9a4d2f83e5a6b1c0d9',
      [MPASS.givenName]: 'Aino',
      [MPASS.surname]: 'Virtanen',
      [MPASS.schoolCode]: [SCHOOLS.koivula.schoolCode],
      [MPASS.schoolInfo]: [koivulaInfo],
      [MPASS.role]: [mpassRole('', 'Opettaja', 2)],
    },
  },
  {
    loginHint: 'mikko.laine',
    aliases: ['MPASSOID.5e6f7a8b9c0d1e2f3a4b5c6d'],
    description:
      'Mikko Laine, NOT in the seed: teacher (roleCode 2) at Koivulan koulu; his first sign-in asks the school to confirm the role (OPS-3)',
    sub: 'MPASSOID.5e6f7a8b9c0d1e2f3a4b5c6d',
    claims: {
      [MPASS.uid]: 'MPASSOID.5e6f7a8b9c0d1e2f3a4b5c6d',
      [MPASS.givenName]: 'Mikko',
      [MPASS.surname]: 'Laine',
      [MPASS.schoolCode]: [SCHOOLS.koivula.schoolCode],
      [MPASS.schoolInfo]: [koivulaInfo],
      [MPASS.role]: [mpassRole('', 'Opettaja', 2)],
    },
  },
  {
    loginHint: 'liisa.makinen',
    aliases: ['MPASSOID.0f1e2d3c4b5a69788796a5b4'],
    description: 'Liisa Mäkinen, NOT in the seed: substitute teacher (roleCode 5) at Koivulan koulu (OPS-3, a school that trusts MPASSid roles)',
    sub: 'MPASSOID.0f1e2d3c4b5a69788796a5b4',
    claims: {
      [MPASS.uid]: 'MPASSOID.0f1e2d3c4b5a69788796a5b4',
      [MPASS.givenName]: 'Liisa',
      [MPASS.surname]: 'Mäkinen',
      [MPASS.schoolCode]: [SCHOOLS.koivula.schoolCode],
      [MPASS.schoolInfo]: [koivulaInfo],
      [MPASS.role]: [mpassRole('', 'Sijainen', 5)],
    },
  },
  {
    loginHint: 'sari.niemi',
    aliases: ['MPASSOID.3a5c7e9b1d2f4a6c8e0b2d4f'],
    description:
      "Sari Niemi, NOT in the seed: principal (roleCode 6) and teacher (roleCode 2) at Koivulan koulu; the administrator role always waits for the school's confirmation (OPS-3)",
    sub: 'MPASSOID.3a5c7e9b1d2f4a6c8e0b2d4f',
    claims: {
      [MPASS.uid]: 'MPASSOID.3a5c7e9b1d2f4a6c8e0b2d4f',
      [MPASS.givenName]: 'Sari',
      [MPASS.surname]: 'Niemi',
      [MPASS.schoolCode]: [SCHOOLS.koivula.schoolCode],
      [MPASS.schoolInfo]: [koivulaInfo],
      [MPASS.role]: [mpassRole('', 'Rehtori', 6), mpassRole('', 'Opettaja', 2)],
    },
  },
  {
    loginHint: 'pekka.heikkinen',
    aliases: ['MPASSOID.6b8d0f2a4c6e8a0c2e4a6c8e'],
    description:
      "Pekka Heikkinen, NOT in the seed: staff (roleCode 3, Henkilökunta) at Koivulan koulu; offered the teacher role on the school's confirmation (OPS-3)",
    sub: 'MPASSOID.6b8d0f2a4c6e8a0c2e4a6c8e',
    claims: {
      [MPASS.uid]: 'MPASSOID.6b8d0f2a4c6e8a0c2e4a6c8e',
      [MPASS.givenName]: 'Pekka',
      [MPASS.surname]: 'Heikkinen',
      [MPASS.schoolCode]: [SCHOOLS.koivula.schoolCode],
      [MPASS.schoolInfo]: [koivulaInfo],
      [MPASS.role]: [mpassRole('', 'Henkilökunta', 3)],
    },
  },
  {
    loginHint: 'eero.korhonen',
    aliases: ['MPASSOID.2d4f6a8c0e1b3d5f7a9c1e3b', '1.2.246.562.24.10000000008'],
    description: 'Eero Korhonen, learner (roleCode 1) in class 7A at Koivulan koulu; learningMaterialsCharge 0',
    sub: 'MPASSOID.2d4f6a8c0e1b3d5f7a9c1e3b',
    claims: {
      [MPASS.uid]: 'MPASSOID.2d4f6a8c0e1b3d5f7a9c1e3b',
      [MPASS.learnerId]: '1.2.246.562.24.10000000008',
      [MPASS.givenName]: 'Eero',
      [MPASS.surname]: 'Korhonen',
      [MPASS.schoolCode]: [SCHOOLS.koivula.schoolCode],
      [MPASS.schoolInfo]: [koivulaInfo],
      [MPASS.role]: [mpassRole('7A', 'Oppilas', 1)],
      [MPASS.learningMaterialsCharge]: '0',
    },
  },
  {
    loginHint: 'ella.nieminen',
    aliases: ['MPASSOID.9a8b7c6d5e4f3a2b1c0d9e8f', '1.2.246.562.24.10000000016'],
    description: 'Ella Nieminen, NOT in the seed: learner in class 9C (no such class in the seed) at Koivulan koulu; learningMaterialsCharge 1',
    sub: 'MPASSOID.9a8b7c6d5e4f3a2b1c0d9e8f',
    claims: {
      [MPASS.uid]: 'MPASSOID.9a8b7c6d5e4f3a2b1c0d9e8f',
      [MPASS.learnerId]: '1.2.246.562.24.10000000016',
      [MPASS.givenName]: 'Ella',
      [MPASS.surname]: 'Nieminen',
      [MPASS.schoolCode]: [SCHOOLS.koivula.schoolCode],
      [MPASS.schoolInfo]: [koivulaInfo],
      [MPASS.role]: [mpassRole('9C', 'Oppilas', 1)],
      [MPASS.learningMaterialsCharge]: '1',
    },
  },
];

// --------------------------------------------------------------------------------------------------------- Google

export interface GoogleUser extends BaseUser {
  sub: string;
  claims: { email: string; email_verified: boolean; given_name: string; family_name: string; name: string; locale?: string };
}

export const googleUsers: GoogleUser[] = [
  {
    loginHint: 'peeter.parn@example.com',
    aliases: ['104411223344556677881'],
    description: 'Peeter Pärn, the seed private user; verified e-mail',
    sub: '104411223344556677881',
    claims: { email: 'peeter.parn@example.com', email_verified: true, given_name: 'Peeter', family_name: 'Pärn', name: 'Peeter Pärn', locale: 'et' },
  },
  {
    loginHint: 'laura.lepp@example.com',
    aliases: ['109988776655443322110'],
    description: 'Laura Lepp, NOT in the seed: new private user; verified e-mail',
    sub: '109988776655443322110',
    claims: { email: 'laura.lepp@example.com', email_verified: true, given_name: 'Laura', family_name: 'Lepp', name: 'Laura Lepp', locale: 'et' },
  },
  {
    loginHint: 'mari.mets@kuusiku.example',
    aliases: ['101010101010101010101'],
    description:
      "UNVERIFIED e-mail (email_verified: false) equal to seed teacher Mari Mets's address: an unverified e-mail must never link to her account",
    sub: '101010101010101010101',
    claims: { email: 'mari.mets@kuusiku.example', email_verified: false, given_name: 'Mari', family_name: 'Mets', name: 'Mari Mets' },
  },
];

// ------------------------------------------------------------------------------------------------------- Facebook

export interface FacebookUser extends BaseUser {
  /** App-scoped user id. */
  id: string;
  first_name: string;
  last_name: string;
  /** Absent for accounts registered with a phone number. */
  email?: string;
}

export const facebookUsers: FacebookUser[] = [
  {
    loginHint: 'peeter.parn@example.com',
    aliases: ['10160000000000001'],
    description: 'Peeter Pärn, the seed private user; has an e-mail',
    id: '10160000000000001',
    first_name: 'Peeter',
    last_name: 'Pärn',
    email: 'peeter.parn@example.com',
  },
  {
    loginHint: 'tiina.saar@example.com',
    aliases: ['10160000000000002'],
    description: 'Tiina Saar, the seed parent; has an e-mail',
    id: '10160000000000002',
    first_name: 'Tiina',
    last_name: 'Saar',
    email: 'tiina.saar@example.com',
  },
  {
    loginHint: 'maarja.magi',
    aliases: ['10160000000000003'],
    description: 'Maarja Mägi, NOT in the seed: a phone-registered account WITHOUT an e-mail',
    id: '10160000000000003',
    first_name: 'Maarja',
    last_name: 'Mägi',
  },
];

// ---------------------------------------------------------------------------------------------------------- eKool

interface EkoolRole {
  schoolName: string;
  /** EHIS id of the school (= the seed school's registryCode). */
  schoolEhisId: string;
  role: 'teacher' | 'student' | 'parent' | 'director';
  className?: string;
}

export interface EkoolUser extends BaseUser {
  profile: { id: string; firstName: string; lastName: string; email?: string; personalCode?: string; roles: EkoolRole[] };
}

const kuusikuEkool = (role: EkoolRole['role'], className?: string): EkoolRole => ({
  schoolName: SCHOOLS.kuusiku.name,
  schoolEhisId: SCHOOLS.kuusiku.ehisId,
  role,
  ...(className ? { className } : {}),
});

export const ekoolUsers: EkoolUser[] = [
  {
    loginHint: 'mari.mets@kuusiku.example',
    aliases: ['47502124911', '200101'],
    description: 'Mari Mets, teacher at Kuusiku Põhikool; isikukood 47502124911',
    profile: {
      id: '200101',
      firstName: 'Mari',
      lastName: 'Mets',
      email: 'mari.mets@kuusiku.example',
      personalCode: '47502124911',
      roles: [kuusikuEkool('teacher')],
    },
  },
  {
    loginHint: 'tiina.saar@example.com',
    aliases: ['36805280109', '200102'],
    description: 'Tiina Saar, parent (of Mihkel and Liis) at Kuusiku Põhikool; isikukood 36805280109',
    profile: {
      id: '200102',
      firstName: 'Tiina',
      lastName: 'Saar',
      email: 'tiina.saar@example.com',
      personalCode: '36805280109',
      roles: [kuusikuEkool('parent')],
    },
  },
  {
    loginHint: 'mihkel.saar@kuusiku.example',
    aliases: ['51403090216', '200103'],
    description: 'Mihkel Saar, student in 5.a at Kuusiku Põhikool; isikukood 51403090216 (the seed account has no personal code)',
    profile: {
      id: '200103',
      firstName: 'Mihkel',
      lastName: 'Saar',
      email: 'mihkel.saar@kuusiku.example',
      personalCode: '51403090216',
      roles: [kuusikuEkool('student', '5.a')],
    },
  },
];

// ------------------------------------------------------------------------------------------------------- Stuudium

export interface StuudiumUser extends BaseUser {
  user: { id: string; first_name: string; last_name: string; email?: string; personal_code?: string };
  school: { subdomain: string; name: string };
}

export const stuudiumUsers: StuudiumUser[] = [
  {
    loginHint: 'jaan.tamm@kuusiku.example',
    aliases: ['38207146522', '31001'],
    description: 'Jaan Tamm, teacher at Kuusiku Põhikool (subdomain kuusiku); isikukood 38207146522',
    user: { id: '31001', first_name: 'Jaan', last_name: 'Tamm', email: 'jaan.tamm@kuusiku.example', personal_code: '38207146522' },
    school: { subdomain: SCHOOLS.kuusiku.stuudiumSubdomain, name: SCHOOLS.kuusiku.name },
  },
  {
    loginHint: 'liis.saar@kuusiku.example',
    aliases: ['31002'],
    description: 'Liis Saar, student in 6.b at Kuusiku Põhikool (subdomain kuusiku); no personal_code in the answer',
    user: { id: '31002', first_name: 'Liis', last_name: 'Saar', email: 'liis.saar@kuusiku.example' },
    school: { subdomain: SCHOOLS.kuusiku.stuudiumSubdomain, name: SCHOOLS.kuusiku.name },
  },
  {
    loginHint: 'toomas.teine@tammiku.example',
    aliases: ['37508120113', '47001'],
    description:
      'Toomas Teine, NOT in the seed: teacher at ANOTHER school, Tammiku Gümnaasium (subdomain tammiku), whatever subdomain was asked for; isikukood 37508120113',
    user: { id: '47001', first_name: 'Toomas', last_name: 'Teine', email: 'toomas.teine@tammiku.example', personal_code: '37508120113' },
    school: { subdomain: SCHOOLS.tammiku.stuudiumSubdomain, name: SCHOOLS.tammiku.name },
  },
];

/** Finds the user selected by a login_hint (canonical hint or an alias, case-insensitive). */
export function findUser<U extends BaseUser>(users: U[], hint: string | null | undefined): U | undefined {
  if (!hint) return undefined;
  const h = hint.trim().toLowerCase();
  return users.find((u) => u.loginHint.toLowerCase() === h || u.aliases.some((a) => a.toLowerCase() === h));
}

export function summaries(users: BaseUser[]): { loginHint: string; description: string }[] {
  return users.map(({ loginHint, description }) => ({ loginHint, description }));
}
