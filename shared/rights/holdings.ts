import { z } from 'zod';

import type { AccountDoc } from '../accounts/index.js';
import { countries, type CountryProfile, countryProfile } from '../platform/countries.js';
import type { Language } from '../platform/language.js';
import type { Services } from '../platform/services.js';
import { dataRegistry, type DocumentTypeSpec, subjectDocuments } from '../privacy/index.js';
import { processors } from './processors.js';

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

const eventNames: Record<string, Texts> = {
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
      return eventNames[rule.event]?.[lang] ?? rule.event;
    case 'indefinite':
      return rule.reason;
  }
}

/**
 * What this view counts: `all`, every registry type the person has documents of, found as the export finds them
 * (`subjectDocuments`: single-partition queries and point reads only, never a scan); or only the named per-account
 * containers (one query each), the rest null.
 */
type Counted = 'accounts' | 'orders';
type Counting = readonly Counted[] | 'all';

const categoryViewSchema = z.object({
  category: z.string(),
  name: z.string(),
  purpose: z.string(),
  lawfulBases: z.array(z.object({ basis: z.string(), name: z.string() })),
  retention: z.array(z.string()),
  sources: z.array(z.object({ source: z.string(), name: z.string() })),
  recipients: z.array(z.string()),
  /** True: data found; false: none found where it is kept; null: kept where this view does not count (e.g. the school's partition). */
  holdsData: z.boolean().nullable(),
  documentTypes: z.array(z.object({ type: z.string(), description: z.string(), count: z.number().int().nullable() })),
});

const partySchema = z.object({
  name: z.string(),
  registryCode: z.string().optional(),
  address: z.string().optional(),
  privacyContact: z.string(),
  website: z.string().optional(),
});

export const holdingsViewSchema = z.object({
  accountId: z.string(),
  language: z.enum(['et', 'fi', 'en']),
  controllers: z.object({ platform: z.string(), schools: z.array(z.string()) }),
  /** OPS-3: who is responsible in the person's country, and where they may complain. */
  country: z.object({
    country: z.enum(countries),
    site: z.string(),
    controller: partySchema,
    operator: partySchema,
    authority: z.object({ name: z.string(), url: z.string(), email: z.string() }),
    summary: z.string(),
  }),
  categories: z.array(categoryViewSchema),
  processors: z.array(z.object({ id: z.string(), name: z.string(), country: z.string(), service: z.string(), categories: z.array(z.string()) })),
  counted: z.array(z.string()),
});
type HoldingsView = z.input<typeof holdingsViewSchema>;

/** Counts of the person's documents by type in one partition (one query of their types only; the partition is theirs). */
async function countTypes(services: Pick<Services, 'db'>, container: Counted, accountId: string): Promise<Map<string, number>> {
  const { types } = await services.db.collection(container).typesIn(accountId);
  const counts = new Map<string, number>();
  for (const type of types) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** Counts of every type the person has documents of, read the way the export reads them (PRIV-1 = PRIV-2's truth). */
async function countAll(services: Pick<Services, 'db'>, accountId: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const found of subjectDocuments(services, accountId)) counts.set(found.spec.type, found.documents.length);
  return counts;
}

/**
 * PRIV-1: what the platform holds about a person, generated from the data registry and the processors table: per
 * category the purpose, lawful basis, retention, sources and recipients, and whether data is actually held. With
 * `all` every type the export can find is counted (school partitions, history, requests and the rest); a type the
 * registry cannot tie to the person (found nowhere per subject) says null rather than guessing.
 */
export async function holdingsOf(
  services: Pick<Services, 'db' | 'config'>,
  account: AccountDoc,
  lang: Language,
  counting: Counting,
): Promise<HoldingsView> {
  const counted = new Map<string, Map<string, number>>();
  const everything = counting === 'all' ? await countAll(services, account.accountId) : undefined;
  const containers = counting === 'all' ? [] : counting;
  for (const container of containers) counted.set(container, await countTypes(services, container, account.accountId));
  const linkedProviders = new Set((account.logins ?? []).map((l) => l.provider));
  const profile = countryProfile(services.config, account.country);
  // A country's own processor (E-Oppi Oy in Finland) receives nothing about people of the other country.
  const othersOwn = new Set(countries.filter((c) => c !== account.country).flatMap((c) => countryProfile(services.config, c).ownProcessors));
  const applies = (p: (typeof processors)[number]) => (!p.identityProvider || linkedProviders.has(p.identityProvider)) && !othersOwn.has(p.id);
  const recipientsOf = (category: Category) => processors.filter((p) => p.categories.includes(category)).filter(applies);
  const view: HoldingsView['categories'] = [];
  for (const [category, texts] of Object.entries(categories) as [Category, (typeof categories)[Category]][]) {
    const types = dataRegistry.documentTypes.filter((t) => t.personalData.includes(category));
    if (types.length === 0) continue;
    const documentTypes = types.map((t) => {
      const inContainer = counted.get(t.container);
      const count = t.type === 'account' ? 1 : everything ? (everything.get(t.type) ?? null) : inContainer ? (inContainer.get(t.type) ?? 0) : null;
      return { type: t.type, description: t.description, count };
    });
    const found = documentTypes.some((d) => (d.count ?? 0) > 0);
    view.push({
      category,
      name: texts.name[lang],
      purpose: texts.purpose[lang],
      lawfulBases: [...new Set(types.map((t) => t.lawfulBasis))].map((basis) => ({ basis, name: basisNames[basis][lang] })),
      retention: [...new Set(types.map((t) => retentionText(t.retention, lang)))],
      sources: texts.sources.map((source) => ({ source, name: sourceNames[source][lang] })),
      recipients: recipientsOf(category).map((p) => p.id),
      holdsData: found ? true : documentTypes.every((d) => d.count !== null) ? false : null,
      documentTypes,
    });
  }
  return {
    accountId: account.accountId,
    language: lang,
    controllers: {
      platform: 'Star Cloud OÜ (Opiq)',
      schools: [...new Set((account.schoolRoles ?? []).filter((r) => r.role === 'student').map((r) => r.schoolId))],
    },
    country: {
      country: account.country,
      site: profile.siteUrl,
      controller: profile.controller,
      operator: profile.operator,
      authority: { name: profile.authority.name[lang], url: profile.authority.url, email: profile.authority.email },
      summary: responsibleText(profile, lang),
    },
    categories: view,
    processors: processors
      .filter(applies)
      .map((p) => ({ id: p.id, name: p.name, country: p.country, service: p.service[lang], categories: [...p.categories] })),
    counted: everything ? [...new Set(dataRegistry.documentTypes.filter((t) => everything.has(t.type)).map((t) => t.container))] : [...containers],
  };
}

/** Who answers for the person's data in their country, in their language (OPS-3). */
function responsibleText(profile: CountryProfile, lang: Language): string {
  const { controller, operator, authority } = profile;
  const same = controller.name === operator.name;
  const texts = {
    et: `Sinu isikuandmete vastutav töötleja on ${controller.name}${same ? '' : `; teenust osutab sinu riigis ${operator.name}`}. Küsimused: ${operator.privacyContact}. Kaebuse võid esitada asutusele ${authority.name.et} (${authority.email}).`,
    fi: `Henkilötietojesi rekisterinpitäjä on ${controller.name}${same ? '' : `; palvelun tarjoaa maassasi ${operator.name}`}. Kysymykset: ${operator.privacyContact}. Voit tehdä valituksen viranomaiselle ${authority.name.fi} (${authority.email}).`,
    en: `The controller of your personal data is ${controller.name}${same ? '' : `; in your country the service is operated by ${operator.name}`}. Questions: ${operator.privacyContact}. You may complain to ${authority.name.en} (${authority.email}).`,
  };
  return texts[lang];
}
