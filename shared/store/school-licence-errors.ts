import { defineErrors } from '../platform/errors.js';

/** Errors of school licences (STORE, ACC-1), in et, fi and en (OPS-3). */
export const schoolLicenceErrors = defineErrors({
  school_licence_not_found: {
    kind: 'not_found',
    text: { et: 'Sellist koolilitsentsi ei ole.', fi: 'Tällaista koululisenssiä ei ole.', en: 'There is no such school licence.' },
  },
  school_licence_school_not_found: {
    kind: 'not_found',
    text: { et: 'Sellist kooli ei ole.', fi: 'Tällaista koulua ei ole.', en: 'There is no such school.' },
  },
  school_licence_product_unknown: {
    kind: 'unprocessable',
    text: {
      et: 'Sellist teost või paketti selle kirjastuse kataloogis ei ole.',
      fi: 'Tällaista teosta tai pakettia ei ole tämän kustantajan luettelossa.',
      en: "There is no such work or package in this publisher's catalogue.",
    },
  },
  school_licence_dates_backwards: {
    kind: 'unprocessable',
    text: {
      et: 'Litsentsi lõpp peab olema pärast algust.',
      fi: 'Lisenssin lopun on oltava alun jälkeen.',
      en: 'The licence must end after it starts.',
    },
  },
  school_licence_class_unknown: {
    kind: 'unprocessable',
    text: { et: 'Klass ei ole selle kooli klass.', fi: 'Luokka ei ole tämän koulun luokka.', en: 'The class is not a class of this school.' },
  },
  school_licence_student_unknown: {
    kind: 'unprocessable',
    text: {
      et: 'Nimetatud inimene ei ole selle kooli õpilane.',
      fi: 'Nimetty henkilö ei ole tämän koulun oppilas.',
      en: 'The person named is not a student of this school.',
    },
  },
  school_licence_key_reused: {
    kind: 'conflict',
    text: {
      et: 'See Idempotency-Key on juba kasutatud teistsuguse litsentsi jaoks.',
      fi: 'Tätä Idempotency-Key-arvoa on jo käytetty toiseen lisenssiin.',
      en: 'This Idempotency-Key was already used for a different licence.',
    },
  },
  school_licence_ended: {
    kind: 'conflict',
    text: { et: 'See koolilitsents on lõppenud.', fi: 'Tämä koululisenssi on päättynyt.', en: 'This school licence has ended.' },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof schoolLicenceErrors, true> {}
}
