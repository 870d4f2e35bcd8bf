import { defaultLanguage, type Language, languages } from '../platform/language.js';
import { errorCatalogue } from './error-catalogue.js';

export { defaultLanguage, type Language, languages } from '../platform/language.js';

type Messages = Record<Language, string>;

/**
 * Error messages by code. `{name}` placeholders are filled from the error's params. Codes are stable API; the texts
 * are for people. Areas add their own codes with `registerMessages`.
 */
const catalogue: Record<string, Messages> = {
  not_found: {
    et: 'Sellist aadressi ei ole.',
    fi: 'Osoitetta ei löydy.',
    en: 'There is no such address.',
  },
  method_not_allowed: {
    et: 'See aadress ei toeta meetodit {method}.',
    fi: 'Tämä osoite ei tue metodia {method}.',
    en: 'This address does not support the method {method}.',
  },
  malformed_json: {
    et: 'Päringu sisu ei ole korrektne JSON.',
    fi: 'Pyynnön sisältö ei ole kelvollista JSONia.',
    en: 'The request body is not valid JSON.',
  },
  unsupported_media_type: {
    et: 'Päringu sisu tüüp peab olema {expected}.',
    fi: 'Pyynnön sisällön tyypin on oltava {expected}.',
    en: 'The request body must be {expected}.',
  },
  payload_too_large: {
    et: 'Päringu sisu on liiga suur (lubatud kuni {limit} baiti).',
    fi: 'Pyynnön sisältö on liian suuri (enintään {limit} tavua).',
    en: 'The request body is too large (at most {limit} bytes).',
  },
  invalid_parameter: {
    et: 'Aadressi osa on vigane.',
    fi: 'Osoitteen osa on virheellinen.',
    en: 'A part of the address is invalid.',
  },
  invalid_query: {
    et: 'Päringu parameetrid on vigased.',
    fi: 'Kyselyn parametrit ovat virheellisiä.',
    en: 'The query parameters are invalid.',
  },
  validation_failed: {
    et: 'Päringu andmed on vigased.',
    fi: 'Pyynnön tiedot ovat virheellisiä.',
    en: 'The request data is invalid.',
  },
  unauthenticated: {
    et: 'Palun logi sisse.',
    fi: 'Kirjaudu sisään.',
    en: 'Please sign in.',
  },
  session_expired: {
    et: 'Sessioon on aegunud. Palun logi uuesti sisse.',
    fi: 'Istunto on vanhentunut. Kirjaudu uudelleen.',
    en: 'Your session has expired. Please sign in again.',
  },
  csrf_failed: {
    et: 'Päringu kaitsekood puudub või ei sobi. Laadi leht uuesti.',
    fi: 'Pyynnön suojakoodi puuttuu tai ei täsmää. Lataa sivu uudelleen.',
    en: 'The request protection code is missing or does not match. Reload the page.',
  },
  forbidden: {
    et: 'Sul ei ole selleks õigust.',
    fi: 'Sinulla ei ole oikeutta tähän.',
    en: 'You are not allowed to do this.',
  },
  conflict: {
    et: 'Andmeid muudeti vahepeal. Proovi uuesti.',
    fi: 'Tietoja muutettiin välillä. Yritä uudelleen.',
    en: 'The data was changed in the meantime. Please try again.',
  },
  already_exists: {
    et: 'See on juba olemas.',
    fi: 'Tämä on jo olemassa.',
    en: 'This already exists.',
  },
  internal_error: {
    et: 'Tekkis ootamatu viga. Palun proovi hiljem uuesti; pöördumisel maini koodi {correlationId}.',
    fi: 'Tapahtui odottamaton virhe. Yritä myöhemmin uudelleen; mainitse yhteydenotossa koodi {correlationId}.',
    en: 'An unexpected error occurred. Please try again later; quote the code {correlationId} if you contact us.',
  },
  service_unavailable: {
    et: 'Teenus ei ole hetkel kättesaadav.',
    fi: 'Palvelu ei ole juuri nyt käytettävissä.',
    en: 'The service is not available at the moment.',
  },
  account_not_found: {
    et: 'Kontot ei leitud.',
    fi: 'Tiliä ei löytynyt.',
    en: 'The account was not found.',
  },
};

export function registerMessages(messages: Record<string, Messages>): void {
  for (const [code, texts] of Object.entries(messages)) {
    if (catalogue[code]) throw new Error(`Message code ${code} is registered twice`);
    catalogue[code] = texts;
  }
}

export function hasMessage(code: string): boolean {
  return code in catalogue || code in errorCatalogue;
}

/** Every message code known so far (the catalogue plus what areas registered): tests check each has all languages. */
export function messageCodes(): string[] {
  return [...Object.keys(catalogue), ...Object.keys(errorCatalogue)];
}

export function message(code: string, language: Language, params: Record<string, string | number> = {}): string {
  const texts = catalogue[code] ?? (errorCatalogue as Record<string, { text: Messages } | undefined>)[code]?.text ?? catalogue.internal_error!;
  return texts[language].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
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
