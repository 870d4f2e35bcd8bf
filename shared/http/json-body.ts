import { HttpError } from './errors.js';

/**
 * JSON bodies are read strictly (issue 9, defect 11): JSON.parse keeps the last of duplicate keys, so
 * `{"acknowledgeNoWithdrawal": false, "acknowledgeNoWithdrawal": true}` would mean whatever the reader picks; such a
 * body is refused with 400 rather than guessed at. Text must be well-formed: invalid UTF-8 and lone surrogates
 * (`"\ud800"`, which cannot be stored or e-mailed faithfully) are a 400 too.
 */
export function parseJsonStrictly(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, 'invalid_text');
  }
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'malformed_json');
  }
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== undefined)
    throw new HttpError(400, 'duplicate_json_key', { key: duplicate.slice(0, 60) }, [{ path: duplicate.slice(0, 60), issue: 'duplicate key' }]);
  if (hasLoneSurrogate(value)) throw new HttpError(400, 'invalid_text');
  return value;
}

/** Form bodies (payment callbacks): a field sent twice is as ambiguous as a duplicate JSON key. */
export function parseFormStrictly(text: string): Record<string, string> {
  const params = new URLSearchParams(text);
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (seen.has(key))
      throw new HttpError(400, 'duplicate_json_key', { key: key.slice(0, 60) }, [{ path: key.slice(0, 60), issue: 'duplicate key' }]);
    seen.add(key);
  }
  const form = Object.fromEntries(params);
  if (hasLoneSurrogate(form)) throw new HttpError(400, 'invalid_text');
  return form;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => LONE_SURROGATE.test(k) || hasLoneSurrogate(v));
  return false;
}

/** The first key that appears twice in one object of a (valid) JSON text, compared after unescaping. */
export function firstDuplicateKey(text: string): string | undefined {
  const stack: (Set<string> | undefined)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') stack.push(new Set());
    else if (c === '[') stack.push(undefined);
    else if (c === '}' || c === ']') stack.pop();
    else if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const literal = text.slice(i, end + 1);
      i = end;
      const keys = stack[stack.length - 1];
      if (!keys) continue;
      let next = end + 1;
      while (next < text.length && /\s/.test(text[next]!)) next++;
      if (text[next] !== ':') continue;
      const key = JSON.parse(literal) as string;
      if (keys.has(key)) return key;
      keys.add(key);
    }
  }
  return undefined;
}
