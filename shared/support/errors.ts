import { defineErrors } from '../platform/errors.js';

/** Errors of user support (ACC-6), in et, fi and en (OPS-3). */
export const supportErrors = defineErrors({
  support_request_limit: {
    kind: 'conflict',
    text: {
      et: 'Sul on juba {limit} avatud pöördumist. Palun jätka mõnda neist.',
      fi: 'Sinulla on jo {limit} avointa yhteydenottoa. Jatka jotakin niistä.',
      en: 'You already have {limit} open support requests. Please continue one of them.',
    },
  },
  support_request_full: {
    kind: 'conflict',
    text: {
      et: 'Selles pöördumises on juba {limit} sõnumit. Palun alusta uut pöördumist.',
      fi: 'Tässä yhteydenotossa on jo {limit} viestiä. Aloita uusi yhteydenotto.',
      en: 'This support request already has {limit} messages. Please open a new one.',
    },
  },
  support_request_not_found: {
    kind: 'not_found',
    text: {
      et: 'Sellist pöördumist ei ole.',
      fi: 'Tällaista yhteydenottoa ei ole.',
      en: 'There is no such support request.',
    },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof supportErrors, true> {}
}
