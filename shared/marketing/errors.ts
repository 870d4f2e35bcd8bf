import { defineErrors } from '../platform/errors.js';

/** Errors of newsletters, service messages and SendGrid's event webhook (MKT-1, MKT-2), in et, fi and en (OPS-3). */
export const marketingErrors = defineErrors({
  mailing_not_found: {
    kind: 'not_found',
    text: {
      et: 'Sellist kirja ei ole.',
      fi: 'Tällaista viestiä ei ole.',
      en: 'There is no such mailing.',
    },
  },
  mailing_already_sent: {
    kind: 'conflict',
    text: {
      et: 'See kiri on juba saatmisel või saadetud.',
      fi: 'Tämä viesti on jo lähetyksessä tai lähetetty.',
      en: 'This mailing is already being sent or has been sent.',
    },
  },
  mailing_needs_second_reviewer: {
    kind: 'forbidden',
    text: {
      et: 'Teenuseteate vaatab üle ja saadab teine töötaja, mitte selle koostaja.',
      fi: 'Palveluviestin tarkistaa ja lähettää toinen työntekijä, ei sen laatija.',
      en: 'A service message is reviewed and sent by another staff member, not by its author.',
    },
  },
  sendgrid_signature_invalid: {
    kind: 'unauthenticated',
    text: {
      et: 'Sündmuste allkiri puudub, on vale või aegunud.',
      fi: 'Tapahtumien allekirjoitus puuttuu, on virheellinen tai vanhentunut.',
      en: 'The events are unsigned, wrongly signed or stale.',
    },
  },
  sendgrid_events_invalid: {
    kind: 'invalid',
    text: {
      et: 'Sündmused ei ole JSON-massiiv.',
      fi: 'Tapahtumat eivät ole JSON-taulukko.',
      en: 'The events are not a JSON array.',
    },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof marketingErrors, true> {}
}
