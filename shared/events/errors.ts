import { defineErrors } from '../platform/errors.js';

/** Errors of usage event ingestion (LOG-1), in et, fi and en (OPS-3). */
export const eventsErrors = defineErrors({
  usage_events_rate_limited: {
    kind: 'rate_limited',
    text: {
      et: 'Liiga palju kasutussündmusi. Saada need uuesti {retryAfter} sekundi pärast.',
      fi: 'Liian monta käyttötapahtumaa. Lähetä ne uudelleen {retryAfter} sekunnin kuluttua.',
      en: 'Too many usage events. Send them again in {retryAfter} seconds.',
    },
  },
  usage_event_out_of_time: {
    kind: 'unprocessable',
    text: {
      et: 'Kasutussündmuse aeg on liiga kaugel (lubatud kuni {maxAgeHours} tundi tagasi ja mitte tulevikus).',
      fi: 'Käyttötapahtuman aika on liian kaukana (enintään {maxAgeHours} tuntia sitten, ei tulevaisuudessa).',
      en: 'A usage event is too far off in time (at most {maxAgeHours} hours ago, and not in the future).',
    },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof eventsErrors, true> {}
}
