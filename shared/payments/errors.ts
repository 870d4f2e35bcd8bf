import { defineErrors } from '../platform/errors.js';

/** Errors of payments: the provider, its messages and the methods offered (PAY), in et, fi and en (OPS-3). */
export const paymentsErrors = defineErrors({
  payments_unavailable: {
    kind: 'unavailable',
    text: {
      et: 'Pangalingi ja kaardimakse kasutamine ei ole praegu võimalik. Vali ettemaksuarve.',
      fi: 'Pankki- ja korttimaksu ei ole nyt käytettävissä. Valitse ennakkolasku.',
      en: 'Bank link and card payments are not available right now. Choose a prepayment invoice.',
    },
  },
  payment_provider_unavailable: {
    kind: 'unavailable',
    text: {
      et: 'Makse alustamine ebaõnnestus. Proovi mõne aja pärast uuesti.',
      fi: 'Maksun aloittaminen epäonnistui. Yritä hetken kuluttua uudelleen.',
      en: 'The payment could not be started. Please try again in a moment.',
    },
  },
  payment_method_unknown: {
    kind: 'unprocessable',
    text: {
      et: 'Seda makseviisi ei pakuta.',
      fi: 'Tätä maksutapaa ei tarjota.',
      en: 'This payment method is not offered.',
    },
  },
  payment_message_invalid: {
    kind: 'invalid',
    text: {
      et: 'Makseteade on puudulik (json ja mac on nõutud).',
      fi: 'Maksuviesti on puutteellinen (json ja mac vaaditaan).',
      en: 'The payment message is incomplete (json and mac are required).',
    },
  },
  payment_mac_invalid: {
    kind: 'invalid',
    text: {
      et: 'Makseteate allkiri (MAC) ei sobi.',
      fi: 'Maksuviestin allekirjoitus (MAC) ei täsmää.',
      en: 'The payment message signature (MAC) does not match.',
    },
  },
  payment_json_invalid: {
    kind: 'invalid',
    text: {
      et: 'Makseteate json ei ole korrektne.',
      fi: 'Maksuviestin json ei ole kelvollinen.',
      en: 'The payment message json is not valid.',
    },
  },
  payment_provider_refused: {
    kind: 'upstream_failed',
    text: {
      et: 'Makseteenus keeldus makset alustamast ja tellimus tühistati. Proovi uuesti uue tellimusega või vali teine makseviis.',
      fi: 'Maksupalvelu kieltäytyi aloittamasta maksua, ja tilaus peruttiin. Yritä uudelleen uudella tilauksella tai valitse toinen maksutapa.',
      en: 'The payment provider refused to start the payment, and the order was cancelled. Try again with a new order or choose another payment method.',
    },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof paymentsErrors, true> {}
}
