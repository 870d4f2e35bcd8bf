import type { HttpDefinition } from '../platform/definitions.js';
import { compareRoutes, type CompiledRoute, compileRoute, matchParts, matchRoute, splitPath } from './routes.js';

export interface RouteEntry {
  definition: HttpDefinition;
  compiled: CompiledRoute;
}

export interface RouteMatch {
  definition: HttpDefinition;
  params: Record<string, string>;
}

/** The app's HTTP routes in host precedence order: the local host dispatches through it, the catch-all reads it. */
export class RouteTable {
  readonly entries: RouteEntry[];
  /**
   * Per method, the routes in precedence order with their first segment when it is a literal: every request is
   * routed here, so a route whose first literal differs is skipped with one comparison (issue 11: matching the path
   * against each of ~170 routes in turn was 6% of the host's time per request).
   */
  private readonly byMethod = new Map<string, { entry: RouteEntry; firstLiteral: string | undefined }[]>();

  constructor(definitions: HttpDefinition[]) {
    this.entries = definitions
      .map((definition) => ({ definition, compiled: compileRoute(definition.route) }))
      .sort((a, b) => compareRoutes(a.compiled, b.compiled));
    for (const entry of this.entries) {
      const first = entry.compiled.segments[0];
      for (const method of entry.definition.methods) {
        const list = this.byMethod.get(method) ?? [];
        list.push({ entry, firstLiteral: first?.kind === 'literal' ? first.text : undefined });
        this.byMethod.set(method, list);
      }
    }
  }

  /** The first route that matches path and method, as the Functions host picks it. */
  find(method: string, path: string): RouteMatch | undefined {
    const parts = splitPath(path);
    const first = parts.lower[0];
    for (const { entry, firstLiteral } of this.byMethod.get(method.toUpperCase()) ?? []) {
      if (firstLiteral !== undefined && firstLiteral !== first) continue;
      const params = matchParts(entry.compiled, parts);
      if (params) return { definition: entry.definition, params };
    }
    return undefined;
  }

  /** Methods other routes accept on this path (for 405 + Allow), ignoring catch-alls. */
  allowedMethods(path: string): string[] {
    const methods = new Set<string>();
    for (const { definition, compiled } of this.entries) {
      if (compiled.segments.some((s) => s.kind === 'catchAll')) continue;
      if (matchRoute(compiled, path)) for (const m of definition.methods) methods.add(m);
    }
    return [...methods].sort();
  }
}

let current: RouteTable | undefined;

export function setRouteTable(table: RouteTable): void {
  current = table;
}

export function routeTable(): RouteTable {
  if (!current) throw new Error('The route table is not set (functions/index.ts sets it)');
  return current;
}
