import { defineErrors } from '../platform/errors.js';

/** Errors of sign-in, sessions, passwords and linked logins (AUTH), in et, fi and en (OPS-3). */
export const authErrors = defineErrors({
  session_revoked: {
    kind: 'unauthenticated',
    text: {
      et: 'See sessioon on lõpetatud. Palun logi uuesti sisse.',
      fi: 'Tämä istunto on päättynyt. Kirjaudu uudelleen.',
      en: 'This session has ended. Please sign in again.',
    },
  },
  refresh_invalid: {
    kind: 'unauthenticated',
    text: {
      et: 'Sessiooni ei saa pikendada. Palun logi uuesti sisse.',
      fi: 'Istuntoa ei voi jatkaa. Kirjaudu uudelleen.',
      en: 'The session cannot be renewed. Please sign in again.',
    },
  },
  refresh_race: {
    kind: 'conflict',
    text: {
      et: 'Sessiooni pikendati samal ajal teises aknas. Proovi uuesti.',
      fi: 'Istuntoa jatkettiin samaan aikaan toisessa ikkunassa. Yritä uudelleen.',
      en: 'The session was renewed in another window at the same moment. Please try again.',
    },
  },
  refresh_reused: {
    kind: 'unauthenticated',
    text: {
      et: 'Sessiooni võtit kasutati teist korda, seetõttu lõpetasime sessiooni. Palun logi uuesti sisse.',
      fi: 'Istunnon avainta käytettiin toiseen kertaan, joten istunto lopetettiin. Kirjaudu uudelleen.',
      en: 'The session key was used a second time, so the session was ended. Please sign in again.',
    },
  },
  invalid_credentials: {
    kind: 'unauthenticated',
    text: {
      et: 'E-posti aadress või parool ei ole õige.',
      fi: 'Sähköpostiosoite tai salasana on väärin.',
      en: 'The e-mail address or password is not correct.',
    },
  },
  too_many_attempts: {
    kind: 'rate_limited',
    text: {
      et: 'Liiga palju ebaõnnestunud katseid. Proovi uuesti {retryAfterMinutes} minuti pärast.',
      fi: 'Liian monta epäonnistunutta yritystä. Yritä uudelleen {retryAfterMinutes} minuutin kuluttua.',
      en: 'Too many failed attempts. Try again in {retryAfterMinutes} minutes.',
    },
  },
  email_not_verified: {
    kind: 'forbidden',
    text: {
      et: 'Kinnita esmalt oma e-posti aadress: saatsime sulle kirja.',
      fi: 'Vahvista ensin sähköpostiosoitteesi: lähetimme sinulle viestin.',
      en: 'Please confirm your e-mail address first: we sent you a message.',
    },
  },
  account_suspended: {
    kind: 'forbidden',
    text: {
      et: 'Konto kasutamine on peatatud. Võta ühendust kasutajatoega.',
      fi: 'Tilin käyttö on keskeytetty. Ota yhteyttä käyttäjätukeen.',
      en: 'This account is suspended. Please contact user support.',
    },
  },
  password_too_short: {
    kind: 'unprocessable',
    text: {
      et: 'Parool peab olema vähemalt {min} märki pikk.',
      fi: 'Salasanan on oltava vähintään {min} merkkiä pitkä.',
      en: 'The password must be at least {min} characters long.',
    },
  },
  password_too_long: {
    kind: 'unprocessable',
    text: {
      et: 'Parool võib olla kuni {max} märki pikk.',
      fi: 'Salasana voi olla enintään {max} merkkiä pitkä.',
      en: 'The password can be at most {max} characters long.',
    },
  },
  password_too_simple: {
    kind: 'unprocessable',
    text: {
      et: 'Parool on liiga lihtne. Vali pikem ja mitmekesisem parool.',
      fi: 'Salasana on liian yksinkertainen. Valitse pidempi ja monipuolisempi salasana.',
      en: 'The password is too simple. Choose a longer, more varied one.',
    },
  },
  token_invalid: {
    kind: 'invalid',
    text: {
      et: 'Link on aegunud või juba kasutatud.',
      fi: 'Linkki on vanhentunut tai jo käytetty.',
      en: 'The link has expired or has already been used.',
    },
  },
  school_not_on_platform: {
    kind: 'not_found',
    text: {
      et: 'See kool ei kasuta Opiqut, seega ei saa selle Stuudiumiga sisse logida.',
      fi: 'Tämä koulu ei käytä Opiqia, joten sen Stuudiumilla ei voi kirjautua.',
      en: 'This school is not on Opiq, so its Stuudium cannot be used to sign in.',
    },
  },
  provider_disabled: {
    kind: 'not_found',
    text: {
      et: 'Sisselogimine teenusega {provider} ei ole sisse lülitatud.',
      fi: 'Kirjautuminen palvelulla {provider} ei ole käytössä.',
      en: 'Sign-in with {provider} is not switched on.',
    },
  },
  invalid_return_path: {
    kind: 'invalid',
    text: {
      et: 'Tagasisuunamise aadress ei ole lubatud.',
      fi: 'Paluuosoite ei ole sallittu.',
      en: 'The return address is not allowed.',
    },
  },
  login_linked_elsewhere: {
    kind: 'conflict',
    text: {
      et: 'See sisselogimisviis on juba seotud teise kontoga.',
      fi: 'Tämä kirjautumistapa on jo liitetty toiseen tiliin.',
      en: 'This way of signing in is already linked to another account.',
    },
  },
  last_login: {
    kind: 'conflict',
    text: {
      et: 'Viimast sisselogimisviisi ei saa eemaldada: muidu ei pääseks sa enam kontole.',
      fi: 'Viimeistä kirjautumistapaa ei voi poistaa: muuten et pääsisi enää tilillesi.',
      en: 'The last way to sign in cannot be removed, or you could no longer reach your account.',
    },
  },
  login_not_found: {
    kind: 'not_found',
    text: {
      et: 'Sellist sisselogimisviisi sinu kontol ei ole.',
      fi: 'Tililläsi ei ole tällaista kirjautumistapaa.',
      en: 'Your account has no such way of signing in.',
    },
  },
  invalid_personal_code: {
    kind: 'unprocessable',
    text: {
      et: 'Isikukood ei ole korrektne.',
      fi: 'Henkilötunnus ei ole oikein.',
      en: 'The personal identification code is not valid.',
    },
  },
  unknown_provider: {
    kind: 'not_found',
    text: {
      et: 'Sellist sisselogimisviisi ei ole.',
      fi: 'Tällaista kirjautumistapaa ei ole.',
      en: 'There is no such way of signing in.',
    },
  },
  link_requires_post: {
    kind: 'invalid',
    text: {
      et: 'Konto sidumine algab POST-päringuga aadressile /api/auth/{provider}/link.',
      fi: 'Tilin linkitys alkaa POST-pyynnöllä osoitteeseen /api/auth/{provider}/link.',
      en: 'Linking a login starts with a POST to /api/auth/{provider}/link.',
    },
  },
  school_required: {
    kind: 'invalid',
    text: {
      et: 'Vali kool, mille Stuudiumi kaudu sisse logid.',
      fi: 'Valitse koulu, jonka Stuudiumin kautta kirjaudut.',
      en: 'Choose the school whose Stuudium you sign in with.',
    },
  },
  staff_only: {
    kind: 'forbidden',
    text: {
      et: 'Seda saavad teha ainult teenuse haldaja töötajad.',
      fi: 'Tämän voivat tehdä vain palvelun ylläpitäjän työntekijät.',
      en: 'Only the operator’s staff can do this.',
    },
  },
  reauthentication_required: {
    kind: 'forbidden',
    text: {
      et: 'Kinnita, et see oled sina: logi uuesti sisse (või sisesta oma parool) ja proovi siis uuesti.',
      fi: 'Vahvista henkilöllisyytesi: kirjaudu uudelleen (tai anna salasanasi) ja yritä sitten uudelleen.',
      en: 'Confirm it is you: sign in again (or enter your password), then try again.',
    },
  },
  wrong_password: {
    kind: 'forbidden',
    text: {
      et: 'Praegune parool ei ole õige.',
      fi: 'Nykyinen salasana on väärin.',
      en: 'The current password is not correct.',
    },
  },
  password_common: {
    kind: 'unprocessable',
    text: {
      et: 'See parool on lekkinud paroolide nimekirjades ja seda arvatakse kergesti ära. Vali teine parool.',
      fi: 'Tämä salasana löytyy vuotaneiden salasanojen listoilta ja on helppo arvata. Valitse toinen salasana.',
      en: 'This password appears in lists of leaked passwords and is easy to guess. Choose another one.',
    },
  },
  invalid_email: {
    kind: 'unprocessable',
    text: {
      et: 'E-posti aadress ei ole kasutatav. Kasuta tavalistest tähtedest ja numbritest koosnevat aadressi.',
      fi: 'Sähköpostiosoite ei ole käytettävissä. Käytä tavallisista kirjaimista ja numeroista koostuvaa osoitetta.',
      en: 'This e-mail address cannot be used. Use an address made of plain letters and digits.',
    },
  },
  session_not_found: {
    kind: 'not_found',
    text: {
      et: 'Sellist aktiivset sessiooni sinu kontol ei ole.',
      fi: 'Tililläsi ei ole tällaista aktiivista istuntoa.',
      en: 'Your account has no such active session.',
    },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof authErrors, true> {}
}
