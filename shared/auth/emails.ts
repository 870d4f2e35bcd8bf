import type { Language } from '../http/i18n.js';
import type { EmailMessage } from '../platform/email.js';

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
const templates: Record<'verifyEmail' | 'accountExists' | 'resetPassword' | 'passwordChanged' | 'passwordReset' | 'suspended', Record<Language, Template>> = {
  verifyEmail: {
    et: ({ name, link }) => ({ subject: 'Kinnita oma e-posti aadress', text: `${hello.et(name)}\n\nKinnita oma e-posti aadress ja lõpeta konto loomine:\n${link}\n\nLink kehtib 24 tundi. Kui sa kontot ei loonud, jäta see kiri tähelepanuta.` }),
    fi: ({ name, link }) => ({ subject: 'Vahvista sähköpostiosoitteesi', text: `${hello.fi(name)}\n\nVahvista sähköpostiosoitteesi ja viimeistele tilin luominen:\n${link}\n\nLinkki on voimassa 24 tuntia. Jos et luonut tiliä, voit jättää tämän viestin huomiotta.` }),
    en: ({ name, link }) => ({ subject: 'Confirm your e-mail address', text: `${hello.en(name)}\n\nConfirm your e-mail address to finish creating your account:\n${link}\n\nThe link is valid for 24 hours. If you did not create an account, ignore this message.` }),
  },
  accountExists: {
    et: ({ link }) => ({ subject: 'Sul on juba konto', text: `Keegi proovis selle e-posti aadressiga uut kontot luua. Sul on juba konto.\n\nKui unustasid parooli, saad selle siin uuesti määrata:\n${link}` }),
    fi: ({ link }) => ({ subject: 'Sinulla on jo tili', text: `Joku yritti luoda uuden tilin tällä sähköpostiosoitteella. Sinulla on jo tili.\n\nJos unohdit salasanasi, voit asettaa uuden täällä:\n${link}` }),
    en: ({ link }) => ({ subject: 'You already have an account', text: `Someone tried to create a new account with this e-mail address. You already have one.\n\nIf you forgot your password, you can set a new one here:\n${link}` }),
  },
  resetPassword: {
    et: ({ name, link }) => ({ subject: 'Parooli uuesti määramine', text: `${hello.et(name)}\n\nUue parooli saad määrata siin:\n${link}\n\nLink kehtib ühe tunni ja ühe korra. Kui sa parooli ei unustanud, jäta see kiri tähelepanuta.` }),
    fi: ({ name, link }) => ({ subject: 'Salasanan vaihtaminen', text: `${hello.fi(name)}\n\nVoit asettaa uuden salasanan täällä:\n${link}\n\nLinkki on voimassa tunnin ja toimii kerran. Jos et unohtanut salasanaasi, voit jättää tämän viestin huomiotta.` }),
    en: ({ name, link }) => ({ subject: 'Reset your password', text: `${hello.en(name)}\n\nYou can set a new password here:\n${link}\n\nThe link works once, within one hour. If you did not forget your password, ignore this message.` }),
  },
  passwordChanged: {
    et: ({ name }) => ({ subject: 'Sinu parool muudeti', text: `${hello.et(name)}\n\nSinu konto parool muudeti ja teised sessioonid lõpetati. Kui see polnud sina, võta kohe ühendust kasutajatoega.` }),
    fi: ({ name }) => ({ subject: 'Salasanasi vaihdettiin', text: `${hello.fi(name)}\n\nTilisi salasana vaihdettiin ja muut istunnot lopetettiin. Jos se et ollut sinä, ota heti yhteyttä käyttäjätukeen.` }),
    en: ({ name }) => ({ subject: 'Your password was changed', text: `${hello.en(name)}\n\nThe password of your account was changed and your other sessions were ended. If this was not you, contact user support at once.` }),
  },
  passwordReset: {
    et: ({ name }) => ({ subject: 'Sinu parool määrati uuesti', text: `${hello.et(name)}\n\nSinu konto parool määrati e-postiga saadetud lingi kaudu uuesti ja kõik sessioonid lõpetati. Kui see polnud sina, võta kohe ühendust kasutajatoega.` }),
    fi: ({ name }) => ({ subject: 'Salasanasi asetettiin uudelleen', text: `${hello.fi(name)}\n\nTilisi salasana asetettiin uudelleen sähköpostilla lähetetyn linkin kautta ja kaikki istunnot lopetettiin. Jos se et ollut sinä, ota heti yhteyttä käyttäjätukeen.` }),
    en: ({ name }) => ({ subject: 'Your password was reset', text: `${hello.en(name)}\n\nThe password of your account was reset with the link we e-mailed and all sessions were ended. If this was not you, contact user support at once.` }),
  },
  suspended: {
    et: ({ name }) => ({ subject: 'Sinu konto kasutamine on peatatud', text: `${hello.et(name)}\n\nPeatasime sinu konto kasutamise turvalisuse huvides (näiteks kui parool võib olla lekkinud). Kõik sessioonid lõpetati. Konto avamiseks võta ühendust kasutajatoega.` }),
    fi: ({ name }) => ({ subject: 'Tilisi käyttö on keskeytetty', text: `${hello.fi(name)}\n\nKeskeytimme tilisi käytön turvallisuussyistä (esimerkiksi jos salasana on voinut vuotaa). Kaikki istunnot lopetettiin. Ota yhteyttä käyttäjätukeen tilin avaamiseksi.` }),
    en: ({ name }) => ({ subject: 'Your account has been suspended', text: `${hello.en(name)}\n\nWe suspended your account for security reasons (for example, a password may have leaked). All sessions were ended. Contact user support to have it reopened.` }),
  },
};

export function securityEmail(kind: keyof typeof templates, language: Language, to: string, vars: { name?: string; link?: string }): EmailMessage {
  return { to, category: 'security', ...templates[kind][language](vars) };
}
