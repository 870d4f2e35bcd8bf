import { defineErrors } from '../platform/errors.js';

/** Errors of invitations (ACC-2), parent links (ACC-3), privacy settings (ACC-4), code links and cases, in et, fi and en (OPS-3). */
export const schoolsErrors = defineErrors({
  invitation_role_not_allowed: {
    kind: 'forbidden',
    text: {
      et: 'Õpetaja saab kutsuda ainult õpilasi. Teisi rolle annab kooli administraator.',
      fi: 'Opettaja voi kutsua vain oppilaita. Muut roolit antaa koulun ylläpitäjä.',
      en: 'Teachers can invite students only. Other roles are given by the school administrator.',
    },
  },
  class_not_found: {
    kind: 'unprocessable',
    text: {
      et: 'Sellist klassi selles koolis ei ole.',
      fi: 'Tällaista luokkaa ei ole tässä koulussa.',
      en: 'This school has no such class.',
    },
  },
  class_required: {
    kind: 'unprocessable',
    text: {
      et: 'Klassijuhataja kutsel peab olema klass.',
      fi: 'Luokanvalvojan kutsussa on oltava luokka.',
      en: 'A class teacher invitation needs a class.',
    },
  },
  invitation_not_found: {
    kind: 'not_found',
    text: {
      et: 'Sellist kutset ei ole.',
      fi: 'Tällaista kutsua ei ole.',
      en: 'There is no such invitation.',
    },
  },
  invitation_invalid: {
    kind: 'invalid',
    text: {
      et: 'Kutse link ei ole korrektne. Kontrolli, et kopeerisid selle tervikuna.',
      fi: 'Kutsulinkki ei ole kelvollinen. Tarkista, että kopioit sen kokonaan.',
      en: 'The invitation link is not valid. Check that you copied all of it.',
    },
  },
  invitation_expired: {
    kind: 'gone',
    text: {
      et: 'Kutse on aegunud. Palu koolilt uus kutse.',
      fi: 'Kutsu on vanhentunut. Pyydä koululta uusi kutsu.',
      en: 'The invitation has expired. Ask the school for a new one.',
    },
  },
  invitation_revoked: {
    kind: 'gone',
    text: {
      et: 'Kool on selle kutse tühistanud.',
      fi: 'Koulu on perunut tämän kutsun.',
      en: 'The school has withdrawn this invitation.',
    },
  },
  invitation_used: {
    kind: 'gone',
    text: {
      et: 'Selle kutsega on juba liitutud.',
      fi: 'Tämä kutsu on jo käytetty.',
      en: 'This invitation has already been used.',
    },
  },
  invitation_closed: {
    kind: 'conflict',
    text: {
      et: 'Vastu võetud kutset ei saa enam tühistada. Rolli saab lõpetada kooli liikmete alt.',
      fi: 'Hyväksyttyä kutsua ei voi enää perua. Roolin voi päättää koulun jäsenten kautta.',
      en: 'An accepted invitation can no longer be withdrawn. End the role among the school members instead.',
    },
  },
  parent_link_not_found: {
    kind: 'not_found',
    text: {
      et: 'Sellist lapsevanema seost ei ole.',
      fi: 'Tällaista huoltajan yhteyttä ei ole.',
      en: 'There is no such parent link.',
    },
  },
  parent_link_transition: {
    kind: 'conflict',
    text: {
      et: 'Seost ei saa selle praeguses olekus nii muuta.',
      fi: 'Yhteyttä ei voi muuttaa näin sen nykyisessä tilassa.',
      en: 'The link cannot be changed like this in its current state.',
    },
  },
  student_role_required: {
    kind: 'forbidden',
    text: {
      et: 'Lapsevanemat saab oma kontoga siduda õpilane, kellel on roll mõnes koolis.',
      fi: 'Huoltajan voi liittää tiliinsä oppilas, jolla on rooli jossakin koulussa.',
      en: 'Only a student with a role in a school can link a parent to their account.',
    },
  },
  cannot_link_self: {
    kind: 'unprocessable',
    text: {
      et: 'Iseennast ei saa lapsevanemaks ega lapseks siduda.',
      fi: 'Itseään ei voi liittää huoltajaksi eikä lapseksi.',
      en: 'You cannot link yourself as your own parent or child.',
    },
  },
  child_not_in_school: {
    kind: 'conflict',
    text: {
      et: 'Laps ei ole enam selle kooli õpilane.',
      fi: 'Lapsi ei ole enää tämän koulun oppilas.',
      en: 'The child is no longer a student of this school.',
    },
  },
  privacy_managed_by_parent: {
    kind: 'forbidden',
    text: {
      et: 'Alla 18-aastase õpilase privaatsusseadeid haldab tema lapsevanem.',
      fi: 'Alle 18-vuotiaan oppilaan yksityisyysasetuksia hallinnoi hänen huoltajansa.',
      en: 'The privacy settings of a student under 18 are managed by their parent.',
    },
  },
  code_link_not_found: {
    kind: 'not_found',
    text: {
      et: 'Sellist isikukoodiga sidumise taotlust ei ole.',
      fi: 'Tällaista henkilötunnuksella liittämisen pyyntöä ei ole.',
      en: 'There is no such request to link by personal code.',
    },
  },
  code_link_decided: {
    kind: 'conflict',
    text: {
      et: 'Selle taotluse kohta on juba teisiti otsustatud.',
      fi: 'Tästä pyynnöstä on jo päätetty toisin.',
      en: 'This request has already been decided otherwise.',
    },
  },
  invitation_wrong_country: {
    kind: 'forbidden',
    text: {
      et: 'Selle kooli õpilaseks saab kutse vastu võtta ainult sama riigi konto.',
      fi: 'Tämän koulun oppilaskutsun voi hyväksyä vain saman maan tili.',
      en: "A student invitation to this school can only be accepted by an account of the school's country.",
    },
  },
  invitation_claims_full: {
    kind: 'conflict',
    text: {
      et: 'Seda kutset on juba mitu korda teiste kontodega avatud. Palu koolilt uus kutse.',
      fi: 'Tämä kutsu on jo avattu useita kertoja muilla tileillä. Pyydä koululta uusi kutsu.',
      en: 'This invitation has already been opened with several other accounts. Ask the school for a new one.',
    },
  },
  invitation_claim_not_found: {
    kind: 'not_found',
    text: {
      et: 'See konto ei ole seda kutset avanud.',
      fi: 'Tämä tili ei ole avannut tätä kutsua.',
      en: 'This account has not opened this invitation.',
    },
  },
  case_not_found: {
    kind: 'not_found',
    text: {
      et: 'Sellist juhtumit selles koolis ei ole.',
      fi: 'Tällaista tapausta ei ole tässä koulussa.',
      en: 'This school has no such case.',
    },
  },
  school_not_involved: {
    kind: 'unprocessable',
    text: {
      et: 'Sellel inimesel ei ole selles koolis rolli.',
      fi: 'Tällä henkilöllä ei ole roolia tässä koulussa.',
      en: 'This person holds no role in this school.',
    },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof schoolsErrors, true> {}
}
