import { queueEmail } from '../messaging/index.js';
import type { Country } from '../platform/countries.js';
import { keyedId } from '../platform/idempotency.js';
import type { Language } from '../platform/language.js';
import type { Services } from '../platform/services.js';
import { effectiveDueAt, type RequestState, type RequestType, type RightsRequestDoc } from './model.js';

/** Names of request types and states in the platform's languages (OPS-3). */
const typeNames: Record<RequestType, Record<Language, string>> = {
  access: { et: 'andmetega tutvumine', fi: 'tietojen tarkastaminen', en: 'access' },
  export: { et: 'andmete ülekandmine', fi: 'tietojen siirtäminen', en: 'data export' },
  erasure: { et: 'andmete kustutamine', fi: 'tietojen poistaminen', en: 'erasure' },
  restriction: { et: 'töötlemise piiramine', fi: 'käsittelyn rajoittaminen', en: 'restriction' },
  objection: { et: 'vastuväide', fi: 'vastustaminen', en: 'objection' },
  rectification: { et: 'andmete parandamine', fi: 'tietojen oikaiseminen', en: 'rectification' },
  'consent-withdrawal': { et: 'nõusoleku tagasivõtmine', fi: 'suostumuksen peruuttaminen', en: 'consent withdrawal' },
  'account-closure': { et: 'konto sulgemine', fi: 'tilin sulkeminen', en: 'account closure' },
  other: { et: 'muu taotlus', fi: 'muu pyyntö', en: 'other request' },
};

const stateNames: Record<RequestState, Record<Language, string>> = {
  received: { et: 'vastu võetud', fi: 'vastaanotettu', en: 'received' },
  verifying: { et: 'isikut kontrollitakse', fi: 'henkilöllisyyttä tarkistetaan', en: 'verifying identity' },
  'waiting-for-school': { et: 'ootab kooli otsust', fi: 'odottaa koulun päätöstä', en: 'waiting for the school' },
  processing: { et: 'täitmisel', fi: 'käsittelyssä', en: 'processing' },
  done: { et: 'täidetud', fi: 'valmis', en: 'done' },
  rejected: { et: 'tagasi lükatud', fi: 'hylätty', en: 'rejected' },
  cancelled: { et: 'tühistatud', fi: 'peruttu', en: 'cancelled' },
};

const day = (iso: string) => iso.slice(0, 10);

const requesterTexts = {
  state: {
    et: (t: string, s: string, due: string) => ({
      subject: `Sinu andmesubjekti taotlus: ${s}`,
      text: `Sinu taotlus (${t}) on nüüd olekus „${s}”. Vastame hiljemalt ${due}. Taotluse käiku näed Opiqis privaatsusseadete all.`,
    }),
    fi: (t: string, s: string, due: string) => ({
      subject: `Rekisteröidyn pyyntösi: ${s}`,
      text: `Pyyntösi (${t}) on nyt tilassa ”${s}”. Vastaamme viimeistään ${due}. Näet pyynnön vaiheen Opiqissa tietosuoja-asetuksissa.`,
    }),
    en: (t: string, s: string, due: string) => ({
      subject: `Your data-subject request: ${s}`,
      text: `Your ${t} request is now "${s}". We answer by ${due} at the latest. You can follow it in Opiq under your privacy settings.`,
    }),
  },
  extended: {
    et: (t: string, due: string, reason: string) => ({
      subject: 'Sinu andmesubjekti taotluse tähtaega pikendati',
      text: `Vastame sinu taotlusele (${t}) hiljemalt ${due}. Põhjus: ${reason}`,
    }),
    fi: (t: string, due: string, reason: string) => ({
      subject: 'Rekisteröidyn pyyntösi määräaikaa jatkettiin',
      text: `Vastaamme pyyntöösi (${t}) viimeistään ${due}. Syy: ${reason}`,
    }),
    en: (t: string, due: string, reason: string) => ({
      subject: 'The answer to your data-subject request is extended',
      text: `We answer your ${t} request by ${due} at the latest. Reason: ${reason}`,
    }),
  },
};

/** Tells the requester where their request stands (GDPR 12(3): an extension with its reason). */
export async function tellRequester(services: Pick<Services, 'bus'>, request: RightsRequestDoc, what: 'state' | 'extended'): Promise<void> {
  const contact = request.contact;
  if (!contact) return;
  const lang = contact.language;
  const type = typeNames[request.requestType][lang];
  const due = day(effectiveDueAt(request));
  const mail =
    what === 'extended'
      ? requesterTexts.extended[lang](type, due, request.extension?.reason ?? '')
      : requesterTexts.state[lang](type, stateNames[request.state][lang], due);
  const key = what === 'extended' ? `extended:${due}` : `state:${request.history.length}`;
  // Hashed: Service Bus message ids are at most 128 characters, and the address stays out of them.
  const reader = contact.country ? { country: contact.country, language: lang } : {};
  await queueEmail(services, { to: contact.email, category: 'service', ...mail, ...reader }, `rights:${keyedId(request.id, key)}`);
}

/** What the follow-up timer tells the school's administrators and the privacy officers; never who the request is about. */
export type FollowUpKind = 'forwarded' | 'reminder' | 'escalated';

const followUpTexts: Record<FollowUpKind, Record<Language, (t: string, due: string) => { subject: string; text: string }>> = {
  forwarded: {
    et: (t, due) => ({
      subject: 'Koolile edastati andmesubjekti taotlus',
      text: `Teie kooli õpilase andmete kohta on esitatud taotlus (${t}), mis ootab kooli otsust. Tähtaeg ${due}. Otsustage Opiqis: kool > andmesubjektide taotlused.`,
    }),
    fi: (t, due) => ({
      subject: 'Koululle välitettiin rekisteröidyn pyyntö',
      text: `Koulunne oppilaan tiedoista on tehty pyyntö (${t}), joka odottaa koulun päätöstä. Määräaika ${due}. Päättäkää Opiqissa: koulu > rekisteröityjen pyynnöt.`,
    }),
    en: (t, due) => ({
      subject: 'A data-subject request was forwarded to your school',
      text: `A ${t} request about a student of your school waits for the school's decision. Due ${due}. Decide in Opiq: school > data-subject requests.`,
    }),
  },
  reminder: {
    et: (t, due) => ({ subject: 'Andmesubjekti taotluse tähtaeg läheneb', text: `Taotlusele (${t}) tuleb vastata hiljemalt ${due}.` }),
    fi: (t, due) => ({ subject: 'Rekisteröidyn pyynnön määräaika lähestyy', text: `Pyyntöön (${t}) on vastattava viimeistään ${due}.` }),
    en: (t, due) => ({ subject: 'A data-subject request is due soon', text: `A ${t} request must be answered by ${due}.` }),
  },
  escalated: {
    et: (t, due) => ({
      subject: 'Andmesubjekti taotluse tähtaeg on möödas',
      text: `Taotlusele (${t}) ei vastatud tähtajaks ${due}. Taotlus on eskaleeritud.`,
    }),
    fi: (t, due) => ({
      subject: 'Rekisteröidyn pyynnön määräaika on ohi',
      text: `Pyyntöön (${t}) ei vastattu määräaikaan ${due} mennessä. Pyyntö on eskaloitu.`,
    }),
    en: (t, due) => ({ subject: 'A data-subject request is overdue', text: `A ${t} request was not answered by ${due}. It has been escalated.` }),
  },
};

export async function tellStaff(
  services: Pick<Services, 'bus'>,
  request: RightsRequestDoc,
  kind: FollowUpKind,
  to: { email: string; language: Language; country?: Country | undefined },
): Promise<void> {
  const due = day(effectiveDueAt(request));
  const mail = followUpTexts[kind][to.language](typeNames[request.requestType][to.language], due);
  const reader = to.country ? { country: to.country, language: to.language } : {};
  await queueEmail(
    services,
    { to: to.email, category: 'service', ...mail, ...reader },
    `rights:${keyedId(request.id, `${kind}:${due}:${to.email}`)}`,
  );
}
