import { defineErrors } from '../platform/errors.js';

/** Errors about accounts, their school-managed fields and restrictions (ACC-5, OPS-1), in et, fi and en (OPS-3). */
export const accountsErrors = defineErrors({
  member_not_found: {
    kind: 'not_found',
    text: {
      et: 'Sellist inimest selles koolis ei ole (või tema roll on lõppenud).',
      fi: 'Tällaista henkilöä ei ole tässä koulussa (tai hänen roolinsa on päättynyt).',
      en: 'There is no such person in this school (or their role has ended).',
    },
  },
  school_not_found: {
    kind: 'not_found',
    text: {
      et: 'Sellist kooli ei ole.',
      fi: 'Tällaista koulua ei ole.',
      en: 'There is no such school.',
    },
  },
  school_managed_field: {
    kind: 'forbidden',
    text: {
      et: 'Õpilase nime ja isikukoodi muudab kool. Palun pöördu oma kooli poole.',
      fi: 'Oppilaan nimen ja henkilötunnuksen muuttaa koulu. Ota yhteyttä kouluusi.',
      en: "A student's name and personal code are changed by the school. Please contact your school.",
    },
  },
  cannot_act_on_self: {
    kind: 'forbidden',
    text: {
      et: 'Oma kontot ei saa ise peatada ega taastada.',
      fi: 'Omaa tiliä ei voi itse keskeyttää eikä palauttaa.',
      en: 'You cannot suspend or reinstate your own account.',
    },
  },
  cannot_act_on_security_staff: {
    kind: 'forbidden',
    text: {
      et: 'Turvatöötaja kontot saab peatada või taastada ainult turvatöötaja.',
      fi: 'Turvallisuushenkilöstön tilin voi keskeyttää tai palauttaa vain turvallisuushenkilöstö.',
      en: "Only security staff can suspend or reinstate a security staff member's account.",
    },
  },
  account_read_only: {
    kind: 'forbidden',
    text: {
      et: 'Sinu konto on piiratud: saad lugeda, kuid mitte midagi lisada ega muuta.',
      fi: 'Tiliäsi on rajoitettu: voit lukea, mutta et lisätä tai muuttaa mitään.',
      en: 'Your account is restricted: you can read, but not add or change anything.',
    },
  },
  access_cancelled: {
    kind: 'conflict',
    text: {
      et: 'Korduvate rikkumiste tõttu on juurdepääs lõpetatud.',
      fi: 'Toistuvien rikkomusten vuoksi pääsy on lopetettu.',
      en: 'Access has been cancelled because of repeated breaches.',
    },
  },
  account_not_found: {
    kind: 'not_found',
    text: {
      et: 'Kontot ei leitud.',
      fi: 'Tiliä ei löytynyt.',
      en: 'The account was not found.',
    },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof accountsErrors, true> {}
}
