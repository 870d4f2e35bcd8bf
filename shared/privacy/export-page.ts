import type { CountryProfile } from '../platform/countries.js';
import type { Language } from '../platform/language.js';
import type { DocumentTypeSpec } from './registry-types.js';
import { basisNames, categories, retentionText } from './texts.js';

/**
 * The readable side of an export (PRIV-2; Moodle's export is the model): index.html lists every category the
 * registry knows with what it is, why it is kept and for how long, and links one page per document type and every
 * file. Static HTML, inline CSS, no scripts and nothing from elsewhere: it opens offline from the extracted zip
 * (research: a page cannot fetch its JSON over file://, and external assets would leak the reader's IP).
 */
export interface ExportedType {
  spec: DocumentTypeSpec;
  count: number;
}

export interface ExportSummary {
  accountId: string;
  name?: string;
  createdAt: string;
  types: ExportedType[];
  files: { path: string; size: number }[];
  /** The person's language for every word a person reads (OPS-3; the registry's texts via ./texts.ts). Default en. */
  language?: Language;
  /** OPS-3: the controller, operator and authority of the person's country. */
  responsible?: CountryProfile;
}

/** The page's own words in each language (OPS-3); the English ones are what the page said before. */
const words = {
  title: { et: 'Sinu andmed Opiqus', fi: 'Tietosi Opiqissa', en: 'Your data on Opiq' },
  extractFirst: {
    et: 'Paki kogu zip-fail enne lahti („Extract all“): zip-faili sees avatuna allolevad lingid ei tööta.',
    fi: 'Pura koko zip-tiedosto ensin („Extract all“): zip-tiedoston sisältä avattuna alla olevat linkit eivät toimi.',
    en: 'Extract the whole zip first ("Extract all"): opened inside the zip, the links below do not work.',
  },
  intro: {
    et: (at: string, name: string) =>
      `Kõik, mida platvorm sinu kohta hoiab, eksporditud ${at}${name ? ` (${name})` : ''}. Igal kirjeliigil on oma leht ja JSON-fail (<code>data/</code>), mida programm saab lugeda; <code>metadata.json</code> kirjeldab iga välja.`,
    fi: (at: string, name: string) =>
      `Kaikki, mitä alusta sinusta säilyttää, viety ${at}${name ? ` (${name})` : ''}. Jokaisella tietuetyypillä on oma sivunsa ja JSON-tiedosto (<code>data/</code>), jota ohjelma voi lukea; <code>metadata.json</code> kuvaa jokaisen kentän.`,
    en: (at: string, name: string) =>
      `Everything the platform holds about you, exported ${at}${name ? ` for ${name}` : ''}. Each kind of record has a page of its own and a JSON file (<code>data/</code>) a program can read; <code>metadata.json</code> describes every field.`,
  },
  records: { et: 'Kirjed', fi: 'Tietueet', en: 'Records' },
  record: { et: 'Kirje', fi: 'Tietue', en: 'Record' },
  allData: { et: 'Kõik sinu andmed', fi: 'Kaikki tietosi', en: 'All your data' },
  why: { et: 'Miks', fi: 'Miksi', en: 'Why' },
  kind: { et: 'Liik', fi: 'Tyyppi', en: 'Kind' },
  categories: { et: 'Kategooriad', fi: 'Tietoryhmät', en: 'Categories' },
  purpose: { et: 'Eesmärk ja õiguslik alus', fi: 'Tarkoitus ja käsittelyperuste', en: 'Purpose and lawful basis' },
  kept: { et: 'Säilitatakse', fi: 'Säilytetään', en: 'Kept' },
  yours: { et: 'Sinu kirjed', fi: 'Sinun tietueesi', en: 'Your records' },
  none: { et: 'pole', fi: 'ei yhtään', en: 'none' },
  count: {
    et: (n: number) => `${n} kirje${n === 1 ? '' : 't'}`,
    fi: (n: number) => `${n} tietue${n === 1 ? '' : 'tta'}`,
    en: (n: number) => `${n} record${n === 1 ? '' : 's'}`,
  },
  files: { et: 'Sinu failid', fi: 'Tiedostosi', en: 'Your files' },
  noFiles: { et: 'Faile pole.', fi: 'Ei tiedostoja.', en: 'No files.' },
  bytes: { et: 'baiti', fi: 'tavua', en: 'bytes' },
  responsible: { et: 'Kes vastutab sinu andmete eest', fi: 'Kuka vastaa tiedoistasi', en: 'Who is responsible for your data' },
  controller: { et: 'Vastutav töötleja', fi: 'Rekisterinpitäjä', en: 'Controller' },
  operator: { et: 'Teenuse osutaja sinu riigis', fi: 'Palvelun tarjoaja maassasi', en: 'Operator in your country' },
  authority: { et: 'Järelevalveasutus (kaebused)', fi: 'Valvontaviranomainen (valitukset)', en: 'Supervisory authority (complaints)' },
  about: {
    et: 'Kõik, mida Opiq sinu kohta hoiab: üks JSON-fail iga kirjeliigi kohta kaustas data/, siin kirjeldatud andmeregistri järgi.',
    fi: 'Kaikki, mitä Opiq sinusta säilyttää: yksi JSON-tiedosto kutakin tietuetyyppiä kohden kansiossa data/, kuvattu tässä tietorekisterin mukaan.',
    en: 'Everything Opiq holds about you, one JSON file per kind of record in data/, described here from the data registry.',
  },
  holds: { et: 'Sisaldab', fi: 'Sisältää', en: 'Holds' },
  partOf: { et: 'Osa kirjest', fi: 'Osa tietuetta', en: 'Part of the record' },
  personField: {
    et: 'Konto tunnus, mis nimetab inimest, kelle kohta kirje on.',
    fi: 'Tilin tunniste, joka nimeää henkilön, jota tietue koskee.',
    en: 'An account id naming a person this record is about.',
  },
};

/** What a person reads about a document type, in their language: its categories, their purposes, basis and retention. */
function typeTexts(spec: DocumentTypeSpec, lang: Language) {
  const names = spec.personalData.map((c) => categories[c].name[lang]);
  return {
    categoryNames: names,
    description: names.length ? `${words.holds[lang]}: ${names.join(', ')}.` : spec.type,
    purpose: spec.personalData.map((c) => categories[c].purpose[lang]).join(' '),
    lawfulBasis: basisNames[spec.lawfulBasis][lang],
    retention: retentionText(spec.retention, lang),
  };
}

/** "Name, registry code, address, contact" of a party, as far as it is known. */
const partyLine = (p: CountryProfile['controller']) => [p.name, p.registryCode, p.address, p.privacyContact].filter(Boolean).join(', ');

/** No scheme: the page links nothing outside the zip (see above); the reader types or copies the address. */
const withoutScheme = (url: string) => url.replace(/^https?:\/\//, '');

function responsibleSection(profile: CountryProfile, lang: Language): string {
  const { controller, operator, authority } = profile;
  return `<h2>${words.responsible[lang]}</h2>
<table><tbody>
<tr><th>${words.controller[lang]}</th><td>${escapeHtml(partyLine(controller))}</td></tr>
<tr><th>${words.operator[lang]}</th><td>${escapeHtml(partyLine(operator))}</td></tr>
<tr><th>${words.authority[lang]}</th><td>${escapeHtml(`${authority.name[lang]}, ${authority.email}, ${withoutScheme(authority.url)}`)}</td></tr>
</tbody></table>`;
}

/** README.txt in the person's language. */
export const readmeText = (lang: Language = 'en') =>
  ({
    et: 'Sinu andmed Opiqus.\r\nPaki kogu zip-fail enne lahti, seejärel ava brauseris index.html.\r\ndata/ sisaldab iga kirjeliigi kohta üht JSON-faili; metadata.json kirjeldab iga välja.\r\n',
    fi: 'Tietosi Opiqissa.\r\nPura koko zip-tiedosto ensin ja avaa sitten index.html selaimessa.\r\ndata/ sisältää yhden JSON-tiedoston kutakin tietuetyyppiä kohden; metadata.json kuvaa jokaisen kentän.\r\n',
    en: 'Your data on Opiq.\r\nExtract the whole zip first, then open index.html in a browser.\r\ndata/ holds one JSON file per kind of record; metadata.json describes every field.\r\n',
  })[lang];

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}th{background:#f2f2f2}
.note{background:#fff8dc;border:1px solid #e6d690;padding:.5rem 1rem}pre{white-space:pre-wrap;margin:0;font-size:.85rem}
.empty{color:#666}`;

function page(title: string, body: string, lang: Language = 'en'): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>
`;
}

export const typePagePath = (type: string) => `pages/${type}.html`;
export const typeDataPath = (type: string) => `data/${type}.json`;

export function indexPage(summary: ExportSummary): string {
  const lang = summary.language ?? 'en';
  const rows = summary.types
    .map(({ spec, count }) => {
      const what =
        count > 0 ? `<a href="${typePagePath(spec.type)}">${words.count[lang](count)}</a>` : `<span class="empty">${words.none[lang]}</span>`;
      const t = typeTexts(spec, lang);
      return `<tr><td><strong>${escapeHtml(spec.type)}</strong><br>${escapeHtml(t.description)}</td><td>${escapeHtml(t.categoryNames.join(', '))}</td><td>${escapeHtml(t.purpose)}<br><em>${escapeHtml(t.lawfulBasis)}</em></td><td>${escapeHtml(t.retention)}</td><td>${what}</td></tr>`;
    })
    .join('\n');
  const files = summary.files.length
    ? `<ul>${summary.files.map((f) => `<li><a href="${escapeHtml(encodeURI(f.path))}">${escapeHtml(f.path.replace(/^files\//, ''))}</a> (${f.size} ${words.bytes[lang]})</li>`).join('')}</ul>`
    : `<p class="empty">${words.noFiles[lang]}</p>`;
  return page(
    words.title[lang],
    `<h1>${words.title[lang]}</h1>
<p class="note">${escapeHtml(words.extractFirst[lang])}</p>
<p>${words.intro[lang](escapeHtml(summary.createdAt), summary.name ? escapeHtml(summary.name) : '')}</p>
${summary.responsible ? responsibleSection(summary.responsible, lang) : ''}
<h2>${words.records[lang]}</h2>
<table><thead><tr><th>${words.kind[lang]}</th><th>${words.categories[lang]}</th><th>${words.purpose[lang]}</th><th>${words.kept[lang]}</th><th>${words.yours[lang]}</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>${words.files[lang]}</h2>
${files}`,
    lang,
  );
}

export function typePage(spec: DocumentTypeSpec, documents: Record<string, unknown>[], lang: Language = 'en'): string {
  const rows = documents.map((doc, i) => `<tr><td>${i + 1}</td><td><pre>${escapeHtml(JSON.stringify(doc, null, 2))}</pre></td></tr>`).join('\n');
  const t = typeTexts(spec, lang);
  return page(
    spec.type,
    `<p><a href="../index.html">${words.allData[lang]}</a></p><h1>${escapeHtml(spec.type)}</h1><p>${escapeHtml(t.description)}</p>
<p>${words.why[lang]}: ${escapeHtml(t.purpose)} (${escapeHtml(t.lawfulBasis)}) ${words.kept[lang]}: ${escapeHtml(t.retention)}.</p>
<table><thead><tr><th>#</th><th>${words.record[lang]}</th></tr></thead><tbody>
${rows}
</tbody></table>`,
    lang,
  );
}

/** metadata.json: what each exported type is and what each of its fields holds, in the person's language (OPS-3). */
export function metadataOf(types: { spec: DocumentTypeSpec; fields: string[] }[], lang: Language = 'en'): string {
  return JSON.stringify(
    {
      about: words.about[lang],
      language: lang,
      types: types.map(({ spec, fields }) => {
        const t = typeTexts(spec, lang);
        return {
          type: spec.type,
          file: typeDataPath(spec.type),
          description: t.description,
          categories: spec.personalData,
          categoryNames: t.categoryNames,
          purpose: t.purpose,
          lawfulBasis: t.lawfulBasis,
          retention: t.retention,
          fields: Object.fromEntries(fields.map((f) => [f, fieldMeaning(spec, f, lang)])),
          leftOut: spec.export?.omit ?? [],
        };
      }),
    },
    null,
    2,
  );
}

const COMMON_FIELDS: Record<string, Record<Language, string>> = {
  id: { et: 'Kirje tunnus.', fi: 'Tietueen tunniste.', en: 'The record id.' },
  type: { et: 'Kirje liik.', fi: 'Tietueen tyyppi.', en: 'The kind of record.' },
  accountId: {
    et: 'Konto, mille juurde kirje kuulub (sinu oma või see, mille all seda hoitakse).',
    fi: 'Tili, johon tietue kuuluu (sinun tai se, jonka alla sitä säilytetään).',
    en: 'The account the record belongs to (yours, or the partition it is kept in).',
  },
  schoolId: { et: 'Kool, mille juurde kirje kuulub.', fi: 'Koulu, johon tietue kuuluu.', en: 'The school the record belongs to.' },
  createdAt: { et: 'Millal see loodi.', fi: 'Milloin se luotiin.', en: 'When it was created.' },
  updatedAt: { et: 'Millal see viimati muutus.', fi: 'Milloin se viimeksi muuttui.', en: 'When it last changed.' },
};

function fieldMeaning(spec: DocumentTypeSpec, field: string, lang: Language): string {
  const common = COMMON_FIELDS[field];
  if (common) return common[lang];
  if ([spec.subjectField ?? []].flat().some((p) => p.split(/[.[]/)[0] === field)) return words.personField[lang];
  return `${words.partOf[lang]} ${spec.type}: ${typeTexts(spec, lang).categoryNames.join(', ')}.`;
}
