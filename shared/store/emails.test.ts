import { describe, expect, it } from 'vitest';

import { licencePeriod } from './dates.js';
import { invoiceEmail, licenceEndedEmail, noWithdrawalText, orderConfirmedEmail, orderDetails } from './emails.js';
import type { OrderDoc } from './model.js';
import { priceOrder } from './money.js';

const order = (language: 'et' | 'fi' | 'en'): OrderDoc =>
  ({
    id: 'ord-ABCDEFGH2345',
    type: 'order',
    accountId: 'acc-1',
    status: 'licence-active',
    buyer: { firstName: 'Mari', lastName: 'Mets', email: 'mari@example.com', country: 'EE', language },
    packageTitle: 'Matemaatika 5.–6. klass',
    lines: [
      { workId: 'w1', title: 'Matemaatika 5. klassile' },
      { workId: 'w2', title: 'Matemaatika 6. klassile' },
    ],
    licence: { ...licencePeriod('2026-09-01', 12), months: 12 },
    pricing: priceOrder(299, 12, 2400),
    paymentMethod: { type: 'banklink', bank: 'seb' },
    invoice: {
      number: '2026-00017',
      year: 2026,
      sequence: 17,
      issuedAt: '2026-08-20T10:00:00.000Z',
      dueDate: '2026-09-03',
      referenceNumber: '2026000176',
      seller: 'Star Cloud OÜ',
      iban: 'EE382200221020145685',
      payments: [],
    },
    transitions: [],
    refunds: [],
    flags: [],
  }) as unknown as OrderDoc;

const plain = (s: string) => s.replace(/\s/g, ' ');

describe('buyer e-mails (STORE-5, OPS-3)', () => {
  it('STORE-5: the transaction details name the order, works, period, price, VAT and payment method, in et, fi and en', () => {
    expect(plain(orderDetails(order('et'), 'et'))).toContain('Litsentsi kehtivus: 1. september 2026 – 31. august 2027 (12 kuud)');
    expect(plain(orderDetails(order('et'), 'et'))).toContain('Käibemaks 24 %: 6,94 €');
    expect(plain(orderDetails(order('fi'), 'fi'))).toContain('Arvonlisävero 24 %: 6,94 €');
    expect(orderDetails(order('en'), 'en')).toContain('Payment method: bank link (seb)');
    for (const language of ['et', 'fi', 'en'] as const) {
      const mail = orderConfirmedEmail(order(language));
      expect(mail).toMatchObject({ to: 'mari@example.com', category: 'transaction' });
      expect(mail.subject).toContain('ord-ABCDEFGH2345');
      for (const part of ['ord-ABCDEFGH2345', 'Matemaatika 6. klassile', '35,88', '28,94'].map((p) => (language === 'en' ? p.replace(',', '.') : p)))
        expect(plain(mail.text), `${language}: ${part}`).toContain(part);
      expect(noWithdrawalText[language].length).toBeGreaterThan(40);
    }
  });

  it('STORE-3: the invoice e-mail gives number, seller, account, reference number, amount and due date', () => {
    const mail = invoiceEmail(order('et'));
    expect(mail.subject).toBe('Opiq: ettemaksuarve nr 2026-00017');
    for (const part of ['Star Cloud OÜ', 'EE382200221020145685', 'Viitenumber: 2026000176', 'Summa: 35,88 €', 'Maksetähtaeg: 3. september 2026'])
      expect(plain(mail.text)).toContain(part);
  });

  it('STORE-6: the licence-ended e-mail says why and what is refunded; nothing about money when nothing was paid', () => {
    const refunded = licenceEndedEmail(order('en'), {
      workTitles: ['Matemaatika 5. klassile'],
      reason: 'work-withdrawn',
      paid: true,
      refund: { amountCents: 1234, method: 'maksekeskus' },
    });
    expect(refunded.text).toContain('the publisher stopped distributing the work');
    expect(refunded.text).toContain('We refund €12.34 to the means of payment you used.');
    const offset = licenceEndedEmail(order('fi'), {
      workTitles: ['x'],
      reason: 'cannot-fulfil',
      paid: true,
      refund: { amountCents: 500, method: 'offset' },
    });
    expect(plain(offset.text)).toContain('hyvitämme 5,00 €');
    const none = licenceEndedEmail(order('et'), { workTitles: ['x'], reason: 'terms-breach', paid: true });
    expect(none.text).toContain('Tasutud summat ei tagastata.');
    const unpaid = licenceEndedEmail(order('et'), { workTitles: ['x'], reason: 'terms-breach', paid: false });
    expect(unpaid.text).not.toMatch(/tagasta|summa/i);
  });
});
