import { defineErrors } from '../platform/errors.js';

/** Errors of the OpiqGPT trial assistant (GPT-1, GPT-2), in et, fi and en (OPS-3). */
export const assistantErrors = defineErrors({
  assistant_not_for_role: {
    kind: 'forbidden',
    text: {
      et: 'OpiqGPT prooviversioon on õpilastele, õpetajatele ja eraisikutest kasutajatele.',
      fi: 'OpiqGPT-kokeiluversio on oppilaille, opettajille ja yksityiskäyttäjille.',
      en: 'The OpiqGPT trial is for students, teachers and private users.',
    },
  },
  assistant_licence_required: {
    kind: 'forbidden',
    text: {
      et: 'OpiqGPT proovimiseks on vaja kehtivat litsentsi.',
      fi: 'OpiqGPT:n kokeilemiseen tarvitaan voimassa oleva lisenssi.',
      en: 'You need an active licence to try OpiqGPT.',
    },
  },
  assistant_switched_off: {
    kind: 'forbidden',
    text: {
      et: 'Sinu kool on OpiqGPT prooviversiooni õpilastele välja lülitanud.',
      fi: 'Koulusi on poistanut OpiqGPT-kokeiluversion käytöstä oppilailta.',
      en: 'Your school has switched the OpiqGPT trial off for students.',
    },
  },
  assistant_rate_limited: {
    kind: 'rate_limited',
    text: {
      et: 'Liiga palju sõnumeid. Proovi {retryAfterMinutes} minuti pärast uuesti.',
      fi: 'Liian monta viestiä. Yritä uudelleen {retryAfterMinutes} minuutin kuluttua.',
      en: 'Too many messages. Please try again in {retryAfterMinutes} minutes.',
    },
  },
  assistant_message_refused: {
    kind: 'unprocessable',
    text: {
      et: 'Sellele sõnumile OpiqGPT ei vasta. Palun küsi midagi muud.',
      fi: 'OpiqGPT ei vastaa tähän viestiin. Kysy jotain muuta.',
      en: 'OpiqGPT does not answer this message. Please ask something else.',
    },
  },
  assistant_unavailable: {
    kind: 'unavailable',
    text: {
      et: 'OpiqGPT ei ole praegu saadaval.',
      fi: 'OpiqGPT ei ole juuri nyt käytettävissä.',
      en: 'OpiqGPT is not available at the moment.',
    },
  },
  assistant_provider_timeout: {
    kind: 'unavailable',
    text: {
      et: 'OpiqGPT ei vastanud õigel ajal. Proovi hetke pärast uuesti.',
      fi: 'OpiqGPT ei vastannut ajoissa. Yritä hetken kuluttua uudelleen.',
      en: 'OpiqGPT did not answer in time. Please try again in a moment.',
    },
  },
  assistant_provider_failed: {
    kind: 'upstream_failed',
    text: {
      et: 'OpiqGPT teenusepakkuja vastas veaga. Proovi hiljem uuesti.',
      fi: 'OpiqGPT:n palveluntarjoaja vastasi virheellä. Yritä myöhemmin uudelleen.',
      en: 'The OpiqGPT provider answered with an error. Please try again later.',
    },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof assistantErrors, true> {}
}
