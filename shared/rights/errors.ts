import { defineErrors } from '../platform/errors.js';

/** Errors of data-subject requests (PRIV-7), in et, fi and en (OPS-3). */
export const rightsErrors = defineErrors({
  rights_request_not_found: {
    kind: 'not_found',
    text: {
      et: 'Sellist andmesubjekti taotlust ei ole.',
      fi: 'Tällaista rekisteröidyn pyyntöä ei ole.',
      en: 'There is no such data-subject request.',
    },
  },
  rights_request_already_open: {
    kind: 'conflict',
    text: {
      et: 'Selle isiku kohta on sama liiki taotlus juba menetluses.',
      fi: 'Tästä henkilöstä on jo käsittelyssä samanlainen pyyntö.',
      en: 'A request of this type about this person is already open.',
    },
  },
  rights_request_transition: {
    kind: 'conflict',
    text: {
      et: 'Taotlust ei saa viia olekust „{from}” olekusse „{to}”.',
      fi: 'Pyyntöä ei voi siirtää tilasta ”{from}” tilaan ”{to}”.',
      en: 'The request cannot move from "{from}" to "{to}".',
    },
  },
  rights_extension_too_long: {
    kind: 'unprocessable',
    text: {
      et: 'Tähtaega saab pikendada kokku kuni {days} päeva.',
      fi: 'Määräaikaa voi jatkaa yhteensä enintään {days} päivää.',
      en: 'The due date can be extended by at most {days} days in all.',
    },
  },
  rights_subject_not_student: {
    kind: 'not_found',
    text: {
      et: 'See isik ei ole selle kooli õpilane.',
      fi: 'Tämä henkilö ei ole tämän koulun oppilas.',
      en: 'This person is not a student of this school.',
    },
  },
  rights_subject_not_found: {
    kind: 'not_found',
    text: { et: 'Sellist kasutajat ei ole.', fi: 'Tällaista käyttäjää ei ole.', en: 'There is no such user.' },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof rightsErrors, true> {}
}
