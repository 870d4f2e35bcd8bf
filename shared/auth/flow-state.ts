import { hkdfSync } from 'node:crypto';

import type { Cookie } from '@azure/functions';
import { EncryptJWT, jwtDecrypt } from 'jose';

import type { AccountDoc } from '../accounts/index.js';
import type { Country } from '../platform/countries.js';
import type { ProviderId } from './identity.js';
import type { FlowSecrets } from './providers/types.js';
import type { SigningKey } from './session-token.js';

/** A sign-in attempt must come back within 10 minutes. */
const FLOW_TTL_SECONDS = 600;

export interface SignInFlow extends FlowSecrets {
  provider: ProviderId;
  /** Path on the web front end to land on afterwards (checked against the allow-list when the flow starts). */
  returnTo: string;
  /** Set when a signed-in user is linking another login to their account (explicit linking). */
  linkAccountId?: string;
  /** PRIV-6: the consents ticked before the sign-in began (channel 'sign-up'), for an account the sign-in creates. */
  consents?: AccountDoc['consents'];
  /** OPS-3: the country of our site the sign-in began on, for an account the sign-in creates (sealed here, so unforgeable). */
  site?: Country;
}

/** `__Host-` like the session cookies: a sibling host cannot plant its own flow to sign a victim into its account. */
export const flowCookieName = (provider: ProviderId) => `__Host-opiq_signin_${provider}`;

/** The flow cookie is encrypted (A256GCM) with a key derived from the session keys, so it is neither readable nor forgeable. */
function flowKey(key: SigningKey): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', key.secret, new Uint8Array(0), 'opiq sign-in flow v1', 32));
}

export async function sealFlow(flow: SignInFlow, keys: readonly SigningKey[], now: Date): Promise<Cookie> {
  const [current] = keys;
  if (!current) throw new Error('No session signing key configured');
  const iat = Math.floor(now.getTime() / 1000);
  const value = await new EncryptJWT({ flow })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: current.kid })
    .setIssuedAt(iat)
    .setExpirationTime(iat + FLOW_TTL_SECONDS)
    .encrypt(flowKey(current));
  return {
    name: flowCookieName(flow.provider),
    value,
    path: '/',
    maxAge: FLOW_TTL_SECONDS,
    httpOnly: true,
    secure: true,
    // Lax: the provider's redirect back is a top-level navigation from another site, which Lax cookies survive.
    sameSite: 'Lax',
  };
}

export async function openFlow(value: string, keys: readonly SigningKey[], now: Date): Promise<SignInFlow | undefined> {
  for (const key of keys) {
    try {
      const { payload } = await jwtDecrypt(value, flowKey(key), {
        currentDate: now,
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
      });
      return (payload as { flow?: SignInFlow }).flow;
    } catch {
      // try the next key (rotation); expired or tampered cookies fail for all of them
    }
  }
  return undefined;
}

export function clearedFlowCookie(provider: ProviderId): Cookie {
  return { name: flowCookieName(provider), value: '', path: '/', maxAge: 0, httpOnly: true, secure: true, sameSite: 'Lax' };
}
