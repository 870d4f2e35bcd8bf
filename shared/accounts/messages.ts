import { registerMessages } from '../http/i18n.js';

registerMessages({
  member_not_found: {
    et: 'Sellist inimest selles koolis ei ole (või tema roll on lõppenud).',
    fi: 'Tällaista henkilöä ei ole tässä koulussa (tai hänen roolinsa on päättynyt).',
    en: 'There is no such person in this school (or their role has ended).',
  },
  school_not_found: {
    et: 'Sellist kooli ei ole.',
    fi: 'Tällaista koulua ei ole.',
    en: 'There is no such school.',
  },
  school_managed_field: {
    et: 'Õpilase nime ja isikukoodi muudab kool. Palun pöördu oma kooli poole.',
    fi: 'Oppilaan nimen ja henkilötunnuksen muuttaa koulu. Ota yhteyttä kouluusi.',
    en: "A student's name and personal code are changed by the school. Please contact your school.",
  },
  personal_code_taken: {
    et: 'See isikukood on juba teise kontoga seotud.',
    fi: 'Tämä henkilötunnus on jo liitetty toiseen tiliin.',
    en: 'This personal identification code already belongs to another account.',
  },
  access_cancelled: {
    et: 'Korduvate rikkumiste tõttu on juurdepääs lõpetatud.',
    fi: 'Toistuvien rikkomusten vuoksi pääsy on lopetettu.',
    en: 'Access has been cancelled because of repeated breaches.',
  },
});
