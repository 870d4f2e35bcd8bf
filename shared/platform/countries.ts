import type { Config } from './config.js';
import type { Language, Texts } from './language.js';

/** The two countries the platform serves (OPS-3); a person's account country decides which details apply. */
export const countries = ['EE', 'FI'] as const;
export type Country = (typeof countries)[number];

interface Party {
  name: string;
  /** Business registry code (äriregistri kood, Y-tunnus); undefined when the deployment has not configured it. */
  registryCode?: string;
  address?: string;
  /** Where a person writes about their personal data. */
  privacyContact: string;
  website?: string;
}

interface Authority {
  name: Texts;
  url: string;
  email: string;
}

/** Everything that differs between the Estonian and the Finnish service, in one place. */
export interface CountryProfile {
  country: Country;
  /** The site people of this country use (links in e-mails, the CORS origin). */
  siteUrl: string;
  sender: { email: string; name: string };
  /** Who decides about the platform's processing (GDPR controller): Star Cloud OÜ in both countries (seeds 000, 001). */
  controller: Party;
  /** Who runs the service for the country's users and schools: Star Cloud itself in Estonia, e-Oppi Oy in Finland. */
  operator: Party;
  /** Where a person may complain (GDPR Article 77), as the country's privacy notice names it. */
  authority: Authority;
  /** The seller on invoices and receipts of buyers from this country. */
  invoiceSeller: string;
  /** Processors (shared/rights/processors.ts ids) that serve only this country: the operator. */
  ownProcessors: readonly string[];
}

/**
 * The controller as both privacy notices name it (seed 000 line 15, seed 001 line 15). The address is not in the
 * notices: a deployment parameter.
 */
const starCloud = (config: Config): Party => ({
  name: 'Star Cloud OÜ',
  registryCode: '12731921',
  ...(config.OPERATOR_ADDRESS_EE ? { address: config.OPERATOR_ADDRESS_EE } : {}),
  privacyContact: 'info@starcloud.ee',
  website: 'https://www.opiq.ee',
});

/** Seed 001 item 7: "E-Oppi Oy, e-oppi.fi. Star Cloud OÜ:n valtuuttama palveluoperaattori Suomen tasavallassa". */
const eOppi = (config: Config): Party => ({
  name: 'E-Oppi Oy',
  ...(config.OPERATOR_REGISTRY_CODE_FI ? { registryCode: config.OPERATOR_REGISTRY_CODE_FI } : {}),
  ...(config.OPERATOR_ADDRESS_FI ? { address: config.OPERATOR_ADDRESS_FI } : {}),
  // The Finnish notice sends privacy questions to Star Cloud (seed 001, "Riitojen ratkaiseminen").
  privacyContact: 'info@starcloud.ee',
  website: 'https://e-oppi.fi',
});

const authorities: Record<Country, Authority> = {
  // Seed 000: "Sul on ka õigus esitada kaebus Andmekaitse Inspektsioonile info@aki.ee."
  EE: {
    name: { et: 'Andmekaitse Inspektsioon', fi: 'Viron tietosuojavirasto (Andmekaitse Inspektsioon)', en: 'Estonian Data Protection Inspectorate' },
    url: 'https://www.aki.ee',
    email: 'info@aki.ee',
  },
  // Seed 001: "Sinulla on myös oikeus esittää valitus tietosuojaviranomaiselle tietosuoja@om.fi."
  FI: {
    name: {
      et: 'Soome andmekaitsevolinik (Tietosuojavaltuutetun toimisto)',
      fi: 'Tietosuojavaltuutetun toimisto',
      en: 'Data Protection Ombudsman (Finland)',
    },
    url: 'https://tietosuoja.fi',
    email: 'tietosuoja@om.fi',
  },
};

/** The details that apply to people of `country`, with the deployment's values from configuration. */
export function countryProfile(config: Config, country: Country): CountryProfile {
  if (country === 'FI')
    return {
      country,
      siteUrl: trimSlash(config.PUBLIC_WEB_URL_FI ?? config.PUBLIC_WEB_URL),
      sender: { email: config.EMAIL_FROM_FI ?? config.EMAIL_FROM, name: 'Opiq (E-Oppi Oy)' },
      controller: starCloud(config),
      operator: eOppi(config),
      authority: authorities.FI,
      invoiceSeller: config.INVOICE_SELLER_FI ?? config.INVOICE_SELLER,
      ownProcessors: ['e-oppi'],
    };
  return {
    country,
    siteUrl: trimSlash(config.PUBLIC_WEB_URL),
    sender: { email: config.EMAIL_FROM, name: 'Opiq (Star Cloud OÜ)' },
    controller: starCloud(config),
    operator: starCloud(config),
    authority: authorities.EE,
    invoiceSeller: config.INVOICE_SELLER,
    ownProcessors: [],
  };
}

/** Both countries' sites may call the API from a browser (CORS). */
export const corsOrigins = (config: Config): string[] => [...new Set(countries.map((c) => new URL(countryProfile(config, c).siteUrl).origin))];

/**
 * The country whose site a browser request comes from (its Origin), when it is one of ours: the one thing a request
 * about an address with no account (yet) knows of the reader's country (OPS-3). Finland only with a site of its own.
 */
export function siteCountryOf(config: Config, origin: string | null): Country | undefined {
  if (!origin) return undefined;
  if (config.PUBLIC_WEB_URL_FI && origin === new URL(config.PUBLIC_WEB_URL_FI).origin) return 'FI';
  return origin === new URL(config.PUBLIC_WEB_URL).origin ? 'EE' : undefined;
}

/**
 * The country of our site a browser request comes from, for a top-level navigation too (OPS-3): browsers send no
 * Origin with a link's GET, but its Referer (by default cut to the origin for another site) names the page.
 */
export function requestSiteCountry(config: Config, headers: { get(name: string): string | null }): Country | undefined {
  const origin = headers.get('origin');
  if (origin && origin !== 'null') return siteCountryOf(config, origin);
  const referer = headers.get('referer');
  if (!referer || !URL.canParse(referer)) return undefined;
  return siteCountryOf(config, new URL(referer).origin);
}

/**
 * The language of the site a browser request comes from (its Origin): Finnish for the Finnish site when it has a
 * site of its own; undefined otherwise (the platform's default applies).
 */
export function siteLanguageOf(config: Config, origin: string | null): Language | undefined {
  return siteCountryOf(config, origin) === 'FI' ? 'fi' : undefined;
}

/** The sender of a message to a person of `country`; a message for nobody in particular goes out as Estonian. */
export const senderFor = (config: Config) => (country: Country | undefined) => countryProfile(config, country ?? 'EE').sender;

const footerWords = {
  operator: { et: 'Teenust osutab', fi: 'Palvelun tarjoaa', en: 'The service is operated by' },
  onBehalf: { et: 'Star Cloud OÜ nimel', fi: 'Star Cloud OÜ:n puolesta', en: 'on behalf of Star Cloud OÜ' },
  privacy: { et: 'Isikuandmete küsimused', fi: 'Henkilötietoja koskevat kysymykset', en: 'Questions about personal data' },
  complaint: { et: 'Järelevalveasutus', fi: 'Valvontaviranomainen', en: 'Supervisory authority' },
} satisfies Record<string, Texts>;

/** The last lines of every e-mail: who sends it, where to ask about personal data, and the authority (OPS-3). */
export function emailFooter(profile: CountryProfile, language: Language): string {
  const { operator, controller, authority } = profile;
  const operatorLine = [
    `${footerWords.operator[language]} ${operator.name}`,
    operator.registryCode,
    operator.name === controller.name ? undefined : footerWords.onBehalf[language],
  ]
    .filter(Boolean)
    .join(', ');
  return [
    '-- ',
    `Opiq · ${profile.siteUrl}`,
    operatorLine,
    `${footerWords.privacy[language]}: ${operator.privacyContact}`,
    `${footerWords.complaint[language]}: ${authority.name[language]} (${authority.email}, ${authority.url})`,
  ].join('\n');
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');
