import type { Language } from '../platform/language.js';
import { basisNames, categories, type Category, dataRegistry, type DocumentTypeSpec, retentionText, sourceNames } from '../privacy/index.js';
import { type Processor, processors } from './processors.js';

/**
 * Issue 13 item 5 (PRIV-1, PRIV-3): the GDPR Article 30 record of processing and the privacy notice's data table
 * (section 3) and retention table (section 7), in et, fi and en, generated from the data registry and the processors
 * table by `npm run gen` into docs/privacy/; scripts/generated.test.ts fails when the committed text and the registry
 * disagree. Every word comes from translated tables (category names, purposes, bases, retention), never from the
 * registry's English descriptions.
 */
type Texts = Record<Language, string>;
type DataRegistry = typeof dataRegistry;

const EU_EEA = new Set(['EE', 'FI', 'IE', 'NL', 'DE', 'SE', 'FR', 'LV', 'LT', 'DK', 'NO', 'IS', 'LI']);

const words = {
  noticeTitle: { et: 'Privaatsusteate tabelid', fi: 'Tietosuojaselosteen taulukot', en: 'Privacy notice tables' },
  recordTitle: {
    et: 'Isikuandmete töötlemistoimingute register (IKÜM artikkel 30)',
    fi: 'Seloste käsittelytoimista (tietosuoja-asetuksen 30 artikla)',
    en: 'Record of processing activities (GDPR Article 30)',
  },
  generated: {
    et: 'Genereeritud andmeregistrist ja volitatud töötlejate tabelist (`npm run gen`); ära muuda käsitsi.',
    fi: 'Luotu tietorekisteristä ja käsittelijätaulukosta (`npm run gen`); älä muokkaa käsin.',
    en: 'Generated from the data registry and the processors table (`npm run gen`); do not edit by hand.',
  },
  section3: {
    et: '3. Milliseid isikuandmeid me töötleme ja miks?',
    fi: '3. Mitä henkilötietoja käsittelemme ja miksi?',
    en: '3. What personal data do we process and why?',
  },
  section7: {
    et: '7. Isikuandmete säilitamine ja kustutamine',
    fi: '7. Henkilötietojen säilyttäminen ja poistaminen',
    en: '7. Keeping and deleting personal data',
  },
  data: { et: 'Isikuandmed', fi: 'Henkilötiedot', en: 'Personal data' },
  purpose: { et: 'Eesmärk', fi: 'Tarkoitus', en: 'Purpose' },
  basis: { et: 'Töötlemise alus', fi: 'Käsittelyperuste', en: 'Lawful basis' },
  retention: { et: 'Säilitustähtaeg', fi: 'Säilytysaika', en: 'Retention' },
  sources: { et: 'Andmete allikas', fi: 'Tietolähde', en: 'Source' },
  recipients: { et: 'Vastuvõtjad', fi: 'Vastaanottajat', en: 'Recipients' },
  documents: { et: 'Dokumenditüübid', fi: 'Asiakirjatyypit', en: 'Document types' },
  erasure: { et: 'Kustutamisel', fi: 'Poistettaessa', en: 'On erasure' },
  container: { et: 'Konteiner', fi: 'Säiliö', en: 'Container' },
  categoriesOf: { et: 'Andmekategooriad', fi: 'Tietoryhmät', en: 'Data categories' },
  controller: { et: 'Vastutav töötleja', fi: 'Rekisterinpitäjä', en: 'Controller' },
  controllerText: {
    et: 'Star Cloud OÜ (Opiq), registrikood 12731921, info@starcloud.ee. Kooli õppetöö andmete puhul on vastutav töötleja kool ja Star Cloud on volitatud töötleja (artikkel 30 lõige 2).',
    fi: 'Star Cloud OÜ (Opiq), rekisterikoodi 12731921, info@starcloud.ee. Koulun opetuksen tietojen osalta rekisterinpitäjä on koulu ja Star Cloud on käsittelijä (30 artiklan 2 kohta).',
    en: "Star Cloud OÜ (Opiq), registry code 12731921, info@starcloud.ee. For a school's teaching data the school is the controller and Star Cloud its processor (Article 30(2)).",
  },
  activities: { et: 'Töötlemistoimingud andmekategooriate kaupa', fi: 'Käsittelytoimet tietoryhmittäin', en: 'Processing by data category' },
  processorsTitle: { et: 'Volitatud töötlejad ja vastuvõtjad', fi: 'Käsittelijät ja vastaanottajat', en: 'Processors and recipients' },
  name: { et: 'Nimi', fi: 'Nimi', en: 'Name' },
  country: { et: 'Asukohariik', fi: 'Sijaintimaa', en: 'Country' },
  service: { et: 'Teenus', fi: 'Palvelu', en: 'Service' },
  transfer: { et: 'Edastamine kolmandasse riiki', fi: 'Siirto kolmanteen maahan', en: 'Transfer to a third country' },
  transferYes: {
    et: 'jah (ELi tüüptingimused / andmekaitseraamistik)',
    fi: 'kyllä (EU:n vakiolausekkeet / tietosuojakehys)',
    en: 'yes (EU standard contractual clauses / Data Privacy Framework)',
  },
  transferNo: { et: 'ei (EL/EMP)', fi: 'ei (EU/ETA)', en: 'no (EU/EEA)' },
  none: { et: 'ei ühtegi', fi: 'ei yhtään', en: 'none' },
  typesTitle: { et: 'Dokumenditüübid andmeregistris', fi: 'Asiakirjatyypit tietorekisterissä', en: 'Document types in the data registry' },
  type: { et: 'Tüüp', fi: 'Tyyppi', en: 'Type' },
  security: { et: 'Turvameetmed', fi: 'Turvatoimet', en: 'Security measures' },
  securityText: {
    et: 'Andmed on krüpteeritud ELi andmekeskustes (Microsoft Azure); ligipääs rollipõhine, töötajate juurdepääs isikuandmetele logitakse (ACL-7); paroolid räsitud; seansid tühistatavad.',
    fi: 'Tiedot salattuina EU:n konesaleissa (Microsoft Azure); pääsy roolin mukaan, henkilöstön pääsy henkilötietoihin kirjataan (ACL-7); salasanat tiivistettyinä; istunnot peruttavissa.',
    en: 'Data encrypted in EU data centres (Microsoft Azure); role-based access, staff access to personal data logged (ACL-7); passwords hashed; sessions revocable.',
  },
} satisfies Record<string, Texts>;

const erasureNames: Record<NonNullable<DocumentTypeSpec['erasure']>, Texts> = {
  delete: { et: 'kustutatakse', fi: 'poistetaan', en: 'deleted' },
  anonymise: { et: 'muudetakse isikustamata kujule', fi: 'anonymisoidaan', en: 'anonymised' },
  'legal-hold': { et: 'säilitatakse kuni tähtaja lõpuni', fi: 'säilytetään määräajan loppuun', en: 'kept until its period ends' },
};

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const row = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
const table = (head: string[], rows: string[][]) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
const unique = (items: string[]) => [...new Set(items)];

function categoryRows(registry: DataRegistry) {
  return (Object.keys(categories) as Category[])
    .map((category) => ({ category, types: registry.documentTypes.filter((t) => t.personalData.includes(category)) }))
    .filter((c) => c.types.length > 0);
}

const recipientsOf = (category: Category, lang: Language) =>
  processors
    .filter((p) => p.categories.includes(category))
    .map((p) => p.name)
    .join(', ') || words.none[lang];

const isThirdCountry = (p: Processor) => !EU_EEA.has(p.country);

/** The privacy notice's section 3 (data, purpose, lawful basis) and section 7 (data, purpose, retention) tables. */
export function noticeTables(lang: Language, registry: DataRegistry = dataRegistry): string {
  const rows = categoryRows(registry);
  const bases = (types: DocumentTypeSpec[]) => unique(types.map((t) => basisNames[t.lawfulBasis][lang])).join('; ');
  const retentions = (types: DocumentTypeSpec[]) => unique(types.map((t) => retentionText(t.retention, lang))).join('; ');
  return [
    `# ${words.noticeTitle[lang]}`,
    '',
    words.generated[lang],
    '',
    `## ${words.section3[lang]}`,
    '',
    table(
      [words.data[lang], words.purpose[lang], words.basis[lang], words.sources[lang]],
      rows.map(({ category, types }) => [
        categories[category].name[lang],
        categories[category].purpose[lang],
        bases(types),
        categories[category].sources.map((s) => sourceNames[s][lang]).join(', '),
      ]),
    ),
    '',
    `## ${words.section7[lang]}`,
    '',
    table(
      [words.data[lang], words.purpose[lang], words.retention[lang]],
      rows.map(({ category, types }) => [categories[category].name[lang], categories[category].purpose[lang], retentions(types)]),
    ),
    '',
  ].join('\n');
}

/** The Article 30 record: controller, processing per category, processors with transfers, every document type. */
export function recordOfProcessing(lang: Language, registry: DataRegistry = dataRegistry): string {
  const rows = categoryRows(registry);
  const personal = registry.documentTypes.filter((t) => t.personalData.length > 0);
  return [
    `# ${words.recordTitle[lang]}`,
    '',
    words.generated[lang],
    '',
    `## ${words.controller[lang]}`,
    '',
    words.controllerText[lang],
    '',
    `## ${words.activities[lang]}`,
    '',
    table(
      [
        words.data[lang],
        words.purpose[lang],
        words.basis[lang],
        words.sources[lang],
        words.recipients[lang],
        words.retention[lang],
        words.documents[lang],
      ],
      rows.map(({ category, types }) => [
        categories[category].name[lang],
        categories[category].purpose[lang],
        unique(types.map((t) => basisNames[t.lawfulBasis][lang])).join('; '),
        categories[category].sources.map((s) => sourceNames[s][lang]).join(', '),
        recipientsOf(category, lang),
        unique(types.map((t) => retentionText(t.retention, lang))).join('; '),
        types.map((t) => `\`${t.type}\``).join(', '),
      ]),
    ),
    '',
    `## ${words.processorsTitle[lang]}`,
    '',
    table(
      [words.name[lang], words.country[lang], words.service[lang], words.categoriesOf[lang], words.transfer[lang]],
      processors.map((p) => [
        p.name,
        p.country,
        p.service[lang],
        p.categories.map((c) => categories[c as Category].name[lang]).join(', ') || words.none[lang],
        p.categories.length > 0 && isThirdCountry(p) ? words.transferYes[lang] : words.transferNo[lang],
      ]),
    ),
    '',
    `## ${words.typesTitle[lang]}`,
    '',
    table(
      [words.type[lang], words.container[lang], words.categoriesOf[lang], words.basis[lang], words.retention[lang], words.erasure[lang]],
      personal.map((t) => [
        `\`${t.type}\``,
        t.container,
        t.personalData.map((c) => categories[c].name[lang]).join(', '),
        basisNames[t.lawfulBasis][lang],
        retentionText(t.retention, lang),
        t.erasure ? erasureNames[t.erasure][lang] : '',
      ]),
    ),
    '',
    `## ${words.security[lang]}`,
    '',
    words.securityText[lang],
    '',
  ].join('\n');
}
