/**
 * Azure Functions route templates (`things/{id}`, `{id?}`, `{*rest}`, `{id:int}`), matched the way the host does:
 * literal segments case-insensitively, and more specific templates before less specific ones (literal, then
 * constrained parameter, then parameter, then catch-all), so a catch-all route answers only what nothing else does.
 */
type Segment =
  | { kind: 'literal'; text: string }
  | { kind: 'param'; name: string; optional: boolean; constraint?: string }
  | { kind: 'catchAll'; name: string };

export interface CompiledRoute {
  template: string;
  segments: Segment[];
  /** Lower sorts first. */
  rank: number[];
}

const CONSTRAINTS: Record<string, RegExp> = {
  int: /^-?\d+$/,
  long: /^-?\d+$/,
  guid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  alpha: /^[a-z]+$/i,
  bool: /^(true|false)$/i,
};

export function compileRoute(template: string): CompiledRoute {
  const parts = template
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .filter((p) => p !== '');
  const segments: Segment[] = parts.map((part) => {
    const param = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?(\?)?\}$/.exec(part);
    if (!param) {
      if (/[{}]/.test(part)) throw new Error(`Unsupported route segment "${part}" in ${template}`);
      return { kind: 'literal', text: part.toLowerCase() };
    }
    const [, star, name = '', constraint, optional] = param;
    if (constraint && !Object.hasOwn(CONSTRAINTS, constraint)) throw new Error(`Unsupported route constraint "${constraint}" in ${template}`);
    if (star) return { kind: 'catchAll', name };
    return { kind: 'param', name, optional: Boolean(optional), ...(constraint ? { constraint } : {}) };
  });
  const rank = segments.map((s) => (s.kind === 'literal' ? 1 : s.kind === 'param' ? (s.constraint ? 2 : s.optional ? 4 : 3) : 5));
  return { template, segments, rank };
}

/** A request path's segments as routes match them: decoded once, and lower-cased for the literal segments. */
export interface PathParts {
  decoded: string[];
  lower: string[];
}

/** Splits `path` (without the /api prefix, not decoded) into its segments, once per request. */
export function splitPath(path: string): PathParts {
  const decoded = path
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .filter((p) => p !== '')
    .map(safeDecode);
  return { decoded, lower: decoded.map((p) => p.toLowerCase()) };
}

/** Path parameters when the path's parts match the route, else undefined. */
export function matchParts(route: CompiledRoute, parts: PathParts): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  let i = 0;
  for (const segment of route.segments) {
    if (segment.kind === 'catchAll') {
      params[segment.name] = parts.decoded.slice(i).join('/');
      return params;
    }
    const decoded = parts.decoded[i];
    if (decoded === undefined) {
      if (segment.kind === 'param' && segment.optional) continue;
      return undefined;
    }
    if (segment.kind === 'literal') {
      if (parts.lower[i] !== segment.text) return undefined;
    } else {
      if (segment.constraint && !CONSTRAINTS[segment.constraint]!.test(decoded)) return undefined;
      params[segment.name] = decoded;
    }
    i += 1;
  }
  return i === parts.decoded.length ? params : undefined;
}

/** Path parameters when `path` (without the /api prefix, not decoded) matches the route, else undefined. */
export function matchRoute(route: CompiledRoute, path: string): Record<string, string> | undefined {
  return matchParts(route, splitPath(path));
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function compareRoutes(a: CompiledRoute, b: CompiledRoute): number {
  for (let i = 0; i < Math.max(a.rank.length, b.rank.length); i++) {
    const x = a.rank[i] ?? 0;
    const y = b.rank[i] ?? 0;
    if (x !== y) return x - y;
  }
  return 0;
}

/** Two templates that would answer the same paths (same shape once parameter names are ignored). */
export function routeShape(template: string): string {
  return compileRoute(template)
    .segments.map((s) => (s.kind === 'literal' ? s.text : s.kind === 'catchAll' ? '{*}' : `{${s.constraint ?? ''}${s.optional ? '?' : ''}}`))
    .join('/');
}
