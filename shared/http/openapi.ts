import { z } from 'zod';

import type { RouteTable } from './route-table.js';
import { compileRoute } from './routes.js';

type JsonSchema = Record<string, unknown>;

const errorEnvelope: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable machine-readable code.' },
        message: { type: 'string', description: 'Text for people, in the language chosen by Accept-Language (et, fi, en).' },
        details: {
          type: 'array',
          items: { type: 'object', required: ['path', 'issue'], properties: { path: { type: 'string' }, issue: { type: 'string' } } },
        },
      },
    },
  },
};

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** OpenAPI path: the Functions template with constraints, optional marks and catch-all stars removed. */
function openApiPath(route: string): string {
  const segments = compileRoute(route).segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.name}}`));
  return `/api/${segments.join('/')}`;
}

function parametersFrom(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' ? true : required.has(name),
    schema: property,
  }));
}

/** The OpenAPI 3.1 document, built from the same zod schemas the wrapper validates with. */
export function buildOpenApi(table: RouteTable): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const { definition, compiled } of table.entries) {
    if (compiled.segments.some((s) => s.kind === 'catchAll')) continue; // the not-found fallback is not an API
    const { contract } = definition;
    const path = openApiPath(definition.route);
    const item = (paths[path] ??= {});
    for (const method of definition.methods) {
      const responses: Record<string, JsonSchema> = {
        [String(contract.successStatus)]: {
          description: 'Success',
          ...(contract.output ? { content: { 'application/json': { schema: schemaOf(contract.output, 'output') } } } : {}),
        },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      };
      item[method.toLowerCase()] = {
        operationId: definition.name,
        summary: contract.summary,
        tags: contract.tags,
        parameters: [
          ...parametersFrom(contract.params, 'path'),
          ...parametersFrom(contract.query, 'query'),
          { name: 'Accept-Language', in: 'header', required: false, schema: { type: 'string' }, description: 'et (default), fi or en' },
          ...(contract.idempotencyKey
            ? [
                {
                  name: 'Idempotency-Key',
                  in: 'header',
                  required: false,
                  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$' },
                  description: 'Repeating the request with the same key (after a 503 or no answer) returns what the first attempt made.',
                },
              ]
            : []),
        ],
        ...(contract.body
          ? {
              requestBody: {
                required: true,
                content: Object.fromEntries(
                  contract.bodyTypes.map((t) =>
                    t === 'bytes'
                      ? ['application/octet-stream', { schema: { type: 'string', format: 'binary' } }]
                      : [t === 'json' ? 'application/json' : 'application/x-www-form-urlencoded', { schema: schemaOf(contract.body!, 'input') }],
                  ),
                ),
              },
            }
          : {}),
        security: contract.auth === 'session' ? [{ bearer: [] }, { sessionCookie: [] }] : [],
        // The row of the capability table (shared/acl/capabilities.ts) that decides who may call it.
        'x-capability': contract.capability,
        responses,
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Opiq back end', version: '0.1.0', description: 'School e-textbook platform API (Estonia, Finland).' },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Error: errorEnvelope },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: '__Host-opiq_at', description: 'Writes also need the x-csrf-token header (the csrfToken from GET /api/auth/session or a sign-in answer).' },
      },
    },
  };
}
