import type { Language } from '../platform/language.js';
import type { DocumentTypeSpec, IndefiniteReason, RetentionEvent } from './registry.js';

/**
 * The registry's words for people, in et, fi and en (OPS-3, PRIV-1, PRIV-2): category names and purposes, lawful bases,
 * sources and retention. The what-we-hold view, the export and the generated notice tables all read them from here;
 * the registry's own `description` and `purpose` are English notes for developers.
 */
export type Category = DocumentTypeSpec['personalData'][number];
type Texts = Record<Language, string>;
type Source = 'person' | 'school' | 'identity-provider' | 'payment-provider' | 'platform';

export const sourceNames: Record<Source, Texts> = {
  person: { et: 'sina ise', fi: 'sinä itse', en: 'you' },
  school: { et: 'kool', fi: 'koulu', en: 'the school' },
  'identity-provider': { et: 'sisselogimise teenus', fi: 'kirjautumispalvelu', en: 'an identity provider' },
  'payment-provider': { et: 'makseteenuse pakkuja (Maksekeskus)', fi: 'maksupalvelu (Maksekeskus)', en: 'the payment provider (Maksekeskus)' },
  platform: { et: 'Opiq ise', fi: 'Opiq itse', en: 'Opiq itself' },
};

export const basisNames: Record<DocumentTypeSpec['lawfulBasis'], Texts> = {
  contract: { et: 'leping', fi: 'sopimus', en: 'contract' },
  'legal-obligation': { et: 'seadusest tulenev kohustus', fi: 'lakisääteinen velvoite', en: 'legal obligation' },
  'public-task': { et: 'avalik ülesanne (kooli nimel)', fi: 'yleisen edun mukainen tehtävä (koulun puolesta)', en: 'public task (for the school)' },
  'legitimate-interest': { et: 'õigustatud huvi', fi: 'oikeutettu etu', en: 'legitimate interest' },
  consent: { et: 'nõusolek', fi: 'suostumus', en: 'consent' },
};

/** Each category in words, with its purpose and where its data comes from (the notices' section 3, PRIV-1). */
export const categories: Record<Category, { name: Texts; purpose: Texts; sources: Source[] }> = {
  identification: {
    name: { et: 'Isikut tuvastavad andmed', fi: 'Tunnistetiedot', en: 'Identification' },
    purpose: {
      et: 'Kasutaja tuvastamine ja konto pidamine.',
      fi: 'Käyttäjän tunnistaminen ja tilin ylläpito.',
      en: 'Identifying you and keeping your account.',
    },
    sources: ['person', 'school', 'identity-provider'],
  },
  contact: {
    name: { et: 'Kontaktandmed', fi: 'Yhteystiedot', en: 'Contact details' },
    purpose: { et: 'Teenusega seotud teated.', fi: 'Palveluun liittyvät viestit.', en: 'Messages about the service.' },
    sources: ['person', 'school', 'identity-provider'],
  },
  authentication: {
    name: { et: 'Autentimisandmed', fi: 'Tunnistautumistiedot', en: 'Sign-in data' },
    purpose: { et: 'Sisselogimine ja seansid.', fi: 'Kirjautuminen ja istunnot.', en: 'Signing in and sessions.' },
    sources: ['person', 'identity-provider'],
  },
  'school-role': {
    name: { et: 'Roll koolis', fi: 'Rooli koulussa', en: 'School roles' },
    purpose: { et: 'Õigused vastavalt rollile koolis.', fi: 'Oikeudet koulun roolin mukaan.', en: 'Rights according to your role in a school.' },
    sources: ['school'],
  },
  'parent-link': {
    name: { et: 'Vanema ja lapse seos', fi: 'Huoltajan ja lapsen yhteys', en: 'Parent and child links' },
    purpose: { et: 'Vanem näeb lapse õppeinfot.', fi: 'Huoltaja näkee lapsen opiskelutiedot.', en: "A parent sees their child's study information." },
    sources: ['person', 'school'],
  },
  'privacy-settings': {
    name: { et: 'Privaatsusseaded', fi: 'Tietosuoja-asetukset', en: 'Privacy settings' },
    purpose: { et: 'Kes veel sinu andmeid näeb.', fi: 'Kuka muu näkee tietosi.', en: 'Who else may see your data.' },
    sources: ['person'],
  },
  device: {
    name: { et: 'Seadme andmed', fi: 'Laitetiedot', en: 'Device data' },
    purpose: { et: 'Seansside haldamine ja turvalisus.', fi: 'Istuntojen hallinta ja turvallisuus.', en: 'Managing sessions and security.' },
    sources: ['person'],
  },
  usage: {
    name: { et: 'Kasutusandmed', fi: 'Käyttötiedot', en: 'Usage data' },
    purpose: { et: 'Platvormi arendus.', fi: 'Alustan kehittäminen.', en: 'Developing the platform.' },
    sources: ['person'],
  },
  'security-log': {
    name: { et: 'Turvalogi', fi: 'Turvaloki', en: 'Security log' },
    purpose: {
      et: 'Sisselogimiste logi ja väärkasutuse uurimine.',
      fi: 'Kirjautumisloki ja väärinkäytösten selvitys.',
      en: 'Sign-in log and investigating misuse.',
    },
    sources: ['person', 'platform'],
  },
  learning: {
    name: { et: 'Õppeandmed', fi: 'Opiskelutiedot', en: 'Learning data' },
    purpose: { et: 'Õppimine, ülesanded ja tagasiside.', fi: 'Opiskelu, tehtävät ja palaute.', en: 'Learning, tasks and feedback.' },
    sources: ['person', 'school'],
  },
  'study-history': {
    name: { et: 'Õppeinfo muudatuste ajalugu', fi: 'Opiskelutietojen muutoshistoria', en: 'Study change history' },
    purpose: { et: '30 päeva muudatuste ajalugu.', fi: '30 päivän muutoshistoria.', en: 'The 30-day history of changes.' },
    sources: ['school'],
  },
  accounting: {
    name: { et: 'Raamatupidamisandmed', fi: 'Kirjanpitotiedot', en: 'Accounting data' },
    purpose: { et: 'Tellimused, arved ja litsentsid.', fi: 'Tilaukset, laskut ja lisenssit.', en: 'Orders, invoices and licences.' },
    sources: ['person', 'payment-provider'],
  },
  'payment-message': {
    name: { et: 'Maketeated', fi: 'Maksuviestit', en: 'Payment messages' },
    purpose: { et: 'Maksete tõendamine.', fi: 'Maksujen todentaminen.', en: 'Evidence of payments.' },
    sources: ['payment-provider'],
  },
  marketing: {
    name: { et: 'Turundus', fi: 'Markkinointi', en: 'Marketing' },
    purpose: { et: 'Uudiskirjad nõusolekul.', fi: 'Uutiskirjeet suostumuksella.', en: 'Newsletters with your consent.' },
    sources: ['person'],
  },
  support: {
    name: { et: 'Kasutajatoe pöördumised', fi: 'Tukipyynnöt', en: 'Support requests' },
    purpose: { et: 'Pöördumistele vastamine.', fi: 'Yhteydenottoihin vastaaminen.', en: 'Answering your inquiries.' },
    sources: ['person'],
  },
  audit: {
    name: { et: 'Töötajate juurdepääsu logi', fi: 'Henkilöstön pääsyloki', en: 'Staff access log' },
    purpose: { et: 'Kes töötajatest sinu andmeid vaatas.', fi: 'Kuka henkilöstöstä katsoi tietojasi.', en: 'Which staff looked at your data.' },
    sources: ['platform'],
  },
  authorship: {
    name: { et: 'Autorsus', fi: 'Tekijyys', en: 'Authorship' },
    purpose: { et: 'Kes kirjastuse teost muutis.', fi: 'Kuka muokkasi kustantajan teosta.', en: "Who changed a publisher's work." },
    sources: ['person'],
  },
};

const eventNames: Record<RetentionEvent, Texts> = {
  'account-deleted': { et: 'kuni konto kustutamiseni', fi: 'kunnes tili poistetaan', en: 'until the account is deleted' },
  'account-deleted+5y': {
    et: '5 aastat pärast konto kustutamist',
    fi: '5 vuotta tilin poistamisen jälkeen',
    en: '5 years after the account is deleted',
  },
  'invitation-closed+30d': {
    et: '30 päeva pärast kutse sulgemist',
    fi: '30 päivää kutsun sulkemisen jälkeen',
    en: '30 days after the invitation closes',
  },
  'work-retired': { et: 'kuni teos eemaldatakse', fi: 'kunnes teos poistetaan', en: 'until the work is retired' },
  // e-retention (issue 13 item 5): the events the notice tables and the record of processing name too.
  'account-closed': { et: 'kuni konto sulgemiseni', fi: 'kunnes tili suljetaan', en: 'until the account is closed' },
  'erasure-completed': { et: 'kuni kustutamine on lõpetatud', fi: 'kunnes poistaminen on valmis', en: 'until erasure is completed' },
};

/** Why data without a person in it has no end date, as the export and the notice tables say it (issue 15). */
const indefiniteReasons: Record<IndefiniteReason, Texts> = {
  'organisation-data': {
    et: 'Organisatsiooni andmed, isikuandmeid pole.',
    fi: 'Organisaation tietoja, ei henkilötietoja.',
    en: 'Organisation data, no personal data.',
  },
  'organisation-setting': {
    et: 'Organisatsiooni seadistus, isikuandmeid pole.',
    fi: 'Organisaation asetus, ei henkilötietoja.',
    en: 'Organisation setting, no personal data.',
  },
  'catalogue-data': {
    et: 'Kataloogi andmed, isikuandmeid pole.',
    fi: 'Luettelotietoja, ei henkilötietoja.',
    en: 'Catalogue data, no personal data.',
  },
  'work-content': {
    et: 'Teose sisu, isikuandmeid pole; kustub koos teosega.',
    fi: 'Teoksen sisältöä, ei henkilötietoja; poistuu teoksen mukana.',
    en: 'Content of works, no personal data; goes with its work.',
  },
  'anonymous-usage': {
    et: 'Ei ole seostatav inimesega; kasutusandmeid hoitakse sellisel kujul teenuse arendamise ajal.',
    fi: 'Ei yhdistettävissä henkilöön; käyttötietoja säilytetään tässä muodossa niin kauan kuin palvelua kehitetään.',
    en: 'Cannot be associated with a person; usage is kept in that form for as long as the service is developed.',
  },
  'count-per-cell': {
    et: 'Ei ole seostatav inimesega: üks arv lahtri kohta.',
    fi: 'Ei yhdistettävissä henkilöön: yksi luku solua kohden.',
    en: 'Cannot be associated with a person: a count per cell.',
  },
  'yearly-number': {
    et: 'Üks number aastas, isikuandmeid pole.',
    fi: 'Yksi numero vuodessa, ei henkilötietoja.',
    en: 'One number per year, no personal data.',
  },
};

export function retentionText(rule: DocumentTypeSpec['retention'], lang: Language): string {
  switch (rule.kind) {
    case 'fixed':
      return {
        et: `${rule.days} päeva viimasest muudatusest`,
        fi: `${rule.days} päivää viimeisestä muutoksesta`,
        en: `${rule.days} days after the last change`,
      }[lang];
    case 'accounting':
      return { et: '7 aastat pluss jooksev majandusaasta', fi: '7 vuotta ja kuluva tilikausi', en: '7 years plus the running financial year' }[lang];
    case 'event':
      return eventNames[rule.event][lang];
    case 'indefinite':
      return indefiniteReasons[rule.reason][lang];
  }
}
