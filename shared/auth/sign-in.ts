import type { Cookie, HttpRequest } from '@azure/functions';
import { parse as parseCookies } from 'cookie';
import * as oidc from 'openid-client';
import { z } from 'zod';

import type { AccountDoc } from '../accounts/index.js';
import { type Country, countryProfile } from '../platform/countries.js';
import type { RedirectResult } from '../platform/definitions.js';
import { AppError, isAppError } from '../platform/errors.js';
import type { Language } from '../platform/language.js';
import type { Services } from '../platform/services.js';
import { requestClient } from './client-info.js';
import { clearedFlowCookie, flowCookieName, openFlow, sealFlow, type SignInFlow } from './flow-state.js';
import {
  type AssertedSchoolRole,
  type ConfirmationLedger,
  type ProviderId,
  providerIds,
  resolveSignIn,
  SchoolConfirmationNeeded,
} from './identity.js';
import { tellOwner } from './notices.js';
import { SignInError, type SignInFailure, type SignInProvider } from './providers/types.js';
import { recordSecurityEvent } from './security-log.js';
import { createSession, type Principal, sessionCookies } from './sessions.js';

function callbackUrl(services: Pick<Services, 'config'>, provider: ProviderId): string {
  return `${services.config.API_PUBLIC_URL.replace(/\/$/, '')}/api/auth/${provider}/callback`;
}

/**
 * Where sign-in may send the browser afterwards: a path on our own front end under an allowed prefix. Absolute
 * URLs, protocol-relative `//host` and backslash tricks are refused (open redirects). The prefix is compared on the
 * path as the browser and the front end will read it: percent-decoded, with no dot segments left. Anything whose
 * decoded form differs in meaning (`%2e%2e`, an encoded `/` or `\`, double encoding) is refused rather than
 * repaired, so `/shop/%2e%2e/admin` cannot pass as a path under `/shop`.
 */
function checkReturnPath(returnTo: string | undefined, allowedPrefixes: readonly string[]): string {
  const path = returnTo ?? '/';
  const refuse = () => new AppError('invalid_return_path');
  if (!/^\/(?![/\\])[A-Za-z0-9\-._~/?=&%]*$/.test(path)) throw refuse();
  const [rawPath = '/', query = ''] = path.split(/\?(.*)/s);
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    throw refuse();
  }
  // After one decoding there must be nothing left to decode and no separator that was hidden by encoding.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[%\\\u0000-\u001f\u007f]/.test(decoded) || /%2f|%5c/i.test(rawPath)) throw refuse();
  if (decoded.startsWith('//') || decoded.split('/').some((segment) => segment === '.' || segment === '..')) throw refuse();
  if (/%(?:2e|2f|5c)/i.test(query) || query.includes('..')) throw refuse();
  const allowed = allowedPrefixes.some((prefix) => prefix === '/' || decoded === prefix || decoded.startsWith(`${prefix.replace(/\/$/, '')}/`));
  if (!allowed) throw refuse();
  return path;
}

/** Stuudium installations (school subdomains) whose people may sign in: only schools on the platform (AUTH-1). */
const stuudiumInstallationId = (subdomain: string) => `stuudium-installation:${encodeURIComponent(subdomain.toLowerCase())}`;

async function stuudiumInstallationAllowed(services: Pick<Services, 'db'>, subdomain: string): Promise<boolean> {
  const id = stuudiumInstallationId(subdomain);
  const doc = await services.db.collection('logins').read<{ id: string; type: string }>(id, id);
  return doc?.type === 'stuudium-installation';
}

export const providerParam = z.object({ provider: z.string().max(40) });

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Locally the API answers on both http://localhost:<port> and http://127.0.0.1:<port>, but the provider sends the
 * browser back to API_PUBLIC_URL; cookies do not cross between the two names, so a flow started on the other one
 * ended in flow_expired. Starting there first moves the browser to API_PUBLIC_URL's host. Loopback names only: in
 * Azure the Host header a function sees need not be the public one.
 */
export function loopbackCanonicalRedirect(request: HttpRequest, config: Pick<Services['config'], 'API_PUBLIC_URL'>): RedirectResult | undefined {
  const asked = new URL(request.url);
  const canonical = new URL(config.API_PUBLIC_URL);
  if (!LOOPBACK_HOSTS.has(asked.hostname) || !LOOPBACK_HOSTS.has(canonical.hostname) || asked.hostname === canonical.hostname) return undefined;
  return { status: 302, headers: { location: `${canonical.origin}${asked.pathname}${asked.search}` } };
}

/** 404 for a provider we do not know at all; providerOrThrow adds 404 provider_disabled for one not configured. */
export function knownProvider(value: string): ProviderId {
  const id = value.toLowerCase();
  if (!(providerIds as readonly string[]).includes(id)) throw new AppError('unknown_provider');
  return id as ProviderId;
}

export function providerOrThrow(services: Services, id: ProviderId): SignInProvider {
  const provider = services.identityProviders.get(id);
  if (!provider) throw new AppError('provider_disabled', { params: { provider: id } });
  return provider;
}

export async function beginSignIn(
  services: Services,
  provider: SignInProvider,
  input: {
    returnTo?: string;
    link: boolean;
    loginHint?: string;
    school?: string;
    language: Language;
    principal?: Principal;
    /** PRIV-6: consents ticked on the sign-up page, kept in the flow for an account the callback creates. */
    consents?: AccountDoc['consents'];
    /** OPS-3: the country of our site the sign-in began on (`requestSiteCountry`), kept in the flow likewise. */
    site?: Country | undefined;
  },
): Promise<RedirectResult> {
  if (input.link && !input.principal) throw new AppError('unauthenticated');
  if (provider.id === 'stuudium' && !(input.school && (await stuudiumInstallationAllowed(services, input.school))))
    throw new AppError('school_not_on_platform');
  const flow: SignInFlow = {
    provider: provider.id,
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    codeVerifier: oidc.randomPKCECodeVerifier(),
    redirectUri: callbackUrl(services, provider.id),
    returnTo: checkReturnPath(input.returnTo, services.config.AUTH_RETURN_PATHS),
    language: input.language,
    ...(input.school ? { school: input.school } : {}),
    ...(input.link && input.principal ? { linkAccountId: input.principal.accountId } : {}),
    ...(input.consents && !input.link ? { consents: input.consents } : {}),
    ...(input.site && !input.link ? { site: input.site } : {}),
  };
  let location: URL;
  try {
    location = await provider.authorizationUrl(flow, input.loginHint);
  } catch (error) {
    if (error instanceof SignInError) throw new AppError('service_unavailable');
    throw error;
  }
  return {
    status: 302,
    headers: { location: location.toString() },
    cookies: [await sealFlow(flow, services.config.SESSION_SIGNING_KEYS, services.clock.now())],
  };
}

/**
 * What a sign-in needs of the schools when a personal code a school entered links a login (ACC-5): the school's
 * decision (or a new request to it) and telling its administrators. Schools provides it and functions/ hands it in,
 * so auth does not import schools, which builds on auth.
 */
export interface SchoolCodeLinks {
  ledger: ConfirmationLedger;
  tellSchool: (schoolId: string, account: AccountDoc, provider: ProviderId, key: string) => Promise<void>;
  /** OPS-3: MPASSid's asserted teacher roles become requests to the schools (or roles, where a school trusts them). */
  offerMpassidRoles: (account: AccountDoc, roles: readonly AssertedSchoolRole[]) => Promise<void>;
}

/**
 * The provider's redirect back. Never answers with an error page: the browser is sent to the front end, signed in,
 * or to its sign-in page with an error code. Every outcome is in the security log.
 */
export async function finishSignIn(
  services: Services,
  providerId: ProviderId,
  request: HttpRequest,
  principal: Principal | undefined,
  schools: SchoolCodeLinks,
  /**
   * What other areas do for an account this sign-in created (they build on auth): the history of its sign-up consents
   * (PRIV-6); lifting an erasure's suppression of the address the provider vouched for (PRIV-3).
   */
  onSignUp: (account: AccountDoc) => Promise<void> = async () => undefined,
): Promise<RedirectResult> {
  const provider = providerOrThrow(services, providerId);
  const client = requestClient(request, services.config);
  const cookies: Cookie[] = [clearedFlowCookie(providerId)];
  let web = services.config.PUBLIC_WEB_URL.replace(/\/$/, '');
  let accountId: string | undefined;

  const fail = async (failure: SignInFailure): Promise<RedirectResult> => {
    await recordSecurityEvent(services, { name: 'sign-in-failed', accountId, method: providerId, reason: failure, client });
    const location = new URL(`${web}/sign-in`);
    location.searchParams.set('error', failure);
    location.searchParams.set('provider', providerId);
    return { status: 303, headers: { location: location.toString() }, cookies };
  };

  const raw = parseCookies(request.headers.get('cookie') ?? '')[flowCookieName(providerId)];
  const flow = raw ? await openFlow(raw, services.config.SESSION_SIGNING_KEYS, services.clock.now()) : undefined;
  if (!flow || flow.provider !== providerId) return fail('flow_expired');
  // Back to the site the sign-in began on (OPS-3): a person who started on opiq.fi lands on opiq.fi.
  if (flow.site) web = countryProfile(services.config, flow.site).siteUrl;

  try {
    // The provider's answer on the redirect URI it was given: behind a TLS front door the URL the app sees may say
    // http or another host, and openid-client compares it with the redirect_uri of the flow.
    const answered = new URL(flow.redirectUri);
    answered.search = new URL(request.url).search;
    const identity = await provider.completeSignIn(answered, flow);
    if (flow.linkAccountId && principal?.accountId !== flow.linkAccountId) return fail('link_requires_session');
    // Checked again at the callback: the allow-list may have changed since the redirect.
    if (identity.provider === 'stuudium' && !(identity.installation && (await stuudiumInstallationAllowed(services, identity.installation))))
      return fail('wrong_school');
    const resolution = await resolveSignIn(services, identity, flow.linkAccountId, schools.ledger, {
      ...(flow.consents ? { consents: flow.consents } : {}),
      ...(flow.site ? { site: flow.site } : {}),
    });
    accountId = resolution.accountId;
    const account = await services.db.collection('accounts').read<AccountDoc>(accountId, accountId);
    if (!account || account.status === 'closed') return fail('token_rejected');
    if (account.status === 'suspended') return fail('account_suspended');
    if (resolution.outcome === 'created') await onSignUp(account);

    if (resolution.outcome === 'linked') {
      await recordSecurityEvent(services, { name: 'login-linked', accountId, method: providerId, reason: resolution.via, client });
      // Each linking is told (the time in the key): a login removed and linked again within the e-mail queue's hour of
      // duplicate detection is news again.
      const key = `${providerId}:${identity.subject}:${services.clock.now().toISOString()}`;
      await tellOwner(services, accountId, 'loginLinked', key, { provider: providerId });
      if (resolution.schoolId) await schools.tellSchool(resolution.schoolId, account, providerId, `${accountId}:${key}`);
    }
    // Only MPASSid's roles come from the school's own register; HarID's are not reliable (research/identity.md).
    if (identity.provider === 'mpassid' && identity.schoolRoles?.length) await schools.offerMpassidRoles(account, identity.schoolRoles);
    const session = await createSession(services, { accountId, method: providerId, account, ...(client.browser ? { browser: client.browser } : {}) });
    await recordSecurityEvent(services, { name: 'sign-in', accountId, method: providerId, client });
    cookies.push(...sessionCookies(session));
    return { status: 303, headers: { location: `${web}${flow.returnTo}` }, cookies };
  } catch (error) {
    if (error instanceof SignInError) return fail(error.failure);
    if (error instanceof SchoolConfirmationNeeded) return fail('school_confirmation_pending');
    if (isAppError(error, 'login_linked_elsewhere')) return fail('login_linked_elsewhere');
    throw error;
  }
}
