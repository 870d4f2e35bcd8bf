import type { Language } from '../platform/language.js';

/**
 * PRIV-6, MKT-1: what a person may consent to, with versioned texts in et, fi and en. A new wording is a new version
 * (appended, never edited), so every recorded consent names the exact text the person saw.
 */
export const consentPurposes = ['newsletter', 'productResearch'] as const;
export type ConsentPurpose = (typeof consentPurposes)[number];

interface ConsentText {
  version: string;
  text: Record<Language, string>;
}

interface PurposeSpec {
  /** Direct marketing (MKT-1): also stopped by an objection to direct marketing and by restriction (PRIV-4). */
  marketing: boolean;
  /** Oldest first; the last is the one shown now. */
  versions: [ConsentText, ...ConsentText[]];
}

export const consentCatalogue: Record<ConsentPurpose, PurposeSpec> = {
  newsletter: {
    marketing: true,
    versions: [
      {
        version: '2026-01',
        text: {
          et: 'Soovin saada e-posti teel Opiqi uudiskirja ja pakkumisi Opiqi enda toodete kohta. Saan nõusoleku igal ajal tagasi võtta seadetes või iga kirja lõpus oleva lingiga.',
          fi: 'Haluan saada sähköpostitse Opiqin uutiskirjeen ja tarjouksia Opiqin omista tuotteista. Voin perua suostumuksen milloin tahansa asetuksissa tai jokaisen viestin lopussa olevasta linkistä.',
          en: "I want to receive Opiq's newsletter and offers about Opiq's own products by e-mail. I can withdraw this consent at any time in settings or with the link at the end of every message.",
        },
      },
    ],
  },
  productResearch: {
    marketing: false,
    versions: [
      {
        version: '2026-01',
        text: {
          et: 'Mind võib kutsuda osalema Opiqi arendamise küsitlustes ja kasutajauuringutes. Osalemine on vabatahtlik ja nõusoleku saan igal ajal tagasi võtta.',
          fi: 'Minut saa kutsua osallistumaan Opiqin kehittämistä koskeviin kyselyihin ja käyttäjätutkimuksiin. Osallistuminen on vapaaehtoista, ja voin perua suostumuksen milloin tahansa.',
          en: 'I may be invited to surveys and user research that help develop Opiq. Taking part is voluntary and I can withdraw this consent at any time.',
        },
      },
    ],
  },
};

export const currentText = (purpose: ConsentPurpose): ConsentText => consentCatalogue[purpose].versions.at(-1)!;
