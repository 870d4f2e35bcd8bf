import { defineErrors } from '../platform/errors.js';

/** Errors of notes, bookmarks, highlights, own materials and progress (LRN-4), in et, fi and en (OPS-3). */
export const materialsErrors = defineErrors({
  annotation_not_found: {
    kind: 'not_found',
    text: { et: 'Sellist märget ei ole.', fi: 'Tällaista merkintää ei ole.', en: 'There is no such note, bookmark or highlight.' },
  },
  annotation_changed: {
    kind: 'conflict',
    text: {
      et: 'Märget on vahepeal muudetud. Laadi see uuesti ja proovi siis.',
      fi: 'Merkintää on muutettu välillä. Lataa se uudelleen ja yritä sitten.',
      en: 'The note was changed meanwhile. Load it again, then retry.',
    },
  },
  annotation_limit: {
    kind: 'conflict',
    text: {
      et: 'Selles teoses on sul juba {limit} märget.',
      fi: 'Sinulla on tässä teoksessa jo {limit} merkintää.',
      en: 'You already have {limit} notes, bookmarks and highlights in this work.',
    },
  },
  annotation_change_invalid: {
    kind: 'unprocessable',
    text: {
      et: 'Seda ei saa seda liiki märkel muuta (märkmel peab olema tekst, värv on ainult esiletõstmisel).',
      fi: 'Tätä ei voi muuttaa tämänlaisessa merkinnässä (muistiinpanossa on oltava teksti, väri on vain korostuksella).',
      en: 'This change does not fit this kind of annotation (a note needs its text; only highlights have a colour).',
    },
  },
  if_match_required: {
    kind: 'unprocessable',
    text: {
      et: 'Muutmiseks saada päis If-Match viimati loetud ETag-iga.',
      fi: 'Lähetä muutosta varten If-Match-otsake viimeksi luetulla ETagilla.',
      en: 'Send an If-Match header with the ETag you last read to change it.',
    },
  },
  material_not_found: {
    kind: 'not_found',
    text: { et: 'Sellist materjali ei ole.', fi: 'Tällaista materiaalia ei ole.', en: 'There is no such material.' },
  },
  material_type_refused: {
    kind: 'unsupported',
    text: {
      et: 'Seda failitüüpi ei saa lisada. Lubatud on PDF, PNG, JPEG, GIF, WebP, tekst, DOCX ja ODT.',
      fi: 'Tätä tiedostotyyppiä ei voi lisätä. Sallittuja ovat PDF, PNG, JPEG, GIF, WebP, teksti, DOCX ja ODT.',
      en: 'This kind of file cannot be added. Allowed: PDF, PNG, JPEG, GIF, WebP, plain text, DOCX and ODT.',
    },
  },
  material_name_invalid: {
    kind: 'unprocessable',
    text: {
      et: 'Faili nimi puudub või on lubamatu (1–120 märki, ilma kaldkriipsude, juhtmärkide ja ".." osata).',
      fi: 'Tiedoston nimi puuttuu tai ei kelpaa (1–120 merkkiä, ei kauttaviivoja, ohjausmerkkejä eikä "..").',
      en: 'The file name is missing or not allowed (1 to 120 characters, no slashes, control characters or "..").',
    },
  },
  material_empty: {
    kind: 'invalid',
    text: { et: 'Fail on tühi.', fi: 'Tiedosto on tyhjä.', en: 'The file is empty.' },
  },
  material_quota: {
    kind: 'conflict',
    text: {
      et: 'Sinu materjalide ruum on täis ({limit}). Kustuta midagi ja proovi uuesti.',
      fi: 'Materiaaliesi tila on täynnä ({limit}). Poista jotain ja yritä uudelleen.',
      en: 'Your space for own materials is full ({limit}). Delete something, then retry.',
    },
  },
  material_id_taken: {
    kind: 'conflict',
    text: {
      et: 'Selle tunnusega materjal on juba olemas teise sisuga.',
      fi: 'Tällä tunnuksella on jo materiaali, jonka sisältö on toinen.',
      en: 'A material with this id already exists with other content.',
    },
  },
  material_changed: {
    kind: 'conflict',
    text: {
      et: 'Teksti on vahepeal muudetud; laadi see uuesti.',
      fi: 'Tekstiä on muutettu välillä; lataa se uudelleen.',
      en: 'The text was changed meanwhile; load it again.',
    },
  },
  material_shared: {
    kind: 'conflict',
    text: {
      et: 'Materjal on jagatud päevikuga. Lõpeta jagamine enne kustutamist.',
      fi: 'Materiaali on jaettu päiväkirjaan. Lopeta jakaminen ennen poistamista.',
      en: 'The material is shared with a journal. Stop sharing it before deleting it.',
    },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof materialsErrors, true> {}
}
