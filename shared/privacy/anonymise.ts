import type { DocumentTypeSpec } from './registry-types.js';

/** What a subject's id becomes where a document keeps its place but not the person (PRIV-3). */
const ERASED = 'erased';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The value at a dotted path of an object (no lists). */
function valueAt(doc: Json, path: string): unknown {
  return path.split('.').reduce<unknown>((v, part) => (isObject(v) ? v[part] : undefined), doc);
}

/** A copy of the object with `change` applied to the value at a dotted path (when the path exists). */
function changeAt(doc: Json, path: string, change: (value: unknown) => unknown): Json {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  if (!(head in doc)) return doc;
  if (rest.length === 0) return { ...doc, [head]: change(doc[head]) };
  const inner = doc[head];
  return isObject(inner) ? { ...doc, [head]: changeAt(inner, rest.join('.'), change) } : doc;
}

/** The subject's id made "erased", or taken out of a list of ids. */
const withoutSubject = (subject: string) => (value: unknown) =>
  Array.isArray(value) ? value.filter((v) => v !== subject) : value === subject ? ERASED : value;

function applyEntry(doc: Json, original: Json, entry: string, subject: string): Json {
  if (entry.includes('@')) {
    const [field, owner] = entry.split('@') as [string, string];
    if (valueAt(original, owner) !== subject || !(field in doc)) return doc;
    const { [field]: _removed, ...rest } = doc;
    return rest;
  }
  if (entry.endsWith('[]')) {
    const list = entry.slice(0, -2);
    return changeAt(doc, list, (value) =>
      Array.isArray(value) ? value.filter((element) => !(isObject(element) && Object.values(element).includes(subject))) : value,
    );
  }
  if (entry.includes('[].')) {
    const [list, field] = entry.split('[].') as [string, string];
    return changeAt(doc, list, (value) =>
      Array.isArray(value)
        ? value.map((element: unknown) => (isObject(element) ? changeAt(element, field, withoutSubject(subject)) : element))
        : value,
    );
  }
  return changeAt(doc, entry, withoutSubject(subject));
}

/**
 * PRIV-3: the document without the subject, as the registry's `anonymise` entries say (registry-types.ts), and with an
 * id that named the subject re-keyed to `pseudonym` (a keyed hash, so a repeated run makes the same id). Figures,
 * dates and everyone else in the document stay, so statistics and the school's records still add up.
 */
export function anonymiseDocument(spec: DocumentTypeSpec, doc: Json & { id: string }, subject: string, pseudonym: string): Json & { id: string } {
  let next: Json = doc;
  for (const entry of spec.anonymise ?? []) next = applyEntry(next, doc, entry, subject);
  return { ...next, id: doc.id.split(subject).join(pseudonym) };
}
