import { defineErrors } from '../platform/errors.js';

/** Errors of setting up organisations (ACC-1), in et, fi and en (OPS-3). */
export const organisationErrors = defineErrors({
  organisation_school_exists: {
    kind: 'conflict',
    text: {
      et: 'Selle registrikoodiga kool on juba olemas.',
      fi: 'Koulu tällä rekisteritunnuksella on jo olemassa.',
      en: 'A school with this registry code already exists.',
    },
  },
  organisation_school_not_found: {
    kind: 'not_found',
    text: { et: 'Sellist kooli ei ole.', fi: 'Tällaista koulua ei ole.', en: 'There is no such school.' },
  },
  organisation_mpassid_code_taken: {
    kind: 'conflict',
    text: {
      et: 'Selle MPASSid koolikoodiga on juba seotud teine kool.',
      fi: 'Tämä MPASSid-koulukoodi on jo liitetty toiseen kouluun.',
      en: 'Another school already lists this MPASSid school code.',
    },
  },
  organisation_publisher_exists: {
    kind: 'conflict',
    text: {
      et: 'Selle registrikoodiga kirjastus on juba olemas.',
      fi: 'Kustantaja tällä rekisteritunnuksella on jo olemassa.',
      en: 'A publisher with this registry code already exists.',
    },
  },
  organisation_publisher_not_found: {
    kind: 'not_found',
    text: { et: 'Sellist kirjastust ei ole.', fi: 'Tällaista kustantajaa ei ole.', en: 'There is no such publisher.' },
  },
  organisation_account_not_found: {
    kind: 'not_found',
    text: { et: 'Sellist kontot ei ole.', fi: 'Tällaista tiliä ei ole.', en: 'There is no such account.' },
  },
  organisation_own_roles: {
    kind: 'forbidden',
    text: { et: 'Oma rolle ei saa ise muuta.', fi: 'Omia rooleja ei voi muuttaa itse.', en: 'You cannot change your own roles.' },
  },
  organisation_schools_unknown: {
    kind: 'unprocessable',
    text: { et: 'Mõnda nimetatud kooli ei ole.', fi: 'Joitakin nimettyjä kouluja ei ole.', en: 'Some of the schools named do not exist.' },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof organisationErrors, true> {}
}
