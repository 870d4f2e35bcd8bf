import { z } from 'zod';

import type { AccountDoc } from '../accounts/index.js';
import { countries, type CountryProfile, countryProfile } from '../platform/countries.js';
import type { Language } from '../platform/language.js';
import type { Services } from '../platform/services.js';
import { basisNames, categories, type Category, dataRegistry, retentionText, sourceNames } from '../privacy/index.js';
import { processors } from './processors.js';

/**
 * What this view counts: the person's counts of every registry type, as the export finds them, counted by the queue
 * `holdings-counts` (`HoldingsCounts`: when, and the count per type), or `preparing` while that count is being made
 * (every count null); or only the named per-account containers (one query each), the rest null.
 */
type Counted = 'accounts' | 'orders';
export interface HoldingsCounts {
  countedAt: string;
  counts: Record<string, number>;
}
type Counting = readonly Counted[] | HoldingsCounts | 'preparing';

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
  /** When the counts were made (PRIV-1 counts every type the export finds: a queued count, kept a few minutes). */
  countedAt: z.string().optional(),
  /** True while the counts are being made: every count is null until then; ask again in a moment. */
  preparing: z.boolean().optional(),
});
type HoldingsView = z.input<typeof holdingsViewSchema>;

/** Counts of the person's documents by type in one partition (one query of their types only; the partition is theirs). */
async function countTypes(services: Pick<Services, 'db'>, container: Counted, accountId: string): Promise<Map<string, number>> {
  const { types } = await services.db.collection(container).typesIn(accountId);
  const counts = new Map<string, number>();
  for (const type of types) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/**
 * PRIV-1: what the platform holds about a person, generated from the data registry and the processors table: per
 * category the purpose, lawful basis, retention, sources and recipients, and whether data is actually held. With
 * the queued counts every type the export can find is counted (school partitions, history, requests and the rest); a
 * type the registry cannot tie to the person (found nowhere per subject) says null rather than guessing.
 */
export async function holdingsOf(
  services: Pick<Services, 'db' | 'config'>,
  account: AccountDoc,
  lang: Language,
  counting: Counting,
): Promise<HoldingsView> {
  const counted = new Map<string, Map<string, number>>();
  const snapshot = counting !== 'preparing' && !Array.isArray(counting) ? (counting as HoldingsCounts) : undefined;
  const everything = snapshot ? new Map(Object.entries(snapshot.counts)) : undefined;
  const containers = Array.isArray(counting) ? (counting as readonly Counted[]) : [];
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
    ...(snapshot ? { countedAt: snapshot.countedAt } : {}),
    ...(counting === 'preparing' ? { preparing: true } : {}),
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
