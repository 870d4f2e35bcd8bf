import { defineErrors } from '../platform/errors.js';

/** Errors of consents, restriction and objection, and account closure (PRIV-4, PRIV-6, PRIV-8), in et, fi and en (OPS-3). */
export const consentsErrors = defineErrors({
  consent_version_outdated: {
    kind: 'conflict',
    text: {
      et: 'Nõusoleku tekst on vahepeal muutunud. Loe uus tekst ja anna nõusolek uuesti.',
      fi: 'Suostumuksen teksti on muuttunut. Lue uusi teksti ja anna suostumus uudelleen.',
      en: 'The consent text has changed in the meantime. Please read the new text and give your consent again.',
    },
  },
  consent_needs_parent: {
    kind: 'forbidden',
    text: {
      et: 'Alla 13-aastase lapse eest saab nõusoleku anda ainult lapsevanem.',
      fi: 'Alle 13-vuotiaan lapsen puolesta suostumuksen voi antaa vain huoltaja.',
      en: 'Only a parent can give this consent for a child under 13.',
    },
  },
  unsubscribe_link_invalid: {
    kind: 'invalid',
    text: {
      et: 'See tellimusest loobumise link ei ole terve. Loobu uudiskirjast konto seadetes.',
      fi: 'Tämä tilauksen peruutuslinkki on virheellinen. Peru uutiskirje tilin asetuksissa.',
      en: 'This unsubscribe link is not complete. Please unsubscribe in your account settings.',
    },
  },
  unsubscribe_link_forged: {
    kind: 'forbidden',
    text: {
      et: 'Seda tellimusest loobumise linki ei ole meie saadetud. Loobu uudiskirjast konto seadetes.',
      fi: 'Tämä tilauksen peruutuslinkki ei ole meidän lähettämämme. Peru uutiskirje tilin asetuksissa.',
      en: 'This unsubscribe link was not sent by us. Please unsubscribe in your account settings.',
    },
  },
  account_closed_by_school: {
    kind: 'forbidden',
    text: {
      et: 'Kooli kasutaja konto sulgeb kool. Palun pöördu oma kooli poole.',
      fi: 'Koulun käyttäjän tilin sulkee koulu. Ota yhteyttä kouluusi.',
      en: "A school user's account is closed by the school. Please contact your school.",
    },
  },
  account_in_other_school: {
    kind: 'conflict',
    text: {
      et: 'Sellel inimesel on roll ka teises koolis, seega ei saa üks kool tema kontot sulgeda. Lõpeta selle asemel tema roll oma koolis.',
      fi: 'Tällä henkilöllä on rooli myös toisessa koulussa, joten yksi koulu ei voi sulkea hänen tiliään. Päätä sen sijaan hänen roolinsa koulussasi.',
      en: 'This person also holds a role in another school, so one school cannot close their account. End their role in your school instead.',
    },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof consentsErrors, true> {}
}
