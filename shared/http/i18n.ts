import type { ErrorCode } from '../platform/errors.js';
import { defaultLanguage, type Language, languages } from '../platform/language.js';
import { errorText } from './error-catalogue.js';

export { defaultLanguage, type Language, languages } from '../platform/language.js';

/**
 * An error code's text in `language`, `{name}` placeholders filled from `params`. The texts live in each area's
 * catalogue (shared/http/error-catalogue.ts lists them); a code without one does not compile.
 */
export function message(code: ErrorCode, language: Language, params: Record<string, string | number> = {}): string {
  return errorText(code, language, params);
}

/** Picks et, fi or en from an Accept-Language header by q-value; Estonian when nothing matches. */
export function negotiateLanguage(acceptLanguage: string | null | undefined): Language {
  if (!acceptLanguage) return defaultLanguage;
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = q ? Number(q.slice(2)) : 1;
      return { primary: tag.toLowerCase().split('-')[0] ?? '', quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((r) => r.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { primary } of ranked) if ((languages as readonly string[]).includes(primary)) return primary as Language;
  return defaultLanguage;
}
