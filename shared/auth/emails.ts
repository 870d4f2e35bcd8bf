import type { EmailMessage } from '../platform/email.js';
import type { Language } from '../platform/language.js';

/**
 * `name` is left out (undefined) for an address nobody has verified yet: a name is typed by whoever signed up, and
 * free text must never reach an address whose owner did not ask for it (a name holding a phishing sentence).
 */
type Template = (vars: { name?: string; link?: string }) => { subject: string; text: string };

const hello = {
  et: (name?: string) => (name ? `Tere, ${name}!` : 'Tere!'),
  fi: (name?: string) => (name ? `Hei ${name}!` : 'Hei!'),
  en: (name?: string) => (name ? `Hello ${name},` : 'Hello,'),
};

/** The security e-mails of sign-in, in the user's language (OPS-3). */
const templates: Record<
  'verifyEmail' | 'accountExists' | 'resetPassword' | 'passwordChanged' | 'passwordReset' | 'suspended',
  Record<Language, Template>
> = {
  verifyEmail: {
    et: ({ name, link }) => ({
      subject: 'Kinnita oma e-posti aadress',
      text: `${hello.et(name)}\n\nKinnita oma e-posti aadress ja lõpeta konto loomine:\n${link}\n\nLink kehtib 24 tundi. Kui sa kontot ei loonud, jäta see kiri tähelepanuta.`,
    }),
    fi: ({ name, link }) => ({
      subject: 'Vahvista sähköpostiosoitteesi',
      text: `${hello.fi(name)}\n\nVahvista sähköpostiosoitteesi ja viimeistele tilin luominen:\n${link}\n\nLinkki on voimassa 24 tuntia. Jos et luonut tiliä, voit jättää tämän viestin huomiotta.`,
    }),
    en: ({ name, link }) => ({
      subject: 'Confirm your e-mail address',
      text: `${hello.en(name)}\n\nConfirm your e-mail address to finish creating your account:\n${link}\n\nThe link is valid for 24 hours. If you did not create an account, ignore this message.`,
    }),
  },
  accountExists: {
    et: ({ link }) => ({
      subject: 'Sul on juba konto',
      text: `Keegi proovis selle e-posti aadressiga uut kontot luua. Sul on juba konto.\n\nKui unustasid parooli, saad selle siin uuesti määrata:\n${link}`,
    }),
    fi: ({ link }) => ({
      subject: 'Sinulla on jo tili',
      text: `Joku yritti luoda uuden tilin tällä sähköpostiosoitteella. Sinulla on jo tili.\n\nJos unohdit salasanasi, voit asettaa uuden täällä:\n${link}`,
    }),
    en: ({ link }) => ({
      subject: 'You already have an account',
      text: `Someone tried to create a new account with this e-mail address. You already have one.\n\nIf you forgot your password, you can set a new one here:\n${link}`,
    }),
  },
  resetPassword: {
    et: ({ name, link }) => ({
      subject: 'Parooli uuesti määramine',
      text: `${hello.et(name)}\n\nUue parooli saad määrata siin:\n${link}\n\nLink kehtib ühe tunni ja ühe korra. Kui sa parooli ei unustanud, jäta see kiri tähelepanuta.`,
    }),
    fi: ({ name, link }) => ({
      subject: 'Salasanan vaihtaminen',
      text: `${hello.fi(name)}\n\nVoit asettaa uuden salasanan täällä:\n${link}\n\nLinkki on voimassa tunnin ja toimii kerran. Jos et unohtanut salasanaasi, voit jättää tämän viestin huomiotta.`,
    }),
    en: ({ name, link }) => ({
      subject: 'Reset your password',
      text: `${hello.en(name)}\n\nYou can set a new password here:\n${link}\n\nThe link works once, within one hour. If you did not forget your password, ignore this message.`,
    }),
  },
  passwordChanged: {
    et: ({ name }) => ({
      subject: 'Sinu parool muudeti',
      text: `${hello.et(name)}\n\nSinu konto parool muudeti ja teised sessioonid lõpetati. Kui see polnud sina, võta kohe ühendust kasutajatoega.`,
    }),
    fi: ({ name }) => ({
      subject: 'Salasanasi vaihdettiin',
      text: `${hello.fi(name)}\n\nTilisi salasana vaihdettiin ja muut istunnot lopetettiin. Jos se et ollut sinä, ota heti yhteyttä käyttäjätukeen.`,
    }),
    en: ({ name }) => ({
      subject: 'Your password was changed',
      text: `${hello.en(name)}\n\nThe password of your account was changed and your other sessions were ended. If this was not you, contact user support at once.`,
    }),
  },
  passwordReset: {
    et: ({ name }) => ({
      subject: 'Sinu parool määrati uuesti',
      text: `${hello.et(name)}\n\nSinu konto parool määrati e-postiga saadetud lingi kaudu uuesti ja kõik sessioonid lõpetati. Kui see polnud sina, võta kohe ühendust kasutajatoega.`,
    }),
    fi: ({ name }) => ({
      subject: 'Salasanasi asetettiin uudelleen',
      text: `${hello.fi(name)}\n\nTilisi salasana asetettiin uudelleen sähköpostilla lähetetyn linkin kautta ja kaikki istunnot lopetettiin. Jos se et ollut sinä, ota heti yhteyttä käyttäjätukeen.`,
    }),
    en: ({ name }) => ({
      subject: 'Your password was reset',
      text: `${hello.en(name)}\n\nThe password of your account was reset with the link we e-mailed and all sessions were ended. If this was not you, contact user support at once.`,
    }),
  },
  suspended: {
    et: ({ name }) => ({
      subject: 'Sinu konto kasutamine on peatatud',
      text: `${hello.et(name)}\n\nPeatasime sinu konto kasutamise turvalisuse huvides (näiteks kui parool võib olla lekkinud). Kõik sessioonid lõpetati. Konto avamiseks võta ühendust kasutajatoega.`,
    }),
    fi: ({ name }) => ({
      subject: 'Tilisi käyttö on keskeytetty',
      text: `${hello.fi(name)}\n\nKeskeytimme tilisi käytön turvallisuussyistä (esimerkiksi jos salasana on voinut vuotaa). Kaikki istunnot lopetettiin. Ota yhteyttä käyttäjätukeen tilin avaamiseksi.`,
    }),
    en: ({ name }) => ({
      subject: 'Your account has been suspended',
      text: `${hello.en(name)}\n\nWe suspended your account for security reasons (for example, a password may have leaked). All sessions were ended. Contact user support to have it reopened.`,
    }),
  },
};

export function securityEmail(kind: keyof typeof templates, language: Language, to: string, vars: { name?: string; link?: string }): EmailMessage {
  return { to, category: 'security', ...templates[kind][language](vars) };
}

const providerNames: Record<string, string> = {
  harid: 'HarID',
  mpassid: 'MPASSid',
  google: 'Google',
  facebook: 'Facebook',
  ekool: 'eKool',
  stuudium: 'Stuudium',
  password: 'e-mail + password',
};
export const providerName = (id: string) => providerNames[id] ?? id;

type NoticeKind = 'loginLinked' | 'loginUnlinked' | 'personalCodeChanged';
type NoticeVars = { name: string; provider?: string; bySchool?: boolean };

/** The owner is told when a way into their account appears or goes, and when their personal code changes. */
const notices: Record<NoticeKind, Record<Language, (v: NoticeVars) => { subject: string; text: string }>> = {
  loginLinked: {
    et: ({ name, provider }) => ({
      subject: 'Sinu kontoga seoti uus sisselogimisviis',
      text: `Tere, ${name}!\n\nSinu Opiqu kontoga seoti sisselogimisviis: ${provider}. Kui see polnud sina, eemalda see oma konto seadetes ja võta kohe ühendust kasutajatoega.`,
    }),
    fi: ({ name, provider }) => ({
      subject: 'Tiliisi liitettiin uusi kirjautumistapa',
      text: `Hei ${name}!\n\nOpiq-tiliisi liitettiin kirjautumistapa: ${provider}. Jos se et ollut sinä, poista se tilisi asetuksista ja ota heti yhteyttä käyttäjätukeen.`,
    }),
    en: ({ name, provider }) => ({
      subject: 'A new way to sign in was linked to your account',
      text: `Hello ${name},\n\nA way to sign in was linked to your Opiq account: ${provider}. If this was not you, remove it in your account settings and contact user support at once.`,
    }),
  },
  loginUnlinked: {
    et: ({ name, provider }) => ({
      subject: 'Sinu kontolt eemaldati sisselogimisviis',
      text: `Tere, ${name}!\n\nSinu Opiqu kontolt eemaldati sisselogimisviis: ${provider}. Kui see polnud sina, võta kohe ühendust kasutajatoega.`,
    }),
    fi: ({ name, provider }) => ({
      subject: 'Tililtäsi poistettiin kirjautumistapa',
      text: `Hei ${name}!\n\nOpiq-tililtäsi poistettiin kirjautumistapa: ${provider}. Jos se et ollut sinä, ota heti yhteyttä käyttäjätukeen.`,
    }),
    en: ({ name, provider }) => ({
      subject: 'A way to sign in was removed from your account',
      text: `Hello ${name},\n\nA way to sign in was removed from your Opiq account: ${provider}. If this was not you, contact user support at once.`,
    }),
  },
  personalCodeChanged: {
    et: ({ name, bySchool }) => ({
      subject: 'Sinu isikukoodi muudeti',
      text: `Tere, ${name}!\n\n${bySchool ? 'Sinu kool muutis' : 'Muudeti'} sinu Opiqu kontol olevat isikukoodi. Kui see polnud sina ega sinu kool, võta kohe ühendust kasutajatoega.`,
    }),
    fi: ({ name, bySchool }) => ({
      subject: 'Henkilötunnuksesi muutettiin',
      text: `Hei ${name}!\n\n${bySchool ? 'Koulusi muutti' : 'Muutettiin'} Opiq-tililläsi olevaa henkilötunnusta. Jos se et ollut sinä eikä koulusi, ota heti yhteyttä käyttäjätukeen.`,
    }),
    en: ({ name, bySchool }) => ({
      subject: 'Your personal identification code was changed',
      text: `Hello ${name},\n\nThe personal identification code on your Opiq account was changed${bySchool ? ' by your school' : ''}. If this was not you or your school, contact user support at once.`,
    }),
  },
};

export function accountNotice(kind: NoticeKind, language: Language, to: string, vars: NoticeVars): EmailMessage {
  return { to, category: 'security', ...notices[kind][language]({ ...vars, ...(vars.provider ? { provider: providerName(vars.provider) } : {}) }) };
}

type MeasureReason = 'password-leak' | 'malicious-activity' | 'unusual-usage' | 'terms-breach';
const measureReasons: Record<MeasureReason, Record<Language, string>> = {
  'password-leak': {
    et: 'turvalisuse huvides: sinu parool võib olla lekkinud',
    fi: 'turvallisuussyistä: salasanasi on voinut vuotaa',
    en: 'for security reasons: your password may have leaked',
  },
  'malicious-activity': { et: 'pahatahtliku tegevuse tõttu', fi: 'haitallisen toiminnan vuoksi', en: 'because of malicious activity' },
  'unusual-usage': { et: 'ebatavalise kasutuse tõttu', fi: 'epätavallisen käytön vuoksi', en: 'because of unusual usage' },
  'terms-breach': { et: 'kasutustingimuste rikkumise tõttu', fi: 'käyttöehtojen rikkomisen vuoksi', en: 'because the terms of use were broken' },
};

/**
 * OPS-1: the person is told what was done and the real reason category (not always "security"), and that the school
 * is involved when it is.
 */
export function measureEmail(
  measure: 'suspended' | 'read-only',
  reason: MeasureReason,
  language: Language,
  to: string,
  v: { name: string; withSchool: boolean },
): EmailMessage {
  const why = measureReasons[reason][language];
  const texts: Record<Language, { subject: string; text: string }> =
    measure === 'suspended'
      ? {
          et: {
            subject: 'Sinu konto kasutamine on peatatud',
            text: `Tere, ${v.name}!\n\nPeatasime sinu konto kasutamise ${why}. Kõik sessioonid lõpetati.${v.withSchool ? ' Sinu kool on sellest teadlik ja otsustab koos meiega.' : ''} Küsimuste korral võta ühendust kasutajatoega.`,
          },
          fi: {
            subject: 'Tilisi käyttö on keskeytetty',
            text: `Hei ${v.name}!\n\nKeskeytimme tilisi käytön ${why}. Kaikki istunnot lopetettiin.${v.withSchool ? ' Koulusi tietää tästä ja päättää asiasta kanssamme.' : ''} Jos sinulla on kysyttävää, ota yhteyttä käyttäjätukeen.`,
          },
          en: {
            subject: 'Your account has been suspended',
            text: `Hello ${v.name},\n\nWe suspended your account ${why}. All sessions were ended.${v.withSchool ? ' Your school knows and decides together with us.' : ''} If you have questions, contact user support.`,
          },
        }
      : {
          et: {
            subject: 'Sinu kontot on piiratud',
            text: `Tere, ${v.name}!\n\nPiirasime sinu kontot ${why}: saad sisse logida ja lugeda, kuid mitte vastata, märkmeid lisada ega vestelda.${v.withSchool ? ' Sinu kool on sellest teadlik ja otsustab koos meiega.' : ''} Küsimuste korral võta ühendust kasutajatoega.`,
          },
          fi: {
            subject: 'Tiliäsi on rajoitettu',
            text: `Hei ${v.name}!\n\nRajoitimme tiliäsi ${why}: voit kirjautua ja lukea, mutta et vastata, lisätä muistiinpanoja tai keskustella.${v.withSchool ? ' Koulusi tietää tästä ja päättää asiasta kanssamme.' : ''} Jos sinulla on kysyttävää, ota yhteyttä käyttäjätukeen.`,
          },
          en: {
            subject: 'Your account has been restricted',
            text: `Hello ${v.name},\n\nWe restricted your account ${why}: you can sign in and read, but not answer, add notes or chat.${v.withSchool ? ' Your school knows and decides together with us.' : ''} If you have questions, contact user support.`,
          },
        };
  return { to, category: 'security', ...texts[language] };
}
