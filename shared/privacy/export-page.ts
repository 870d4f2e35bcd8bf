import type { DocumentTypeSpec } from './registry-types.js';

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
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}th{background:#f2f2f2}
.note{background:#fff8dc;border:1px solid #e6d690;padding:.5rem 1rem}pre{white-space:pre-wrap;margin:0;font-size:.85rem}
.empty{color:#666}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>
`;
}

function retentionText(spec: DocumentTypeSpec): string {
  const r = spec.retention;
  switch (r.kind) {
    case 'fixed':
      return `${r.days} days after the last change (${r.requirement})`;
    case 'accounting':
      return '7 years after the end of the financial year (accounting law, RET-3)';
    case 'event':
      return `until ${r.event} (${r.requirement})`;
    case 'indefinite':
      return r.reason;
  }
}

export const typePagePath = (type: string) => `pages/${type}.html`;
export const typeDataPath = (type: string) => `data/${type}.json`;

export function indexPage(summary: ExportSummary): string {
  const rows = summary.types
    .map(({ spec, count }) => {
      const what =
        count > 0 ? `<a href="${typePagePath(spec.type)}">${count} record${count === 1 ? '' : 's'}</a>` : '<span class="empty">none</span>';
      return `<tr><td><strong>${escapeHtml(spec.type)}</strong><br>${escapeHtml(spec.description)}</td><td>${escapeHtml(spec.personalData.join(', '))}</td><td>${escapeHtml(spec.purpose)}<br><em>${escapeHtml(spec.lawfulBasis)}</em></td><td>${escapeHtml(retentionText(spec))}</td><td>${what}</td></tr>`;
    })
    .join('\n');
  const files = summary.files.length
    ? `<ul>${summary.files.map((f) => `<li><a href="${escapeHtml(encodeURI(f.path))}">${escapeHtml(f.path.replace(/^files\//, ''))}</a> (${f.size} bytes)</li>`).join('')}</ul>`
    : '<p class="empty">No files.</p>';
  return page(
    'Your data on Opiq',
    `<h1>Your data on Opiq</h1>
<p class="note">Extract the whole zip first ("Extract all"): opened inside the zip, the links below do not work.</p>
<p>Everything the platform holds about you, exported ${escapeHtml(summary.createdAt)}${summary.name ? ` for ${escapeHtml(summary.name)}` : ''}. Each kind of record has a page of its own and a JSON file (<code>data/</code>) a program can read; <code>metadata.json</code> describes every field.</p>
<h2>Records</h2>
<table><thead><tr><th>Kind</th><th>Categories</th><th>Purpose and lawful basis</th><th>Kept</th><th>Your records</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Your files</h2>
${files}`,
  );
}

export function typePage(spec: DocumentTypeSpec, documents: Record<string, unknown>[]): string {
  const rows = documents.map((doc, i) => `<tr><td>${i + 1}</td><td><pre>${escapeHtml(JSON.stringify(doc, null, 2))}</pre></td></tr>`).join('\n');
  return page(
    spec.type,
    `<p><a href="../index.html">All your data</a></p><h1>${escapeHtml(spec.type)}</h1><p>${escapeHtml(spec.description)}</p>
<p>Why: ${escapeHtml(spec.purpose)} Kept: ${escapeHtml(retentionText(spec))}.</p>
<table><thead><tr><th>#</th><th>Record</th></tr></thead><tbody>
${rows}
</tbody></table>`,
  );
}

/** metadata.json: what each exported type is and what each of its fields (as found in the export) holds. */
export function metadataOf(types: { spec: DocumentTypeSpec; fields: string[] }[]): string {
  return JSON.stringify(
    {
      about: 'Everything Opiq holds about you, one JSON file per kind of record in data/, described here from the data registry.',
      types: types.map(({ spec, fields }) => ({
        type: spec.type,
        file: typeDataPath(spec.type),
        description: spec.description,
        categories: spec.personalData,
        purpose: spec.purpose,
        lawfulBasis: spec.lawfulBasis,
        retention: retentionText(spec),
        fields: Object.fromEntries(fields.map((f) => [f, fieldMeaning(spec, f)])),
        leftOut: spec.export?.omit ?? [],
      })),
    },
    null,
    2,
  );
}

const COMMON_FIELDS: Record<string, string> = {
  id: 'The record id.',
  type: 'The kind of record.',
  accountId: 'The account the record belongs to (yours, or the partition it is kept in).',
  schoolId: 'The school the record belongs to.',
  createdAt: 'When it was created.',
  updatedAt: 'When it last changed.',
};

function fieldMeaning(spec: DocumentTypeSpec, field: string): string {
  if (COMMON_FIELDS[field]) return COMMON_FIELDS[field];
  if ([spec.subjectField ?? []].flat().some((p) => p.split(/[.[]/)[0] === field)) return 'An account id naming a person this record is about.';
  return `Part of the ${spec.type} record: ${spec.description}`;
}
