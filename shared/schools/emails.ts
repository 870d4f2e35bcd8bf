import type { SchoolRoleName } from '../accounts/index.js';
import type { EmailMessage } from '../platform/email.js';
import type { Language } from '../platform/language.js';

const roleNames: Record<SchoolRoleName, Record<Language, string>> = {
  student: { et: 'õpilane', fi: 'oppilas', en: 'student' },
  teacher: { et: 'õpetaja', fi: 'opettaja', en: 'teacher' },
  classTeacher: { et: 'klassijuhataja', fi: 'luokanvalvoja', en: 'class teacher' },
  schoolAdmin: { et: 'kooli administraator', fi: 'koulun ylläpitäjä', en: 'school administrator' },
};

/** 25.11.2026 in Estonian and Finnish, 2026-11-25 in English (UTC). */
function formatDate(iso: string, language: Language): string {
  const [year = '', month = '', day = ''] = iso.slice(0, 10).split('-');
  return language === 'en' ? `${year}-${month}-${day}` : `${day}.${month}.${year}`;
}

export interface InvitationEmailVars {
  inviterName: string;
  inviterEmail?: string;
  schoolName: string;
  role: SchoolRoleName;
  className?: string;
  link: string;
  expiresAt: string;
}

/** ACC-2: the invitation names who invited, into which school and role, and until when the link works. */
export function invitationEmail(language: Language, to: string, v: InvitationEmailVars): EmailMessage {
  const role = roleNames[v.role][language];
  const inviter = v.inviterEmail ? `${v.inviterName} (${v.inviterEmail})` : v.inviterName;
  const expires = formatDate(v.expiresAt, language);
  const texts: Record<Language, { subject: string; text: string }> = {
    et: {
      subject: `Kutse kooli ${v.schoolName}`,
      text: `Tere!\n\n${inviter} kutsub sind Opiqus kooli ${v.schoolName} rolli: ${role}${v.className ? `, klass ${v.className}` : ''}.\n\nKutse vastuvõtmiseks logi sisse või loo konto ja ava link:\n${v.link}\n\nLink kehtib kuni ${expires}. Kui sa kutset ei oodanud, jäta see kiri tähelepanuta.`,
    },
    fi: {
      subject: `Kutsu kouluun ${v.schoolName}`,
      text: `Hei!\n\n${inviter} kutsuu sinut Opiqissa kouluun ${v.schoolName} rooliin: ${role}${v.className ? `, luokka ${v.className}` : ''}.\n\nHyväksy kutsu kirjautumalla sisään tai luomalla tilin ja avaamalla linkki:\n${v.link}\n\nLinkki on voimassa ${expires} asti. Jos et odottanut kutsua, voit jättää tämän viestin huomiotta.`,
    },
    en: {
      subject: `Invitation to ${v.schoolName}`,
      text: `Hello,\n\n${inviter} invites you to ${v.schoolName} on Opiq as ${role}${v.className ? `, class ${v.className}` : ''}.\n\nTo accept, sign in or create an account and open the link:\n${v.link}\n\nThe link works until ${expires}. If you did not expect this invitation, ignore this message.`,
    },
  };
  return { to, category: 'service', ...texts[language] };
}

/** ACC-3: the parent is told when the school has confirmed the link to their child. */
export function parentLinkConfirmedEmail(
  language: Language,
  to: string,
  v: { parentName: string; childName: string; schoolName: string },
): EmailMessage {
  const texts: Record<Language, { subject: string; text: string }> = {
    et: {
      subject: 'Kool kinnitas seose sinu lapsega',
      text: `Tere, ${v.parentName}!\n\n${v.schoolName} kinnitas, et oled lapse ${v.childName} vanem. Näed nüüd Opiqus oma lapse õppematerjale, ülesandeid ja tulemusi ning saad hallata alla 18-aastase lapse privaatsusseadeid.`,
    },
    fi: {
      subject: 'Koulu vahvisti yhteyden lapseesi',
      text: `Hei ${v.parentName}!\n\n${v.schoolName} vahvisti, että olet oppilaan ${v.childName} huoltaja. Näet nyt Opiqissa lapsesi oppimateriaalit, tehtävät ja tulokset ja voit hallita alle 18-vuotiaan lapsesi yksityisyysasetuksia.`,
    },
    en: {
      subject: 'The school confirmed the link to your child',
      text: `Hello ${v.parentName},\n\n${v.schoolName} confirmed that you are the parent of ${v.childName}. You can now see your child's materials, tasks and results on Opiq, and manage the privacy settings of a child under 18.`,
    },
  };
  return { to, category: 'service', ...texts[language] };
}

/**
 * The school's administrators are told when a sign-in was linked to their student's account by the personal code the
 * school entered (ACC-5), and asked to confirm when the eID's names differ from the school's record.
 */
export function codeLinkEmail(
  kind: 'linked' | 'confirm',
  language: Language,
  to: string,
  v: { studentName: string; schoolName: string; provider: string },
): EmailMessage {
  const texts: Record<Language, { subject: string; text: string }> =
    kind === 'linked'
      ? {
          et: {
            subject: `Õpilase konto seoti sisselogimisega (${v.provider})`,
            text: `Tere!\n\nÕpilase ${v.studentName} Opiqu konto (${v.schoolName}) seoti ${v.provider} sisselogimisega, sest selle isikukood ja nimi vastasid kooli sisestatud andmetele. Kui see on viga, paranda õpilase isikukood ja võta ühendust kasutajatoega.`,
          },
          fi: {
            subject: `Oppilaan tili liitettiin kirjautumiseen (${v.provider})`,
            text: `Hei!\n\nOppilaan ${v.studentName} Opiq-tili (${v.schoolName}) liitettiin ${v.provider}-kirjautumiseen, koska sen henkilötunnus ja nimi vastasivat koulun syöttämiä tietoja. Jos tämä on virhe, korjaa oppilaan henkilötunnus ja ota yhteyttä käyttäjätukeen.`,
          },
          en: {
            subject: `A student's account was linked to a sign-in (${v.provider})`,
            text: `Hello,\n\nThe Opiq account of ${v.studentName} (${v.schoolName}) was linked to a ${v.provider} sign-in, because its personal code and name matched what the school entered. If this is a mistake, correct the student's personal code and contact user support.`,
          },
        }
      : {
          et: {
            subject: 'Palun kinnita õpilase sisselogimine',
            text: `Tere!\n\nKeegi logis sisse (${v.provider}) isikukoodiga, mille kool sisestas õpilasele ${v.studentName} (${v.schoolName}), kuid nimi ei ühti kooli andmetega. Konto seotakse alles siis, kui kooli administraator selle Opiqus kinnitab (kool → isikukoodiga sidumised). Kui see pole sinu õpilane, lükka taotlus tagasi.`,
          },
          fi: {
            subject: 'Vahvista oppilaan kirjautuminen',
            text: `Hei!\n\nJoku kirjautui (${v.provider}) henkilötunnuksella, jonka koulu syötti oppilaalle ${v.studentName} (${v.schoolName}), mutta nimi ei vastaa koulun tietoja. Tili liitetään vasta, kun koulun ylläpitäjä vahvistaa sen Opiqissa (koulu → henkilötunnuksella liittämiset). Jos kyse ei ole oppilaastasi, hylkää pyyntö.`,
          },
          en: {
            subject: "Please confirm a student's sign-in",
            text: `Hello,\n\nSomeone signed in (${v.provider}) with the personal code the school entered for ${v.studentName} (${v.schoolName}), but the name does not match the school's record. The account is linked only once a school administrator confirms it in Opiq (school → links by personal code). If this is not your student, refuse the request.`,
          },
        };
  return { to, category: 'security', ...texts[language] };
}

/**
 * ACC-2: someone opened a staff-role invitation without holding the invited address. The administrators decide; the
 * mail names only the role and the invited address (the claimant's names are typed by them: shown in the app only).
 */
export function invitationClaimEmail(
  language: Language,
  to: string,
  v: { schoolName: string; role: SchoolRoleName; invitedEmail: string },
): EmailMessage {
  const role = roleNames[v.role][language];
  const texts: Record<Language, { subject: string; text: string }> = {
    et: {
      subject: 'Kutset püüti kasutada teise kontoga',
      text: `Tere!\n\nKooli ${v.schoolName} kutse rolli "${role}" aadressile ${v.invitedEmail} avati kontoga, millel seda aadressi kinnitatud ei ole. Rolli ei antud. Kui see on õige inimene, kinnita see Opiqus kutsete all; muidu tühista kutse.`,
    },
    fi: {
      subject: 'Kutsua yritettiin käyttää toisella tilillä',
      text: `Hei!\n\nKoulun ${v.schoolName} kutsu rooliin "${role}" osoitteeseen ${v.invitedEmail} avattiin tilillä, jolla ei ole tätä vahvistettua osoitetta. Roolia ei annettu. Jos kyseessä on oikea henkilö, vahvista se Opiqissa kutsujen kohdalla; muuten peru kutsu.`,
    },
    en: {
      subject: 'An invitation was opened with another account',
      text: `Hello,\n\nThe invitation of ${v.schoolName} as ${role} sent to ${v.invitedEmail} was opened by an account that does not hold that address (verified). The role was not given. If it is the right person, confirm it under invitations in Opiq; otherwise withdraw the invitation.`,
    },
  };
  return { to, category: 'security', ...texts[language] };
}

/** What MPASSid said the person is, as the administrator's e-mail names them (subject, who, the role offered). */
const mpassidAsserted: Record<'teacher' | 'principal' | 'staff', Record<Language, { who: string; subjectWho: string; offered: SchoolRoleName }>> = {
  teacher: {
    et: { who: 'õpetaja', subjectWho: 'Õpetaja', offered: 'teacher' },
    fi: { who: 'opettaja', subjectWho: 'Opettaja', offered: 'teacher' },
    en: { who: 'a teacher', subjectWho: 'A teacher', offered: 'teacher' },
  },
  principal: {
    et: { who: 'direktor', subjectWho: 'Direktor', offered: 'schoolAdmin' },
    fi: { who: 'rehtori', subjectWho: 'Rehtori', offered: 'schoolAdmin' },
    en: { who: 'the principal', subjectWho: 'A principal', offered: 'schoolAdmin' },
  },
  staff: {
    et: { who: 'töötaja', subjectWho: 'Kooli töötaja', offered: 'teacher' },
    fi: { who: 'henkilökuntaa', subjectWho: 'Henkilökunnan jäsen', offered: 'teacher' },
    en: { who: 'a member of staff', subjectWho: 'A member of staff', offered: 'teacher' },
  },
};

/** OPS-3: someone signed in with MPASSid, which names this school and a role there; the role waits for an administrator. */
export function mpassidRoleEmail(
  language: Language,
  to: string,
  v: { schoolName: string; asserted: 'teacher' | 'principal' | 'staff' },
): EmailMessage {
  const { who, subjectWho, offered } = mpassidAsserted[v.asserted][language];
  const role = roleNames[offered][language];
  const texts: Record<Language, { subject: string; text: string }> = {
    et: {
      subject: `${subjectWho} ootab kinnitust (MPASSid)`,
      text: `Tere!\n\nMPASSidiga sisse loginud inimene on MPASSidi andmetel kooli ${v.schoolName} ${who}. Rolli (${role}) ei antud. Kui see on õige, kinnita see Opiqus kutsete all; muidu jäta kinnitamata.`,
    },
    fi: {
      subject: `${subjectWho} odottaa vahvistusta (MPASSid)`,
      text: `Hei!\n\nMPASSidilla kirjautunut henkilö on MPASSidin mukaan koulun ${v.schoolName} ${who}. Roolia (${role}) ei annettu. Jos tieto pitää paikkansa, vahvista se Opiqissa kutsujen kohdalla; muuten jätä vahvistamatta.`,
    },
    en: {
      subject: `${subjectWho} awaits confirmation (MPASSid)`,
      text: `Hello,\n\nSomeone who signed in with MPASSid is, as MPASSid says, ${who} of ${v.schoolName}. The role (${role}) was not given. If that is right, confirm it under invitations in Opiq; otherwise leave it unconfirmed.`,
    },
  };
  return { to, category: 'security', ...texts[language] };
}
