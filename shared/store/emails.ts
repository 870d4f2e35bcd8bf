import type { EmailMessage } from '../platform/email.js';
import type { Language } from '../platform/language.js';
import { addDays, localDate } from './dates.js';
import type { OrderDoc, PaymentMethod } from './model.js';
import { formatEuro, formatPercent } from './money.js';

/** STORE-7: what the buyer acknowledges at checkout, stored on the order word for word. */
export const noWithdrawalText: Record<Language, string> = {
  et: 'Kinnitan, et tean: võlaõigusseaduse § 53 lg 4 p 7¹ järgi ei ole digitaalse sisu ostul, mida ei toimetata kätte füüsilisel andmekandjal, taganemisõigust.',
  fi: 'Vahvistan tietäväni, että digitaalisen sisällön ostolla, jota ei toimiteta fyysisellä tallenteella, ei ole peruuttamisoikeutta (Viron velvoiteoikeuslain 53 §:n 4 momentin 7¹ kohta).',
  en: 'I acknowledge that there is no right of withdrawal for digital content not supplied on a tangible medium (Estonian Law of Obligations Act § 53(4) p 7¹).',
};

const locales: Record<Language, string> = { et: 'et-EE', fi: 'fi-FI', en: 'en-GB' };

function formatDate(date: string, language: Language): string {
  return new Intl.DateTimeFormat(locales[language], { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

const methodLabel: Record<Language, (m: PaymentMethod) => string> = {
  et: (m) => (m.type === 'banklink' ? `pangalink (${m.bank})` : m.type === 'card' ? 'kaardimakse' : 'ettemaksuarve'),
  fi: (m) => (m.type === 'banklink' ? `verkkopankki (${m.bank})` : m.type === 'card' ? 'korttimaksu' : 'ennakkolasku'),
  en: (m) => (m.type === 'banklink' ? `bank link (${m.bank})` : m.type === 'card' ? 'card' : 'prepayment invoice'),
};

const labels = {
  et: {
    order: 'Tellimus',
    package: 'Pakett',
    works: 'Teosed',
    period: 'Litsentsi kehtivus',
    months: 'kuud',
    unit: 'Kuu hind',
    net: 'Hind käibemaksuta',
    vat: 'Käibemaks',
    total: 'Kokku',
    method: 'Makseviis',
    paidAt: 'Makstud',
  },
  fi: {
    order: 'Tilaus',
    package: 'Paketti',
    works: 'Teokset',
    period: 'Lisenssin voimassaolo',
    months: 'kk',
    unit: 'Kuukausihinta',
    net: 'Hinta ilman arvonlisäveroa',
    vat: 'Arvonlisävero',
    total: 'Yhteensä',
    method: 'Maksutapa',
    paidAt: 'Maksettu',
  },
  en: {
    order: 'Order',
    package: 'Package',
    works: 'Works',
    period: 'Licence period',
    months: 'months',
    unit: 'Price per month',
    net: 'Price without VAT',
    vat: 'VAT',
    total: 'Total',
    method: 'Payment method',
    paidAt: 'Paid',
  },
} as const;

/** The order's details in the buyer's language: order, works, period, price, VAT, payment method (STORE-5). */
export function orderDetails(order: OrderDoc, language: Language): string {
  const l = labels[language];
  const p = order.pricing;
  const lastDay = addDays(order.licence.endDate, -1);
  return [
    `${l.order}: ${order.id}`,
    `${l.package}: ${order.packageTitle}`,
    `${l.works}: ${order.lines
      .filter((line) => !line.endedAt)
      .map((line) => line.title)
      .join('; ')}`,
    `${l.period}: ${formatDate(order.licence.startDate, language)} – ${formatDate(lastDay, language)} (${p.months} ${l.months})`,
    `${l.unit}: ${formatEuro(p.unitPriceCents, language)}`,
    `${l.net}: ${formatEuro(p.netCents, language)}`,
    `${l.vat} ${formatPercent(p.vatRateBasisPoints, language)}: ${formatEuro(p.vatCents, language)}`,
    `${l.total}: ${formatEuro(p.grossCents, language)}`,
    `${l.method}: ${methodLabel[language](order.paymentMethod)}`,
  ].join('\n');
}

const noWithdrawalNote: Record<Language, string> = {
  et: 'Digitaalse sisu ostul taganemisõigust ei ole (VÕS § 53 lg 4 p 7¹); kinnitasid selle tellimisel.',
  fi: 'Digitaalisen sisällön ostolla ei ole peruuttamisoikeutta; vahvistit tämän tilatessasi.',
  en: 'There is no right of withdrawal for digital content; you acknowledged this when ordering.',
};

/** STORE-5: sent once the payment is confirmed and the licence is granted. */
export function orderConfirmedEmail(order: OrderDoc): EmailMessage {
  const language = order.buyer.language;
  const name = order.buyer.firstName;
  const details = orderDetails(order, language);
  const texts: Record<Language, { subject: string; text: string }> = {
    et: {
      subject: `Opiq: tellimus ${order.id} on makstud`,
      text: `Tere, ${name}!\n\nAitäh! Makse on kätte saadud ja litsents on aktiveeritud valitud alguskuupäevast.\n\n${details}\n\n${noWithdrawalNote.et}`,
    },
    fi: {
      subject: `Opiq: tilaus ${order.id} on maksettu`,
      text: `Hei ${name}!\n\nKiitos! Maksu on vastaanotettu ja lisenssi on voimassa valitsemastasi alkamispäivästä.\n\n${details}\n\n${noWithdrawalNote.fi}`,
    },
    en: {
      subject: `Opiq: order ${order.id} is paid`,
      text: `Hello ${name},\n\nThank you! The payment was received and the licence is active from the start date you chose.\n\n${details}\n\n${noWithdrawalNote.en}`,
    },
  };
  return { to: order.buyer.email, category: 'transaction', ...texts[language], country: order.buyer.country, language };
}

/** STORE-3: the prepayment invoice. */
export function invoiceEmail(order: OrderDoc): EmailMessage {
  const invoice = order.invoice;
  if (!invoice) throw new Error('The order has no invoice');
  const language = order.buyer.language;
  const name = order.buyer.firstName;
  const details = orderDetails(order, language);
  const amount = formatEuro(order.pricing.grossCents, language);
  const due = formatDate(invoice.dueDate, language);
  const texts: Record<Language, { subject: string; text: string }> = {
    et: {
      subject: `Opiq: ettemaksuarve nr ${invoice.number}`,
      text:
        `Tere, ${name}!\n\nEttemaksuarve nr ${invoice.number} (${formatDate(localDate(new Date(invoice.issuedAt)), 'et')})\n` +
        `Müüja: ${invoice.seller}\nSaaja konto: ${invoice.iban}\nViitenumber: ${invoice.referenceNumber}\nSumma: ${amount}\nMaksetähtaeg: ${due}\n\n${details}\n\n` +
        `Litsents aktiveerub pärast raha laekumist, tellimuses valitud alguskuupäevast.\n${noWithdrawalNote.et}`,
    },
    fi: {
      subject: `Opiq: ennakkolasku nro ${invoice.number}`,
      text:
        `Hei ${name}!\n\nEnnakkolasku nro ${invoice.number} (${formatDate(localDate(new Date(invoice.issuedAt)), 'fi')})\n` +
        `Myyjä: ${invoice.seller}\nSaajan tili: ${invoice.iban}\nViitenumero: ${invoice.referenceNumber}\nSumma: ${amount}\nEräpäivä: ${due}\n\n${details}\n\n` +
        `Lisenssi on voimassa maksun saavuttua tilauksessa valitusta alkamispäivästä.\n${noWithdrawalNote.fi}`,
    },
    en: {
      subject: `Opiq: prepayment invoice no. ${invoice.number}`,
      text:
        `Hello ${name},\n\nPrepayment invoice no. ${invoice.number} (${formatDate(localDate(new Date(invoice.issuedAt)), 'en')})\n` +
        `Seller: ${invoice.seller}\nPay to: ${invoice.iban}\nReference number: ${invoice.referenceNumber}\nAmount: ${amount}\nDue: ${due}\n\n${details}\n\n` +
        `The licence becomes active once the money has arrived, from the start date chosen in the order.\n${noWithdrawalNote.en}`,
    },
  };
  return { to: order.buyer.email, category: 'transaction', ...texts[language], country: order.buyer.country, language };
}

export type EndReason = 'work-withdrawn' | 'terms-breach' | 'cannot-fulfil' | 'operator';

const reasons: Record<Language, Record<EndReason, string>> = {
  et: {
    'work-withdrawn': 'kirjastus lõpetas teose levitamise Opiqus',
    'terms-breach': 'teenuse kasutamise tingimusi rikuti',
    'cannot-fulfil': 'me ei saa tellimust täita',
    operator: 'teenuse haldaja lõpetas litsentsi',
  },
  fi: {
    'work-withdrawn': 'kustantaja lopetti teoksen jakelun Opiqissa',
    'terms-breach': 'palvelun käyttöehtoja rikottiin',
    'cannot-fulfil': 'emme voi toimittaa tilausta',
    operator: 'palvelun ylläpitäjä päätti lisenssin',
  },
  en: {
    'work-withdrawn': 'the publisher stopped distributing the work on Opiq',
    'terms-breach': 'the terms of use were broken',
    'cannot-fulfil': 'we cannot fulfil the order',
    operator: 'the operator ended the licence',
  },
};

/** STORE-6: the buyer is told when a licence ends early, and what is refunded or set off. */
export function licenceEndedEmail(
  order: OrderDoc,
  input: { workTitles: string[]; reason: EndReason; paid: boolean; refund?: { amountCents: number; method: 'maksekeskus' | 'offset' } },
): EmailMessage {
  const language = order.buyer.language;
  const name = order.buyer.firstName;
  const works = input.workTitles.join('; ');
  const why = reasons[language][input.reason];
  const refund = input.refund && input.refund.amountCents > 0 ? formatEuro(input.refund.amountCents, language) : undefined;
  const refundText: Record<Language, string> = {
    et: refund
      ? input.refund!.method === 'maksekeskus'
        ? `Tagastame ${refund} samale maksevahendile, millega maksid.`
        : `Tagastame või tasaarveldame ${refund}; võtame sinuga ühendust.`
      : 'Tasutud summat ei tagastata.',
    fi: refund
      ? input.refund!.method === 'maksekeskus'
        ? `Palautamme ${refund} samalle maksutavalle, jolla maksoit.`
        : `Palautamme tai hyvitämme ${refund}; otamme sinuun yhteyttä.`
      : 'Maksettua summaa ei palauteta.',
    en: refund
      ? input.refund!.method === 'maksekeskus'
        ? `We refund ${refund} to the means of payment you used.`
        : `We refund or set off ${refund}; we will contact you.`
      : 'The amount paid is not refunded.',
  };
  if (!input.paid) for (const language of ['et', 'fi', 'en'] as const) refundText[language] = '';
  const texts: Record<Language, { subject: string; text: string }> = {
    et: {
      subject: `Opiq: litsents lõppes (tellimus ${order.id})`,
      text: `Tere, ${name}!\n\nSinu litsents teostele „${works}“ lõppes, sest ${why}.${refundText.et ? `\n${refundText.et}` : ''}\n\nTellimus: ${order.id}`,
    },
    fi: {
      subject: `Opiq: lisenssi päättyi (tilaus ${order.id})`,
      text: `Hei ${name}!\n\nLisenssisi teoksiin ”${works}” päättyi, koska ${why}.${refundText.fi ? `\n${refundText.fi}` : ''}\n\nTilaus: ${order.id}`,
    },
    en: {
      subject: `Opiq: your licence has ended (order ${order.id})`,
      text: `Hello ${name},\n\nYour licence to “${works}” has ended because ${why}.${refundText.en ? `\n${refundText.en}` : ''}\n\nOrder: ${order.id}`,
    },
  };
  return { to: order.buyer.email, category: 'transaction', ...texts[language], country: order.buyer.country, language };
}
