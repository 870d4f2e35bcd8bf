import { defineErrors } from '../platform/errors.js';

/** Errors of the shop: packages, orders, invoices, withdrawals (STORE), in et, fi and en (OPS-3). */
export const storeErrors = defineErrors({
  package_not_found: {
    kind: 'not_found',
    text: {
      et: 'Sellist paketti ei ole.',
      fi: 'Tällaista pakettia ei ole.',
      en: 'There is no such package.',
    },
  },
  package_not_on_sale: {
    kind: 'conflict',
    text: {
      et: 'Seda paketti enam ei müüda.',
      fi: 'Tätä pakettia ei enää myydä.',
      en: 'This package is no longer on sale.',
    },
  },
  work_not_found: {
    kind: 'not_found',
    text: {
      et: 'Sellist teost ei ole.',
      fi: 'Tällaista teosta ei ole.',
      en: 'There is no such work.',
    },
  },
  work_not_distributed: {
    kind: 'conflict',
    text: {
      et: 'Kirjastus on lõpetanud paketi mõne teose levitamise, seda ei saa enam osta.',
      fi: 'Kustantaja on lopettanut paketin jonkin teoksen jakelun, joten sitä ei voi enää ostaa.',
      en: 'The publisher has stopped distributing a work of this package, so it can no longer be bought.',
    },
  },
  withdrawal_acknowledgement_required: {
    kind: 'unprocessable',
    text: {
      et: 'Kinnita, et tead: digitaalse sisu ostul taganemisõigust ei ole (VÕS § 53 lg 4 p 7¹).',
      fi: 'Vahvista, että tiedät: digitaalisen sisällön ostolla ei ole peruuttamisoikeutta.',
      en: 'Please confirm that you know there is no right of withdrawal for digital content.',
    },
  },
  start_date_invalid: {
    kind: 'unprocessable',
    text: {
      et: 'Litsentsi alguskuupäev peab olema täna või kuni aasta pärast.',
      fi: 'Lisenssin alkamispäivän on oltava tänään tai enintään vuoden päästä.',
      en: 'The licence must start today or within a year.',
    },
  },
  email_required: {
    kind: 'unprocessable',
    text: {
      et: 'Ostmiseks lisa oma kontole e-posti aadress: saadame sinna tehingu andmed.',
      fi: 'Lisää tilillesi sähköpostiosoite ostaaksesi: lähetämme sinne kaupan tiedot.',
      en: 'Add an e-mail address to your account to buy: we send the transaction details there.',
    },
  },
  invoices_unavailable: {
    kind: 'unavailable',
    text: {
      et: 'Ettemaksuarvega tasumine ei ole praegu võimalik.',
      fi: 'Ennakkolaskulla maksaminen ei ole nyt mahdollista.',
      en: 'Paying by prepayment invoice is not available right now.',
    },
  },
  order_flag_not_found: {
    kind: 'not_found',
    text: {
      et: 'Tellimusel ei ole sellist märget.',
      fi: 'Tilauksella ei ole tällaista merkintää.',
      en: 'The order has no such flag.',
    },
  },
  order_not_found: {
    kind: 'not_found',
    text: {
      et: 'Sellist tellimust ei ole.',
      fi: 'Tällaista tilausta ei ole.',
      en: 'There is no such order.',
    },
  },
  invoice_not_found: {
    kind: 'not_found',
    text: {
      et: 'Sellise numbriga arvet ei ole.',
      fi: 'Tällä numerolla ei ole laskua.',
      en: 'There is no invoice with this number.',
    },
  },
  order_state_conflict: {
    kind: 'conflict',
    text: {
      et: 'Tellimuse olek on „{status}“, seda toimingut ei saa teha.',
      fi: 'Tilauksen tila on ”{status}”, joten toimintoa ei voi tehdä.',
      en: 'The order is “{status}”, so this cannot be done.',
    },
  },
  withdrawal_in_progress: {
    kind: 'conflict',
    text: {
      et: 'Müügi lõpetamise töö on juba alanud: litsentse lõpetatakse ja seda ei saa enam tagasi võtta.',
      fi: 'Myynnin lopettamisen työ on jo alkanut: lisenssejä päätetään, eikä sitä voi enää perua.',
      en: 'The withdrawal job has already started: licences are being ended, and it can no longer be taken back.',
    },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof storeErrors, true> {}
}
