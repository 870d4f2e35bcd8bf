import { z } from 'zod';

import type { HttpContract } from '../platform/definitions.js';
import { statusOf } from './error-catalogue.js';
import { wrapperErrorCodes } from './output-check.js';
import type { RouteTable } from './route-table.js';
import { compileRoute } from './routes.js';

type JsonSchema = Record<string, unknown>;

/** The document /api/openapi.json answers (its own output schema: the route that serves it declares one like every route). */
export const openApiDocumentSchema = z.object({
  openapi: z.literal('3.1.0'),
  info: z.object({ title: z.string(), version: z.string(), description: z.string() }),
  servers: z.array(z.object({ url: z.string() })),
  paths: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown()))),
  components: z.object({
    schemas: z.record(z.string(), z.record(z.string(), z.unknown())),
    securitySchemes: z.record(z.string(), z.record(z.string(), z.unknown())),
  }),
});
export type OpenApiDocument = z.infer<typeof openApiDocumentSchema>;

const ERROR_REF = { $ref: '#/components/schemas/Error' };

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

/** The success answers of an operation, from its declared output: a JSON schema, a redirect, 204 or a file. */
function successResponses(contract: HttpContract): Record<string, JsonSchema> {
  const { output } = contract;
  if (output instanceof z.ZodType) {
    const response = { description: 'Success', content: { 'application/json': { schema: schemaOf(output, 'output') } } };
    return Object.fromEntries([contract.successStatus, ...contract.otherStatuses].map((status) => [String(status), response]));
  }
  if (output.kind === 'redirect')
    return {
      [String(output.status)]: {
        description: `${output.status === 303 ? 'See Other' : 'Found'}: the browser is sent to ${output.to}.`,
        headers: { Location: { required: true, schema: { type: 'string', format: 'uri-reference' }, description: output.to } },
      },
    };
  if (output.kind === 'noContent') return { '204': { description: 'No Content' } };
  return { '200': { description: 'Success', content: Object.fromEntries(output.mediaTypes.map((type) => [type, { schema: { type: 'string' } }])) } };
}

/**
 * Every error an operation can answer, by status, with its codes: what the wrapper itself answers for this kind of
 * route (session, CSRF, access, input, body, store) plus the catalogued codes the route declares it throws.
 */
function errorCodesOf(contract: HttpContract, method: string): Map<number, Set<string>> {
  const codes = new Map<number, Set<string>>();
  for (const code of [...wrapperErrorCodes(contract, method), ...contract.errors]) {
    const status = statusOf(code);
    codes.set(status, (codes.get(status) ?? new Set<string>()).add(code));
  }
  return codes;
}

function errorResponses(contract: HttpContract, method: string): Record<string, JsonSchema> {
  // A browser sent here by another site gets a redirect for every error, never a JSON error page.
  if (contract.errorRedirect) return {};
  const responses: Record<string, JsonSchema> = {};
  for (const [status, codes] of [...errorCodesOf(contract, method)].sort(([a], [b]) => a - b)) {
    const retry = status === 429 || status === 503;
    responses[String(status)] = {
      description: `Error: ${[...codes].join(', ')}`,
      ...(retry ? { headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait before trying again.' } } } : {}),
      content: { 'application/json': { schema: ERROR_REF } },
      'x-error-codes': [...codes],
    };
  }
  return responses;
}

/** The OpenAPI 3.1 document, built from the same zod schemas the wrapper validates with. */
export function buildOpenApi(table: RouteTable): OpenApiDocument {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const { definition, compiled } of table.entries) {
    if (compiled.segments.some((s) => s.kind === 'catchAll')) continue; // the not-found fallback is not an API
    const { contract } = definition;
    const path = openApiPath(definition.route);
    const item = (paths[path] ??= {});
    for (const method of definition.methods) {
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
        responses: { ...successResponses(contract), ...errorResponses(contract, method) },
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
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: '__Host-opiq_at',
          description: 'Writes also need the x-csrf-token header (the csrfToken from GET /api/auth/session or a sign-in answer).',
        },
      },
    },
  };
}
