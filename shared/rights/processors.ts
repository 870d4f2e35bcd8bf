import type { Language } from '../platform/language.js';

type Texts = Record<Language, string>;

/**
 * Who receives personal data on the platform's behalf (PRIV-1), from the privacy notices' recipients (seeds 000 and
 * 001, section 5) and the sign-in providers of AUTH-1, with the country where each is established. `categories` are
 * the personal-data categories each receives from this platform; a processor the notices name but this platform sends
 * nothing to has none, and says so.
 */
export interface Processor {
  id: string;
  name: string;
  country: string;
  service: Texts;
  categories: readonly string[];
  /** Identity providers: shown as recipients only when the person has linked one (their sign-in key is stored). */
  identityProvider?: string;
}

const notUsed: Texts = {
  et: 'Nimetatud privaatsusteates; see platvorm ei edasta talle isikuandmeid.',
  fi: 'Mainittu tietosuojaselosteessa; tämä alusta ei luovuta sille henkilötietoja.',
  en: 'Named in the privacy notice; this platform sends it no personal data.',
};

const signIn = (provider: string): Texts => ({
  et: `Sisselogimine (${provider}): kasutaja tunnus ja teenuse poolt kinnitatud andmed.`,
  fi: `Kirjautuminen (${provider}): käyttäjätunniste ja palvelun vahvistamat tiedot.`,
  en: `Sign-in (${provider}): the user's key and the data the provider asserts.`,
});

const signInCategories = ['authentication', 'identification', 'contact'] as const;

export const processors: readonly Processor[] = [
  {
    id: 'microsoft-azure',
    name: 'Microsoft Azure (Microsoft Ireland Operations Ltd)',
    country: 'IE',
    service: {
      et: 'Majutus: andmebaas, failid, sõnumijärjekorrad ja tehnilised logid (Application Insights) ELi andmekeskustes.',
      fi: 'Ylläpito: tietokanta, tiedostot, viestijonot ja tekniset lokit (Application Insights) EU:n konesaleissa.',
      en: 'Hosting: database, files, message queues and technical logs (Application Insights) in EU data centres.',
    },
    categories: [
      'identification',
      'contact',
      'authentication',
      'school-role',
      'parent-link',
      'privacy-settings',
      'device',
      'usage',
      'security-log',
      'learning',
      'study-history',
      'accounting',
      'payment-message',
      'marketing',
      'support',
      'audit',
      'authorship',
    ],
  },
  {
    id: 'sendgrid',
    name: 'SendGrid (Twilio Inc.)',
    country: 'US',
    service: { et: 'E-kirjade saatmine.', fi: 'Sähköpostien lähettäminen.', en: 'Sending e-mail.' },
    categories: ['contact', 'marketing'],
  },
  {
    id: 'maksekeskus',
    name: 'Maksekeskus AS',
    country: 'EE',
    service: {
      et: 'Maksed pangalingi ja kaardiga: makseks vajalikud andmed.',
      fi: 'Maksut pankkilinkillä ja kortilla: maksuun tarvittavat tiedot.',
      en: 'Payments by bank link and card: the data a payment needs.',
    },
    categories: ['accounting', 'payment-message'],
  },
  {
    id: 'e-oppi',
    name: 'E-Oppi Oy',
    country: 'FI',
    service: {
      et: 'Star Cloud OÜ volitatud teenuseoperaator Soomes (Soome kasutajad ja koolid).',
      fi: 'Star Cloud OÜ:n valtuuttama palveluoperaattori Suomessa (suomalaiset käyttäjät ja koulut).',
      en: "Star Cloud OÜ's authorised service operator in Finland (Finnish users and schools).",
    },
    categories: ['identification', 'contact', 'school-role', 'learning', 'support'],
  },
  {
    id: 'harid',
    name: 'HarID (Haridus- ja Noorteamet)',
    country: 'EE',
    service: signIn('HarID'),
    categories: signInCategories,
    identityProvider: 'harid',
  },
  { id: 'ekool', name: 'eKool AS', country: 'EE', service: signIn('eKool'), categories: signInCategories, identityProvider: 'ekool' },
  {
    id: 'stuudium',
    name: 'Koodimasin OÜ (Stuudium)',
    country: 'EE',
    service: signIn('Stuudium'),
    categories: signInCategories,
    identityProvider: 'stuudium',
  },
  {
    id: 'mpassid',
    name: 'MPASSid (Opetushallitus)',
    country: 'FI',
    service: signIn('MPASSid'),
    categories: signInCategories,
    identityProvider: 'mpassid',
  },
  { id: 'google', name: 'Google Ireland Ltd', country: 'IE', service: signIn('Google'), categories: signInCategories, identityProvider: 'google' },
  {
    id: 'facebook',
    name: 'Meta Platforms Ireland Ltd (Facebook)',
    country: 'IE',
    service: signIn('Facebook'),
    categories: signInCategories,
    identityProvider: 'facebook',
  },
  { id: 'agileworks', name: 'AgileWorks AS', country: 'EE', service: notUsed, categories: [] },
  { id: 'elastic', name: 'Elasticsearch B.V.', country: 'NL', service: notUsed, categories: [] },
  { id: 'confluent', name: 'Confluent Cloud (Confluent Inc.)', country: 'US', service: notUsed, categories: [] },
];
