import { registerMessages } from '../http/index.js';

/** Error messages of the shop and payments (OPS-3: et, fi, en). */
registerMessages({
  package_not_found: {
    et: 'Sellist paketti ei ole.',
    fi: 'Tällaista pakettia ei ole.',
    en: 'There is no such package.',
  },
  package_not_on_sale: {
    et: 'Seda paketti enam ei müüda.',
    fi: 'Tätä pakettia ei enää myydä.',
    en: 'This package is no longer on sale.',
  },
  work_not_found: {
    et: 'Sellist teost ei ole.',
    fi: 'Tällaista teosta ei ole.',
    en: 'There is no such work.',
  },
  work_not_distributed: {
    et: 'Kirjastus on lõpetanud paketi mõne teose levitamise, seda ei saa enam osta.',
    fi: 'Kustantaja on lopettanut paketin jonkin teoksen jakelun, joten sitä ei voi enää ostaa.',
    en: 'The publisher has stopped distributing a work of this package, so it can no longer be bought.',
  },
  withdrawal_acknowledgement_required: {
    et: 'Kinnita, et tead: digitaalse sisu ostul taganemisõigust ei ole (VÕS § 53 lg 4 p 7¹).',
    fi: 'Vahvista, että tiedät: digitaalisen sisällön ostolla ei ole peruuttamisoikeutta.',
    en: 'Please confirm that you know there is no right of withdrawal for digital content.',
  },
  start_date_invalid: {
    et: 'Litsentsi alguskuupäev peab olema täna või kuni aasta pärast.',
    fi: 'Lisenssin alkamispäivän on oltava tänään tai enintään vuoden päästä.',
    en: 'The licence must start today or within a year.',
  },
  email_required: {
    et: 'Ostmiseks lisa oma kontole e-posti aadress: saadame sinna tehingu andmed.',
    fi: 'Lisää tilillesi sähköpostiosoite ostaaksesi: lähetämme sinne kaupan tiedot.',
    en: 'Add an e-mail address to your account to buy: we send the transaction details there.',
  },
  payments_unavailable: {
    et: 'Pangalingi ja kaardimakse kasutamine ei ole praegu võimalik. Vali ettemaksuarve.',
    fi: 'Pankki- ja korttimaksu ei ole nyt käytettävissä. Valitse ennakkolasku.',
    en: 'Bank link and card payments are not available right now. Choose a prepayment invoice.',
  },
  invoices_unavailable: {
    et: 'Ettemaksuarvega tasumine ei ole praegu võimalik.',
    fi: 'Ennakkolaskulla maksaminen ei ole nyt mahdollista.',
    en: 'Paying by prepayment invoice is not available right now.',
  },
  payment_provider_unavailable: {
    et: 'Makse alustamine ebaõnnestus. Proovi mõne aja pärast uuesti.',
    fi: 'Maksun aloittaminen epäonnistui. Yritä hetken kuluttua uudelleen.',
    en: 'The payment could not be started. Please try again in a moment.',
  },
  payment_method_unknown: {
    et: 'Seda makseviisi ei pakuta.',
    fi: 'Tätä maksutapaa ei tarjota.',
    en: 'This payment method is not offered.',
  },
  order_flag_not_found: {
    et: 'Tellimusel ei ole sellist märget.',
    fi: 'Tilauksella ei ole tällaista merkintää.',
    en: 'The order has no such flag.',
  },
  order_not_found: {
    et: 'Sellist tellimust ei ole.',
    fi: 'Tällaista tilausta ei ole.',
    en: 'There is no such order.',
  },
  invoice_not_found: {
    et: 'Sellise numbriga arvet ei ole.',
    fi: 'Tällä numerolla ei ole laskua.',
    en: 'There is no invoice with this number.',
  },
  order_state_conflict: {
    et: 'Tellimuse olek on „{status}“, seda toimingut ei saa teha.',
    fi: 'Tilauksen tila on ”{status}”, joten toimintoa ei voi tehdä.',
    en: 'The order is “{status}”, so this cannot be done.',
  },
  payment_message_invalid: {
    et: 'Makseteade on puudulik (json ja mac on nõutud).',
    fi: 'Maksuviesti on puutteellinen (json ja mac vaaditaan).',
    en: 'The payment message is incomplete (json and mac are required).',
  },
  payment_mac_invalid: {
    et: 'Makseteate allkiri (MAC) ei sobi.',
    fi: 'Maksuviestin allekirjoitus (MAC) ei täsmää.',
    en: 'The payment message signature (MAC) does not match.',
  },
  payment_json_invalid: {
    et: 'Makseteate json ei ole korrektne.',
    fi: 'Maksuviestin json ei ole kelvollinen.',
    en: 'The payment message json is not valid.',
  },
});

registerMessages({
  withdrawal_in_progress: {
    et: 'Müügi lõpetamise töö on juba alanud: litsentse lõpetatakse ja seda ei saa enam tagasi võtta.',
    fi: 'Myynnin lopettamisen työ on jo alkanut: lisenssejä päätetään, eikä sitä voi enää perua.',
    en: 'The withdrawal job has already started: licences are being ended, and it can no longer be taken back.',
  },
});
