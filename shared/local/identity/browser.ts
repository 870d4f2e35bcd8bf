/**
 * A tiny scripted "browser" for end-to-end sign-in tests: fetch with a cookie jar, following redirects by hand
 * (redirect: 'manual') so a test can stop when the flow reaches the app's callback URL.
 *
 *   const browser = new Browser({ origins: [appOrigin, new URL(standIns.harid.issuer).origin] });
 *   const callback = await browser.followUntil(authorizationUrl, 'http://127.0.0.1:7071/api/auth/harid/callback');
 *   // callback: the full callback URL with ?code=..&state=..&iss=..
 *
 * Through the app (its start endpoint redirects to the provider; the test picks the demo user):
 *   const callback = await browser.followUntil(`${app}/api/auth/harid/start`, `${app}/api/auth/harid/callback`,
 *     { rewrite: addLoginHint(standIns.harid.issuer, 'mari.mets@kuusiku.example') });
 *   const done = await browser.navigate(callback); // the app's callback: sets its session cookie, redirects on
 *
 * Cookies follow RFC 6265 like a browser: they belong to a HOST, not to a host:port, so the app and every
 * stand-in on 127.0.0.1 see each other's cookies (the stand-ins use distinct cookie names). Not modelled:
 * SameSite (every request is treated as same-site: locally all ports of 127.0.0.1 are one site) and the public
 * suffix list. `Secure` cookies are kept and sent over http only for loopback hosts (as browsers treat localhost
 * as a secure context); `__Host-` / `__Secure-` prefixes are enforced.
 */

interface StoredCookie {
  name: string;
  value: string;
  domain: string;
  hostOnly: boolean;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite: string | undefined;
  /** ms since epoch; undefined = session cookie */
  expires: number | undefined;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function isSecureContext(url: URL): boolean {
  return url.protocol === 'https:' || LOOPBACK.has(url.hostname);
}

function defaultPath(url: URL): string {
  const path = url.pathname;
  if (!path.startsWith('/')) return '/';
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}

function domainMatches(host: string, cookie: StoredCookie): boolean {
  if (cookie.hostOnly) return host === cookie.domain;
  return host === cookie.domain || host.endsWith(`.${cookie.domain}`);
}

export class CookieJar {
  #cookies: StoredCookie[] = [];

  /** Stores the cookies of a response to `url` (all its Set-Cookie headers). */
  store(url: URL | string, response: Response): void {
    const u = new URL(url);
    for (const header of response.headers.getSetCookie()) this.setCookie(u, header);
  }

  /** Parses one Set-Cookie header value as received from `url`. Invalid cookies are ignored, as browsers do. */
  setCookie(url: URL | string, header: string): void {
    const u = new URL(url);
    const [pair = '', ...attrs] = header.split(';');
    const eq = pair.indexOf('=');
    if (eq < 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!name) return;
    const host = u.hostname;
    let domain = host;
    let hostOnly = true;
    let path: string | undefined;
    let secure = false;
    let httpOnly = false;
    let sameSite: string | undefined;
    let expires: number | undefined;
    let maxAge: number | undefined;
    for (const attr of attrs) {
      const i = attr.indexOf('=');
      const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
      const val = i < 0 ? '' : attr.slice(i + 1).trim();
      switch (key) {
        case 'domain': {
          const d = val.replace(/^\./, '').toLowerCase();
          if (!d) break;
          if (host !== d && !host.endsWith(`.${d}`)) return; // not for this host: rejected
          if (/^[\d.]+$/.test(host) && host !== d) return;
          domain = d;
          hostOnly = false;
          break;
        }
        case 'path':
          path = val.startsWith('/') ? val : undefined;
          break;
        case 'secure':
          secure = true;
          break;
        case 'httponly':
          httpOnly = true;
          break;
        case 'samesite':
          sameSite = val.toLowerCase();
          break;
        case 'expires': {
          const t = Date.parse(val);
          if (!Number.isNaN(t)) expires = t;
          break;
        }
        case 'max-age': {
          if (/^-?\d+$/.test(val)) maxAge = Number(val);
          break;
        }
        default:
      }
    }
    if (maxAge !== undefined) expires = maxAge <= 0 ? 0 : Date.now() + maxAge * 1000;
    if (secure && !isSecureContext(u)) return;
    if (name.startsWith('__Secure-') && !secure) return;
    if (name.startsWith('__Host-') && (!secure || !hostOnly || path !== '/')) return;
    const cookie: StoredCookie = {
      name,
      value,
      domain,
      hostOnly,
      path: path ?? defaultPath(u),
      secure,
      httpOnly,
      sameSite,
      expires,
    };
    this.#cookies = this.#cookies.filter((c) => !(c.name === name && c.domain === domain && c.path === cookie.path));
    if (expires !== undefined && expires <= Date.now()) return; // deletion
    this.#cookies.push(cookie);
  }

  /** The Cookie header for a request to `url` (undefined if none), longest paths first. */
  header(url: URL | string): string | undefined {
    const matching = this.cookiesFor(url);
    return matching.length ? matching.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  cookiesFor(url: URL | string): { name: string; value: string; path: string; httpOnly: boolean; sameSite: string | undefined }[] {
    const u = new URL(url);
    const now = Date.now();
    this.#cookies = this.#cookies.filter((c) => c.expires === undefined || c.expires > now);
    return this.#cookies
      .filter((c) => domainMatches(u.hostname, c) && pathMatches(u.pathname, c.path) && (!c.secure || isSecureContext(u)))
      .sort((a, b) => b.path.length - a.path.length)
      .map(({ name, value, path, httpOnly, sameSite }) => ({ name, value, path, httpOnly, sameSite }));
  }

  /** The value of cookie `name` that would be sent to `url` (or any cookie of that name without `url`). */
  get(name: string, url?: URL | string): string | undefined {
    if (url !== undefined) return this.cookiesFor(url).find((c) => c.name === name)?.value;
    return this.#cookies.find((c) => c.name === name)?.value;
  }

  clear(): void {
    this.#cookies = [];
  }
}

export interface BrowserOptions {
  /**
   * Origins (e.g. `http://127.0.0.1:7071`) the browser may request. A redirect elsewhere (that does not match a
   * `stopAt` prefix) throws. Default: any loopback origin.
   */
  origins?: string[];
  jar?: CookieJar;
  /** Default 20. */
  maxRedirects?: number;
  /** Extra headers sent with every request (e.g. accept-language). */
  headers?: Record<string, string>;
}

export interface NavigateOptions {
  /** Stop (without requesting it) at the first redirect whose absolute Location starts with one of these prefixes. */
  stopAt?: string | string[];
  /** Method/body/headers of the FIRST request (e.g. a form POST); redirects are followed like a browser does. */
  init?: RequestInit;
  /**
   * Changes a URL before it is requested (the start URL and every redirect), e.g. `addLoginHint(...)` to pick the
   * demo user on the identity provider's authorize URL that the app redirected to.
   */
  rewrite?: (url: URL) => URL | undefined;
}

/**
 * A `rewrite` that sets `login_hint` on requests to URLs starting with `authorizePrefix` (an issuer, a dialog or
 * authorize URL) unless the app already set one: how an end-to-end test picks the demo user when the app's own
 * "start sign-in" endpoint builds the authorize URL.
 */
export function addLoginHint(authorizePrefix: string, loginHint: string): (url: URL) => URL | undefined {
  return (url) => {
    if (!url.href.startsWith(authorizePrefix) || url.searchParams.has('login_hint')) return undefined;
    const next = new URL(url);
    next.searchParams.set('login_hint', loginHint);
    return next;
  };
}

export interface NavigationResult {
  /** The URL of the stop (the matched Location) or of the final response. */
  url: string;
  /** True if a `stopAt` prefix was reached. */
  stopped: boolean;
  /** The last response received: the redirect that was stopped at, or the final (non-redirect) response. */
  response: Response;
  /** Every URL requested, in order. */
  visited: string[];
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export class Browser {
  readonly jar: CookieJar;
  readonly #origins: Set<string> | undefined;
  readonly #maxRedirects: number;
  readonly #headers: Record<string, string>;

  constructor(options: BrowserOptions = {}) {
    this.jar = options.jar ?? new CookieJar();
    this.#origins = options.origins ? new Set(options.origins.map((o) => new URL(o).origin)) : undefined;
    this.#maxRedirects = options.maxRedirects ?? 20;
    this.#headers = options.headers ?? {};
  }

  #allowed(url: URL): boolean {
    return this.#origins ? this.#origins.has(url.origin) : LOOPBACK.has(url.hostname);
  }

  /** One request: sends the jar's cookies, stores the response's cookies, never follows redirects. */
  async request(url: URL | string, init: RequestInit = {}): Promise<Response> {
    const u = new URL(url);
    u.hash = '';
    if (!this.#allowed(u)) throw new Error(`browser: ${u.origin} is not an allowed origin`);
    const headers = new Headers(this.#headers);
    new Headers(init.headers).forEach((v, k) => headers.set(k, v));
    const cookie = this.jar.header(u);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(u, { ...init, headers, redirect: 'manual' });
    this.jar.store(u, response);
    return response;
  }

  /** Requests `url` and follows redirects until a `stopAt` prefix, a non-redirect response, or an error. */
  async navigate(url: URL | string, options: NavigateOptions = {}): Promise<NavigationResult> {
    const stops = options.stopAt === undefined ? [] : Array.isArray(options.stopAt) ? options.stopAt : [options.stopAt];
    const visited: string[] = [];
    const rewrite = (u: URL) => options.rewrite?.(u) ?? u;
    let current = rewrite(new URL(url));
    let init: RequestInit = options.init ?? {};
    for (let hop = 0; ; hop++) {
      visited.push(current.href);
      const response = await this.request(current, init);
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || location === null) {
        return { url: current.href, stopped: false, response, visited };
      }
      await response.body?.cancel();
      const next = new URL(location, current);
      if (stops.some((prefix) => next.href.startsWith(prefix))) {
        return { url: next.href, stopped: true, response, visited };
      }
      if (hop >= this.#maxRedirects) throw new Error(`browser: more than ${this.#maxRedirects} redirects (last: ${next.href})`);
      if (!this.#allowed(next)) throw new Error(`browser: redirect to ${next.href} leaves the allowed origins`);
      // 301/302/303: a plain GET navigation (a POST's body is dropped, as browsers do); 307/308 repeat the request.
      if (response.status !== 307 && response.status !== 308) init = { method: 'GET' };
      current = rewrite(next);
    }
  }

  /**
   * Follows the flow from `url` until a redirect to one of the `stopAt` prefixes (typically the app's callback URL)
   * and returns that full URL. Throws (with the status and the start of the body) if the flow ends anywhere else.
   */
  async followUntil(url: URL | string, stopAt: string | string[], options: Omit<NavigateOptions, 'stopAt'> = {}): Promise<string> {
    const result = await this.navigate(url, { ...options, stopAt });
    if (result.stopped) return result.url;
    const body = (await result.response.text()).replace(/\s+/g, ' ').slice(0, 400);
    throw new Error(`browser: flow ended at ${result.url} with HTTP ${result.response.status} instead of reaching ${String(stopAt)}: ${body}`);
  }
}
