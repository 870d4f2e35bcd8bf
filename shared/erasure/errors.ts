import { defineErrors } from '../platform/errors.js';

/** Errors of the erasure evidence (PRIV-3), in et, fi and en (OPS-3). */
export const erasureErrors = defineErrors({
  erasure_account_id_required: {
    kind: 'invalid',
    text: {
      et: 'Anna konto tunnus (accountId), mille kustutamise tõendit otsid.',
      fi: 'Anna tilin tunniste (accountId), jonka poistamisen todistetta etsit.',
      en: 'Give the account id (accountId) whose erasure evidence you are looking for.',
    },
  },
  erasure_evidence_not_found: {
    kind: 'not_found',
    text: {
      et: 'Selle räsiga kustutamise tõendit ei ole.',
      fi: 'Tällä tiivisteellä ei ole poistamisen todistetta.',
      en: 'There is no erasure evidence under this hash.',
    },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof erasureErrors, true> {}
}
