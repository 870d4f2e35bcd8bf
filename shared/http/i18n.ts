import { defaultLanguage, type Language, languages } from '../platform/language.js';

export { defaultLanguage, type Language, languages } from '../platform/language.js';

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

/** Whether Accept-Language names one of our languages at all ("*" or "de" does not: the site's language may apply). */
export const namesOurLanguage = (acceptLanguage: string | null | undefined): boolean =>
  (acceptLanguage ?? '')
    .split(',')
    .map((part) => part.trim().split(';')[0]!.toLowerCase().split('-')[0])
    .some((primary) => (languages as readonly string[]).includes(primary!));
