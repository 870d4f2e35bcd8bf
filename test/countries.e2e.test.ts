import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';

import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { Browser } from '../shared/local/identity/browser.js';
import { demo } from '../shared/local/seed.js';
import { localDate } from '../shared/store/dates.js';
import { apiAt } from './helpers.js';

/**
 * OPS-3: two countries, each with its own site, sender, operator and supervisory authority. This file runs its own
 * host so the Finnish site and sender can be configured as in production (infra/main.bicepparam).
 */
let host: LocalHost;
const FI_SITE = 'https://www.opiq.fi';
const FI_SENDER = 'noreply@opiq.fi';
const FI_SELLER = 'E-Oppi Oy';

beforeAll(async () => {
  host = await startLocalHost({
    port: 0,
    sweepIntervalMs: 0,
    env: { PUBLIC_WEB_URL_FI: FI_SITE, EMAIL_FROM_FI: FI_SENDER, INVOICE_SELLER_FI: FI_SELLER },
  });
});
afterAll(async () => host?.close());

const call = apiAt(() => host.url);

async function tokenFor(accountId: string): Promise<string> {
  const response = await call('/_local/tokens', { method: 'POST', json: { accountId } });
  return response.body.accessToken as string;
}

/** The reset e-mail the person gets after asking for one; the message goes through the queue to the outbox. */
async function resetMailTo(email: string) {
  expect((await call('/api/auth/password/reset-request', { method: 'POST', json: { email } })).status).toBe(202);
  await host.bus.idle();
  const mail = host.outbox.messages.filter((m) => m.to === email).at(-1);
  expect(mail, `no e-mail to ${email}`).toBeDefined();
  return mail!;
}

describe('OPS-3: countries', () => {
  it('OPS-3: a Finnish user gets Finnish operator, authority and sender details in e-mails and in the what-we-hold view', async () => {
    const mail = await resetMailTo('aino.virtanen@koivula.example');
    expect(mail).toMatchObject({ from: FI_SENDER, fromName: 'Opiq (E-Oppi Oy)', country: 'FI', language: 'fi' });
    expect(mail.subject).toBe('Salasanan vaihtaminen');
    // The link opens the Finnish site; the footer names the operator, the privacy contact and the authority in Finnish.
    expect(mail.text).toContain(`${FI_SITE}/reset-password?token=`);
    expect(mail.text).toContain('Palvelun tarjoaa E-Oppi Oy, Star Cloud OÜ:n puolesta');
    expect(mail.text).toContain('Henkilötietoja koskevat kysymykset: info@starcloud.ee');
    expect(mail.text).toContain('Valvontaviranomainen: Tietosuojavaltuutetun toimisto (tietosuoja@om.fi, https://tietosuoja.fi)');
    expect(mail.text).not.toMatch(/Andmekaitse|aki\.ee/);

    const view = await call('/api/me/privacy/data', {
      token: await tokenFor(demo.accounts.fiTeacher),
      headers: { 'accept-language': 'fi-FI,fi;q=0.9' },
    });
    expect(view.status).toBe(200);
    expect(view.body.language).toBe('fi');
    expect(view.body.country).toEqual({
      country: 'FI',
      site: FI_SITE,
      controller: { name: 'Star Cloud OÜ', registryCode: '12731921', privacyContact: 'info@starcloud.ee', website: 'https://www.opiq.ee' },
      operator: { name: 'E-Oppi Oy', privacyContact: 'info@starcloud.ee', website: 'https://e-oppi.fi' },
      authority: { name: 'Tietosuojavaltuutetun toimisto', url: 'https://tietosuoja.fi', email: 'tietosuoja@om.fi' },
      summary:
        'Henkilötietojesi rekisterinpitäjä on Star Cloud OÜ; palvelun tarjoaa maassasi E-Oppi Oy. Kysymykset: info@starcloud.ee. Voit tehdä valituksen viranomaiselle Tietosuojavaltuutetun toimisto (tietosuoja@om.fi).',
    });
    expect(view.body.processors.map((p: { id: string }) => p.id)).toContain('e-oppi');
  });

  it('OPS-3: an Estonian user gets the Estonian operator, authority and sender; the same view reads in English when asked', async () => {
    const mail = await resetMailTo('tiina.saar@example.com');
    expect(mail).toMatchObject({ from: 'no-reply@opiq.example', fromName: 'Opiq (Star Cloud OÜ)', country: 'EE', language: 'et' });
    expect(mail.text).toContain(`${host.config.PUBLIC_WEB_URL}/reset-password?token=`);
    expect(mail.text).toContain('Teenust osutab Star Cloud OÜ, 12731921');
    expect(mail.text).toContain('Järelevalveasutus: Andmekaitse Inspektsioon (info@aki.ee, https://www.aki.ee)');
    expect(mail.text).not.toMatch(/E-Oppi|tietosuoja/i);

    const view = await call('/api/me/privacy/data', { token: await tokenFor(demo.accounts.eeParent), headers: { 'accept-language': 'en' } });
    expect(view.status).toBe(200);
    expect(view.body.country).toMatchObject({
      country: 'EE',
      operator: { name: 'Star Cloud OÜ', registryCode: '12731921' },
      authority: { name: 'Estonian Data Protection Inspectorate', url: 'https://www.aki.ee', email: 'info@aki.ee' },
    });
    expect(view.body.country.summary).toContain('You may complain to Estonian Data Protection Inspectorate');
    // Finland's own operator receives nothing about people of Estonia.
    expect(view.body.processors.map((p: { id: string }) => p.id)).not.toContain('e-oppi');
  });

  it("OPS-3: the sign-up notice 'you already have an account' to a Finnish user's address comes from the Finnish sender with the Finnish footer", async () => {
    const email = 'aino.virtanen@koivula.example';
    const signup = await call('/api/auth/password/signup', {
      method: 'POST',
      json: { email, password: 'a long enough passphrase 42', firstName: 'Aino', lastName: 'Virtanen', language: 'fi' },
    });
    expect(signup.status, JSON.stringify(signup.body)).toBe(202);
    await host.bus.idle();
    const notice = host.outbox.messages.filter((m) => m.to === email && m.category === 'security').at(-1);
    expect(notice).toMatchObject({ from: FI_SENDER, fromName: 'Opiq (E-Oppi Oy)', country: 'FI', language: 'fi' });
    expect(notice!.text).toContain('Palvelun tarjoaa E-Oppi Oy');
    // The reset link in it opens the Finnish site, like every other link a Finnish reader gets.
    expect(notice!.text).toContain(`${FI_SITE}/reset-password?token=`);
    expect(notice).not.toHaveProperty('readerAccountId');
  });

  it("OPS-3: CORS: a preflight from opiq.fi and one from the Estonian site are allowed with credentials; an unknown origin's is not", async () => {
    const preflight = (origin: string) =>
      fetch(`${host.url}/api/me`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    for (const origin of [FI_SITE, new URL(host.config.PUBLIC_WEB_URL).origin]) {
      const allowed = await preflight(origin);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
      expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    }
    const unknown = await preflight('https://opiq.example.org');
    expect(unknown.headers.get('access-control-allow-origin')).toBeNull();
    expect(unknown.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('OPS-3: an anonymous request from opiq.fi naming none of our languages is answered in Finnish; from elsewhere in the default Estonian', async () => {
    const login = (origin: string) => call('/api/auth/password/login', { method: 'POST', headers: { origin }, json: { email: 'not-an-address' } });
    const finnish = await login(FI_SITE);
    expect(finnish.status).toBe(422);
    expect(finnish.headers.get('content-language')).toBe('fi');
    const estonian = await login('https://opiq.example.org');
    expect(estonian.headers.get('content-language')).toBe('et');
    expect(finnish.body.error.message).not.toBe(estonian.body.error.message);
  });
});

/** A first-party sign-in with the local MPASSid stand-in, as a browser does it. */
async function signInWithMpassid(loginHint: string) {
  const browser = new Browser();
  const start = new URL(`${host.url}/api/auth/mpassid/login`);
  start.searchParams.set('loginHint', loginHint);
  start.searchParams.set('returnTo', '/');
  const callback = await browser.followUntil(start, `${host.url}/api/auth/mpassid/callback`);
  await browser.navigate(new URL(callback), { stopAt: host.config.PUBLIC_WEB_URL });
  const me = await browser.request(`${host.url}/api/me`);
  expect(me.status).toBe(200);
  return { browser, me: (await me.json()) as { id: string; country: string; schoolRoles: { schoolId: string; role: string }[] } };
}

/** The named entries of a zip, as text. */
function unzipTexts(buffer: Buffer, names: string[]): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, string>();
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!names.includes(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (err, stream) => {
          if (err) return reject(err);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('OPS-3: invoices', () => {
  it("OPS-3: a Finnish buyer's prepayment invoice names the Finnish seller and comes from the Finnish sender, in Finnish", async () => {
    const placed = await call('/api/store/orders', {
      method: 'POST',
      token: await tokenFor(demo.accounts.fiTeacher),
      json: {
        publisherId: demo.publishers.fi,
        packageId: 'package-fi-math-7',
        months: 1,
        // The shop's today is Tallinn's (from 22:00 UTC in winter it is already tomorrow there).
        startDate: localDate(host.clock.now()),
        paymentMethod: { type: 'invoice' },
        acknowledgeNoWithdrawal: true,
        requestId: `countries-invoice-${Date.now()}`,
      },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body.order.invoice).toMatchObject({ seller: FI_SELLER });
    await host.bus.idle();
    const mail = host.outbox.messages.find((m) => m.subject.includes(placed.body.order.invoice.number));
    expect(mail).toMatchObject({ to: 'aino.virtanen@koivula.example', from: FI_SENDER, country: 'FI', language: 'fi' });
    expect(mail!.text).toContain(`Myyjä: ${FI_SELLER}`);
    expect(mail!.text).toContain('Valvontaviranomainen: Tietosuojavaltuutetun toimisto');
  });
});

describe('OPS-3: exports', () => {
  it("OPS-3, PRIV-2: a Finnish user's export reads in Finnish and names the Finnish operator and authority", async () => {
    const token = await tokenFor(demo.accounts.fiTeacher);
    const started = await call('/api/me/privacy/exports', { method: 'POST', token });
    expect(started.status).toBe(202);
    await host.bus.idle();
    const ready = await call(`/api/me/privacy/exports/${encodeURIComponent(started.body.id)}`, { token });
    expect(ready.body.status).toBe('ready');
    const download = await fetch(`${host.url}${new URL(ready.body.download.url).pathname}`);
    expect(download.status).toBe(200);
    const files = await unzipTexts(Buffer.from(await download.arrayBuffer()), ['index.html', 'README.txt', 'pages/account.html', 'metadata.json']);
    // OPS-3, PRIV-2: what each record is, why and how long it is kept reads in Finnish, from the same tables as the notices.
    const metadata = JSON.parse(files.get('metadata.json')!);
    const account = metadata.types.find((t: { type: string }) => t.type === 'account');
    expect(metadata.language).toBe('fi');
    expect(account).toMatchObject({
      categories: expect.arrayContaining(['identification']),
      categoryNames: expect.arrayContaining(['Tunnistetiedot', 'Yhteystiedot']),
      lawfulBasis: 'sopimus',
    });
    expect(account.purpose).toContain('Käyttäjän tunnistaminen ja tilin ylläpito.');
    expect(account.description).toMatch(/^Sisältää: /);
    expect(account.fields.createdAt).toBe('Milloin se luotiin.');
    expect(JSON.stringify(metadata)).not.toMatch(/days after the last change|The record id|Part of the/);
    const index = files.get('index.html')!;
    expect(index).toContain('Käyttäjän tunnistaminen ja tilin ylläpito.');
    expect(files.get('pages/account.html')).toContain('Tunnistetiedot');
    expect(index).toContain('<html lang="fi">');
    expect(index).toContain('<h1>Tietosi Opiqissa</h1>');
    expect(index).toContain('<th>Palvelun tarjoaja maassasi</th><td>E-Oppi Oy, info@starcloud.ee</td>');
    expect(index).toContain('<th>Rekisterinpitäjä</th><td>Star Cloud OÜ, 12731921, info@starcloud.ee</td>');
    expect(index).toContain('Tietosuojavaltuutetun toimisto, tietosuoja@om.fi, tietosuoja.fi');
    // Still self-contained: nothing in it points outside the zip.
    expect(index).not.toMatch(/<script|https?:\/\//);
    expect(files.get('README.txt')).toMatch(/^Tietosi Opiqissa\./);
    expect(files.get('pages/account.html')).toContain('<a href="../index.html">Kaikki tietosi</a>');
    await host.bus.idle();
    const told = host.outbox.messages.filter((m) => m.to === 'aino.virtanen@koivula.example' && m.subject === 'Tietojesi vienti on valmis');
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ from: FI_SENDER, country: 'FI' });
  });
});

describe('OPS-3: MPASSid teachers get the role their school confirms', () => {
  const school = demo.schools.fi;

  it('OPS-3, ACC-2: a teacher of a school on the platform is asked about, not given the role; the administrator confirms; a second sign-in asks nothing new', async () => {
    const first = await signInWithMpassid('mikko.laine');
    expect(first.me).toMatchObject({ country: 'FI' });
    expect(first.me.schoolRoles).toEqual([]);
    await host.bus.idle();

    const admin = await tokenFor(demo.accounts.twoSchools);
    const pending = async () =>
      (
        (await call(`/api/schools/${school}/invitations?status=pending`, { token: admin })).body.invitations as {
          id: string;
          role: string;
          inviter: { firstName: string };
          claims?: { accountId: string; firstName: string; lastName: string }[];
        }[]
      ).filter((i) => i.claims?.some((c) => c.accountId === first.me.id));
    const requests = await pending();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ role: 'teacher', inviter: { firstName: 'MPASSid' }, claims: [{ firstName: 'Mikko', lastName: 'Laine' }] });
    // The school's administrators hear of it in the school's language, from the Finnish sender.
    const told = host.outbox.messages.filter((m) => m.to === 'helena.kaks@example.com' && m.subject === 'Opettaja odottaa vahvistusta (MPASSid)');
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ from: FI_SENDER, country: 'FI' });

    // Signing in again neither asks again nor gives the role.
    const again = await signInWithMpassid('mikko.laine');
    expect(again.me).toMatchObject({ id: first.me.id, schoolRoles: [] });
    expect(await pending()).toHaveLength(1);

    const confirmed = await call(`/api/schools/${school}/invitations/${encodeURIComponent(requests[0]!.id)}/claims/${first.me.id}/confirm`, {
      method: 'POST',
      token: admin,
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ schoolId: school, role: 'teacher' });
    const after = await signInWithMpassid('mikko.laine');
    expect(after.me.schoolRoles).toContainEqual(expect.objectContaining({ schoolId: school, role: 'teacher' }));
  });

  it("OPS-3: a second school listing an MPASSid code another school lists is 409; the school's own list may repeat it", async () => {
    const staff = await tokenFor(demo.accounts.operatorAdmin);
    const taken = await call(`/api/ops/schools/${demo.schools.ee}`, { method: 'PATCH', token: staff, json: { mpassidSchoolCodes: ['00001'] } });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('organisation_mpassid_code_taken');
    const own = await call(`/api/ops/schools/${school}`, { method: 'PATCH', token: staff, json: { mpassidSchoolCodes: ['00001'] } });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
  });

  it('OPS-3: a school that trusts MPASSid roles gives the teacher role at the first sign-in; a school code nobody listed gives nothing', async () => {
    const staff = await tokenFor(demo.accounts.operatorAdmin);
    // The school's administrator decides the trust; a teacher of the school cannot, nor can she change the codes.
    const teacher = await call(`/api/schools/${school}/mpassid`, {
      method: 'PUT',
      token: await tokenFor(demo.accounts.fiTeacher),
      json: { trustMpassidRoles: true },
    });
    expect(teacher.status).toBe(403);
    const admin = await tokenFor(demo.accounts.twoSchools);
    const codes = await call(`/api/schools/${school}/mpassid`, {
      method: 'PUT',
      token: admin,
      json: { trustMpassidRoles: true, mpassidSchoolCodes: ['99999'] },
    });
    expect(codes.status).toBe(422);
    const trust = await call(`/api/schools/${school}/mpassid`, { method: 'PUT', token: admin, json: { trustMpassidRoles: true } });
    expect(trust.status, JSON.stringify(trust.body)).toBe(200);
    expect(trust.body).toEqual({ schoolId: school, mpassidSchoolCodes: ['00001'], trustMpassidRoles: true });
    const trusted = await signInWithMpassid('liisa.makinen');
    expect(trusted.me.schoolRoles).toContainEqual(expect.objectContaining({ schoolId: school, role: 'teacher' }));
    await host.bus.idle();
    expect(host.outbox.messages.filter((m) => m.subject === 'Opettaja odottaa vahvistusta (MPASSid)')).toHaveLength(1);

    // Without a listed school code MPASSid's role is a hint only.
    const unlisted = await call(`/api/ops/schools/${school}`, { method: 'PATCH', token: staff, json: { mpassidSchoolCodes: [] } });
    expect(unlisted.status).toBe(200);
    const stranger = await signInWithMpassid('aino.virtanen');
    expect(stranger.me.schoolRoles).toEqual([]);
  });
});

/**
 * A sign-up with an identity provider as a browser starts it from one of our sites: a link's GET carries no Origin,
 * only the page in Referer. `tamper` changes the sealed flow cookie before the provider's answer comes back.
 */
async function providerSignUp(
  provider: 'google' | 'harid' | 'mpassid',
  loginHint: string,
  from: string,
  options: { callbackQuery?: Record<string, string>; tamper?: (sealed: string) => string } = {},
) {
  const browser = new Browser();
  const start = new URL(`${host.url}/api/auth/${provider}/login`);
  start.searchParams.set('loginHint', loginHint);
  start.searchParams.set('returnTo', '/');
  const callback = new URL(
    await browser.followUntil(start, `${host.url}/api/auth/${provider}/callback`, { init: { headers: { referer: `${from}/sign-up` } } }),
  );
  for (const [name, value] of Object.entries(options.callbackQuery ?? {})) callback.searchParams.set(name, value);
  const cookieName = `__Host-opiq_signin_${provider}`;
  if (options.tamper) {
    const sealed = new URLSearchParams((browser.jar.header(host.url) ?? '').replaceAll('; ', '&')).get(cookieName);
    expect(sealed, 'the sign-in flow cookie').toBeTruthy();
    browser.jar.setCookie(host.url, `${cookieName}=${options.tamper(sealed!)}; Path=/; Secure; HttpOnly; SameSite=Lax`);
  }
  const landed = await browser.navigate(callback, { stopAt: [FI_SITE, host.config.PUBLIC_WEB_URL] });
  expect(landed.stopped).toBe(true);
  const me = await browser.request(`${host.url}/api/me`);
  return {
    browser,
    landed: landed.url,
    me: me.status === 200 ? ((await me.json()) as { id: string; country: string; language: string }) : undefined,
  };
}

describe('OPS-3: provider sign-ups take their country from the site they began on', () => {
  it('OPS-3: a Google sign-up started on opiq.fi creates a Finnish account, lands back on opiq.fi, and its what-we-hold country block is Finnish', async () => {
    const { browser, landed, me } = await providerSignUp('google', 'laura.lepp@example.com', FI_SITE);
    expect(landed).toBe(`${FI_SITE}/`);
    expect(me).toMatchObject({ country: 'FI', language: 'fi' });
    const view = await browser.request(`${host.url}/api/me/privacy/data`);
    expect(view.status).toBe(200);
    const body = (await view.json()) as { country: { country: string; site: string; operator: { name: string }; authority: { email: string } } };
    expect(body.country).toMatchObject({ country: 'FI', site: FI_SITE, operator: { name: 'E-Oppi Oy' }, authority: { email: 'tietosuoja@om.fi' } });
    // A Google sign-up sends no welcome or verification e-mail (the provider verified the address): nothing to check there.
    await host.bus.idle();
    expect(host.outbox.messages.filter((m) => m.to === 'laura.lepp@example.com')).toEqual([]);
  });

  it("OPS-3: a forged sign-in flow is refused; the site comes only from the sealed flow, never from the callback's query", async () => {
    const forged = await providerSignUp('google', 'mari.mets@kuusiku.example', FI_SITE, {
      tamper: (sealed) => `${sealed.slice(0, -4)}${sealed.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`,
    });
    expect(forged.landed).toBe(`${host.config.PUBLIC_WEB_URL.replace(/\/$/, '')}/sign-in?error=flow_expired&provider=google`);
    expect(forged.me).toBeUndefined();

    const fromEstonia = await providerSignUp('google', 'mari.mets@kuusiku.example', host.config.PUBLIC_WEB_URL.replace(/\/$/, ''), {
      callbackQuery: { site: 'FI', country: 'FI' },
    });
    expect(fromEstonia.landed).toBe(`${host.config.PUBLIC_WEB_URL.replace(/\/$/, '')}/`);
    expect(fromEstonia.me).toMatchObject({ country: 'EE', language: 'et' });
    const view = await fromEstonia.browser.request(`${host.url}/api/me/privacy/data`);
    expect(((await view.json()) as { country: { country: string } }).country.country).toBe('EE');
  });

  it("OPS-3: the provider's own country wins over the site: Smart-ID through HarID from opiq.fi stays Estonian, MPASSid from the Estonian site Finnish", async () => {
    const estonian = await providerSignUp('harid', 'oskar.org@example.com', FI_SITE);
    expect(estonian.me).toMatchObject({ country: 'EE', language: 'et' });
    // The browser still goes back to the site the person came from.
    expect(estonian.landed).toBe(`${FI_SITE}/`);
    const finnish = await providerSignUp('mpassid', 'ella.nieminen', host.config.PUBLIC_WEB_URL.replace(/\/$/, ''));
    expect(finnish.me).toMatchObject({ country: 'FI', language: 'fi' });
  });
});
