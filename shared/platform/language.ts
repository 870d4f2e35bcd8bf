/** The languages the platform speaks (OPS-3): every text a person reads exists in each of them. */
export const languages = ['et', 'fi', 'en'] as const;
export type Language = (typeof languages)[number];
export const defaultLanguage: Language = 'et';

/** One text in every language. */
export type Texts = Record<Language, string>;
