import type { HttpDefinition } from '../platform/definitions.js';
import { compareRoutes, type CompiledRoute, compileRoute, matchRoute } from './routes.js';

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

  constructor(definitions: HttpDefinition[]) {
    this.entries = definitions
      .map((definition) => ({ definition, compiled: compileRoute(definition.route) }))
      .sort((a, b) => compareRoutes(a.compiled, b.compiled));
  }

  /** The first route that matches path and method, as the Functions host picks it. */
  find(method: string, path: string): RouteMatch | undefined {
    const upper = method.toUpperCase();
    for (const { definition, compiled } of this.entries) {
      if (!definition.methods.includes(upper as never)) continue;
      const params = matchRoute(compiled, path);
      if (params) return { definition, params };
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
