import { defineErrors } from '../platform/errors.js';

/** Errors of works' content, publishing, checking and search (issue 18), in et, fi and en (OPS-3). */
export const contentErrors = defineErrors({
  answer_kind_mismatch: {
    kind: 'invalid',
    text: {
      et: 'Vastus ei sobi selle ülesandega (ülesande liik: {kind}).',
      fi: 'Vastaus ei sovi tähän tehtävään (tehtävän tyyppi: {kind}).',
      en: 'The answer does not fit this exercise (its kind is {kind}).',
    },
  },
  // work_not_found is the store's (one code, one meaning: there is no such work).
  work_version_not_found: {
    kind: 'not_found',
    text: {
      et: 'Teosel ei ole sellist avaldatud versiooni.',
      fi: 'Teoksella ei ole tällaista julkaistua versiota.',
      en: 'The work has no such published version.',
    },
  },
  work_chapter_not_found: {
    kind: 'not_found',
    text: { et: 'Teoses ei ole sellist peatükki.', fi: 'Teoksessa ei ole tällaista lukua.', en: 'The work has no such chapter.' },
  },
  work_not_licensed: {
    kind: 'forbidden',
    text: {
      et: 'Sul ei ole selle teose kasutamiseks kehtivat litsentsi.',
      fi: 'Sinulla ei ole voimassa olevaa lisenssiä tämän teoksen käyttöön.',
      en: 'You have no valid licence to open this work.',
    },
  },
  work_withdrawn: {
    kind: 'forbidden',
    text: {
      et: 'Kirjastus on selle teose levitamise lõpetanud; uusi töid selles teha ei saa.',
      fi: 'Kustantaja on lopettanut teoksen jakelun; siinä ei voi aloittaa uutta työtä.',
      en: 'The publisher has stopped distributing this work; no new work can be done in it.',
    },
  },
  work_id_taken: {
    kind: 'conflict',
    text: { et: 'Selle tunnusega teos on juba olemas.', fi: 'Tällä tunnuksella on jo teos.', en: 'A work with this id already exists.' },
  },
  work_version_immutable: {
    kind: 'conflict',
    text: {
      et: 'Avaldatud versiooni ei saa muuta; avalda uus versioon.',
      fi: 'Julkaistua versiota ei voi muuttaa; julkaise uusi versio.',
      en: 'A published version cannot be changed; publish a new version.',
    },
  },
  work_draft_not_found: {
    kind: 'not_found',
    text: { et: 'Teosel ei ole mustandit.', fi: 'Teoksella ei ole luonnosta.', en: 'The work has no draft.' },
  },
  work_draft_changed: {
    kind: 'conflict',
    text: {
      et: 'Mustandit on vahepeal muudetud; laadi see uuesti.',
      fi: 'Luonnosta on muutettu välillä; lataa se uudelleen.',
      en: 'The draft was changed meanwhile; load it again.',
    },
  },
  work_content_invalid: {
    kind: 'unprocessable',
    text: {
      et: 'Teose sisu ei vasta nõuetele (vaata üksikasju).',
      fi: 'Teoksen sisältö ei täytä vaatimuksia (katso tiedot).',
      en: 'The work content is not valid (see the details).',
    },
  },
  work_content_too_large: {
    kind: 'too_large',
    text: {
      et: 'Teose sisu on liiga suur (üle {limit} kB); jaga see mitmeks teoseks.',
      fi: 'Teoksen sisältö on liian suuri (yli {limit} kt); jaa se useaksi teokseksi.',
      en: 'The work is too large (over {limit} kB); split it into several works.',
    },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof contentErrors, true> {}
}
