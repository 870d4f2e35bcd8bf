import type { Language } from '../platform/language.js';
import type { ConsentPurpose } from './catalogue.js';

/**
 * The small self-contained pages of the unsubscribe link (MKT-1, PRIV-6). The link in a message leads to the API
 * itself, so the answer is a page, not JSON. GET only shows what the button will do (mail scanners open links), the
 * button POSTs the RFC 8058 one-click body to the same address, and only that POST withdraws.
 */
interface Words {
  purposes: Record<ConsentPurpose, string>;
  ask: string;
  already: string;
  button: string;
  doneTitle: string;
  done: string;
  settings: string;
}

const words: Record<Language, Words> = {
  et: {
    purposes: { newsletter: 'Opiqi uudiskiri ja pakkumised', productResearch: 'kutsed Opiqi küsitlustesse ja kasutajauuringutesse' },
    ask: 'Kas soovid loobuda? Vajuta nuppu: nõusolek võetakse kohe tagasi.',
    already: 'Oled sellest juba loobunud. Nupp ei muuda midagi.',
    button: 'Loobu',
    doneTitle: 'Tellimusest loobutud',
    done: 'Sa ei saa meilt enam neid kirju.',
    settings: 'Nõusolekuid saad muuta oma konto seadetes.',
  },
  fi: {
    purposes: { newsletter: 'Opiqin uutiskirje ja tarjoukset', productResearch: 'kutsut Opiqin kyselyihin ja käyttäjätutkimuksiin' },
    ask: 'Haluatko perua tilauksen? Paina painiketta: suostumus perutaan heti.',
    already: 'Olet jo perunut tämän. Painike ei muuta mitään.',
    button: 'Peru tilaus',
    doneTitle: 'Tilaus peruttu',
    done: 'Et saa meiltä enää näitä viestejä.',
    settings: 'Voit muuttaa suostumuksiasi tilisi asetuksissa.',
  },
  en: {
    purposes: { newsletter: "Opiq's newsletter and offers", productResearch: 'invitations to Opiq surveys and user research' },
    ask: 'Do you want to unsubscribe? Press the button: your consent is withdrawn at once.',
    already: 'You have already unsubscribed from this. The button changes nothing.',
    button: 'Unsubscribe',
    doneTitle: 'Unsubscribed',
    done: 'You will not get these messages from us any more.',
    settings: 'You can change your consents in your account settings.',
  },
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const document = (language: Language, title: string, body: string) =>
  `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
  `<title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

/** What the button will do; `given` false says nothing is left to withdraw. The form posts the one-click body. */
export function unsubscribeQuestionPage(language: Language, purpose: ConsentPurpose, token: string, given: boolean): string {
  const w = words[language];
  const action = `?token=${encodeURIComponent(token)}`;
  return document(
    language,
    w.purposes[purpose],
    `<p>${escapeHtml(given ? w.ask : w.already)}</p>` +
      `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click">` +
      `<button type="submit">${escapeHtml(w.button)}</button></form><p>${escapeHtml(w.settings)}</p>`,
  );
}

export function unsubscribedPage(language: Language): string {
  const w = words[language];
  return document(language, w.doneTitle, `<p>${escapeHtml(w.done)}</p><p>${escapeHtml(w.settings)}</p>`);
}

/** The page may post its one form to this API and load nothing at all. */
export const UNSUBSCRIBE_PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};
