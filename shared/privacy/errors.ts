import { defineErrors } from '../platform/errors.js';

/** Errors of the data export (PRIV-2), in et, fi and en. */
export const privacyErrors = defineErrors({
  export_not_found: {
    kind: 'not_found',
    text: { et: 'Sellist andmete väljavõtet ei ole.', fi: 'Tällaista tietojen vientiä ei ole.', en: 'There is no such data export.' },
  },
  export_expired: {
    kind: 'gone',
    text: {
      et: 'Väljavõte oli allalaaditav 7 päeva ja on nüüd kustutatud. Telli uus.',
      fi: 'Vienti oli ladattavissa 7 päivää, ja se on nyt poistettu. Tilaa uusi.',
      en: 'The export could be downloaded for 7 days and is now gone. Ask for a new one.',
    },
  },
  export_link_expired: {
    kind: 'gone',
    text: {
      et: 'Allalaadimislink on aegunud. Ava väljavõte uuesti, et saada uus link.',
      fi: 'Latauslinkki on vanhentunut. Avaa vienti uudelleen saadaksesi uuden linkin.',
      en: 'The download link has expired. Open the export again for a new link.',
    },
  },
  export_link_invalid: {
    kind: 'forbidden',
    text: { et: 'See allalaadimislink ei kehti.', fi: 'Tämä latauslinkki ei kelpaa.', en: 'This download link is not valid.' },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof privacyErrors, true> {}
}
