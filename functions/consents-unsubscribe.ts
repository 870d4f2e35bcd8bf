import { z } from 'zod';

import { openUnsubscribeToken, setConsent } from '../shared/consents/index.js';
import { defineHttp, ok, responds } from '../shared/http/index.js';
import { isAppError } from '../shared/platform/errors.js';
import type { Language } from '../shared/platform/language.js';

const page: Record<Language, { title: string; done: string; settings: string }> = {
  et: { title: 'Tellimusest loobutud', done: 'Sa ei saa meilt enam neid kirju.', settings: 'Nõusolekuid saad muuta oma konto seadetes.' },
  fi: { title: 'Tilaus peruttu', done: 'Et saa meiltä enää näitä viestejä.', settings: 'Voit muuttaa suostumuksiasi tilisi asetuksissa.' },
  en: {
    title: 'Unsubscribed',
    done: 'You will not get these messages from us any more.',
    settings: 'You can change your consents in your account settings.',
  },
};

const html = (language: Language) =>
  `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${page[language].title}</title></head>` +
  `<body><h1>${page[language].title}</h1><p>${page[language].done}</p><p>${page[language].settings}</p></body></html>`;

export default defineHttp({
  name: 'consents-unsubscribe',
  route: 'unsubscribe',
  methods: ['GET', 'POST'],
  summary:
    "The unsubscribe link of a marketing e-mail (MKT-1, PRIV-6): withdraws that person's consent to that purpose at once, without signing in. GET is the link in the message; POST is RFC 8058 one-click (List-Unsubscribe-Post: List-Unsubscribe=One-Click), whose body is ignored. Idempotent. A token that is not whole is 400 unsubscribe_link_invalid, one we did not sign 403 unsubscribe_link_forged.",
  tags: ['privacy'],
  auth: 'public',
  query: z.object({ token: z.string().min(1).max(400) }),
  output: responds.file('text/html'),
  errors: ['unsubscribe_link_invalid', 'unsubscribe_link_forged'],
  handler: async ({ query, services, language }) => {
    const { accountId, purpose } = openUnsubscribeToken(services.config.SESSION_SIGNING_KEYS, query.token);
    try {
      await setConsent(services, { accountId, purpose, given: false, channel: 'unsubscribe-link', by: accountId });
    } catch (error) {
      // An account that is gone has no consent left to withdraw: the answer is the same.
      if (!isAppError(error, 'account_not_found')) throw error;
    }
    return ok(html(language), { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
  },
});
