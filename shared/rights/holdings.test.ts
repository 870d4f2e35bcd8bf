import { describe, expect, it } from 'vitest';

import type { AccountDoc } from '../accounts/index.js';
import type { Services } from '../platform/services.js';
import { holdingsOf } from './holdings.js';

const account = (fields: Partial<AccountDoc> = {}): AccountDoc => ({
  id: 'acc-h',
  type: 'account',
  accountId: 'acc-h',
  firstName: 'H',
  lastName: 'L',
  language: 'et',
  country: 'EE',
  status: 'active',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...fields,
});

/** A store whose `accounts` partition holds these types (each name once per document) and whose `orders` one is empty. */
function storeWith(types: string[]): Pick<Services, 'db' | 'config'> {
  const asked: string[] = [];
  const db = {
    collection: (name: string) => ({
      typesIn: async (partitionKey: string) => {
        asked.push(`${name}/${partitionKey}`);
        return { types: name === 'accounts' ? types : [], complete: true };
      },
    }),
  };
  const config = {
    PUBLIC_WEB_URL: 'https://www.opiq.ee',
    PUBLIC_WEB_URL_FI: 'https://www.opiq.fi',
    EMAIL_FROM: 'noreply@opiq.ee',
    INVOICE_SELLER: 'Star Cloud OÜ',
  };
  return { db: db as unknown as Services['db'], config: config as Services['config'] };
}

const category = (view: Awaited<ReturnType<typeof holdingsOf>>, name: string) => view.categories.find((c) => c.category === name)!;

describe('PRIV-1: what we hold, from the registry', () => {
  it('PRIV-1: held, not held and not counted are told apart; counts come from the types in the partition', async () => {
    const view = await holdingsOf(storeWith(['account', 'login-log', 'login-log', 'support-request']), account(), 'en', ['accounts', 'orders']);
    expect(category(view, 'security-log')).toMatchObject({ holdsData: true });
    expect(category(view, 'security-log').documentTypes.find((d) => d.type === 'login-log')!.count).toBe(2);
    expect(category(view, 'support').holdsData).toBe(true);
    // Orders were counted (none) and so were the account partition's entitlements: no accounting data.
    expect(category(view, 'accounting').documentTypes.find((d) => d.type === 'order')!.count).toBe(0);
    // Study history lives only in the history container, which this view does not count.
    expect(category(view, 'study-history').holdsData).toBeNull();
    // Consent events (PRIV-6) and mailing deliveries (MKT-1) hold marketing data in the person's own partition: counted, none here.
    expect(category(view, 'marketing')).toMatchObject({ holdsData: false });
    expect(category(view, 'marketing').documentTypes.map((d) => d.type)).toEqual(['consent-event', 'mailing-delivery']);
    expect(view.counted).toEqual(['accounts', 'orders']);
  });

  it('PRIV-1: retention, lawful basis and names in the asked language', async () => {
    const et = await holdingsOf(storeWith([]), account(), 'et', ['accounts']);
    expect(category(et, 'accounting').retention).toContain('7 aastat pluss jooksev majandusaasta');
    expect(category(et, 'security-log').retention).toContain('1827 päeva viimasest muudatusest');
    expect(category(et, 'identification').lawfulBases).toContainEqual({ basis: 'contract', name: 'leping' });
    const fi = await holdingsOf(storeWith([]), account(), 'fi', ['accounts']);
    expect(category(fi, 'identification').retention).toContain('kunnes tili poistetaan');
  });

  it('PRIV-1: recipients are the processors that get the category; sign-in providers only when linked; E-Oppi Oy for Finnish accounts', async () => {
    const estonian = await holdingsOf(storeWith([]), account(), 'en', ['accounts']);
    expect(category(estonian, 'authentication').recipients).toEqual(['microsoft-azure']);
    expect(category(estonian, 'accounting').recipients).toEqual(['microsoft-azure', 'maksekeskus']);
    expect(category(estonian, 'contact').recipients).toEqual(['microsoft-azure', 'sendgrid']);
    const finnish = await holdingsOf(
      storeWith([]),
      account({ country: 'FI', logins: [{ id: 'mpassid:x', provider: 'mpassid', linkedAt: '2026-01-01T00:00:00.000Z' }] }),
      'en',
      ['accounts'],
    );
    expect(category(finnish, 'authentication').recipients).toEqual(['microsoft-azure', 'mpassid']);
    expect(category(finnish, 'contact').recipients).toEqual(['microsoft-azure', 'sendgrid', 'e-oppi', 'mpassid']);
    expect(finnish.processors.map((p) => p.id)).not.toContain('google');
  });

  it('OPS-3: the controller, the operator and the authority follow the account country, in the asked language', async () => {
    const finnish = await holdingsOf(storeWith([]), account({ country: 'FI' }), 'et', ['accounts']);
    expect(finnish.country).toMatchObject({
      country: 'FI',
      site: 'https://www.opiq.fi',
      controller: { name: 'Star Cloud OÜ', registryCode: '12731921' },
      operator: { name: 'E-Oppi Oy' },
      authority: { name: 'Soome andmekaitsevolinik (Tietosuojavaltuutetun toimisto)', email: 'tietosuoja@om.fi' },
    });
    expect(finnish.country.summary).toContain('teenust osutab sinu riigis E-Oppi Oy');
    const estonian = await holdingsOf(storeWith([]), account(), 'fi', ['accounts']);
    expect(estonian.country).toMatchObject({
      country: 'EE',
      site: 'https://www.opiq.ee',
      operator: { name: 'Star Cloud OÜ' },
      authority: { name: 'Viron tietosuojavirasto (Andmekaitse Inspektsioon)', url: 'https://www.aki.ee' },
    });
    expect(estonian.country.summary).not.toContain('E-Oppi');
  });
});
