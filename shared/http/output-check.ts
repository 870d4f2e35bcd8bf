import { Readable } from 'node:stream';

import { z } from 'zod';

import type { HttpContract } from '../platform/definitions.js';
import type { ErrorCode } from '../platform/errors.js';

type JsonSchema = Record<string, unknown>;

/** What a handler answered, as far as its contract speaks of it. */
interface Answer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Why `answer` is not what the route's output declares, or undefined when it is: the status, the body against the
 * schema (as the client receives it) with no field the schema does not name, Location on a redirect, no body on 204,
 * the media type of a file.
 */
export function outputProblem(contract: Pick<HttpContract, 'output' | 'successStatus' | 'otherStatuses'>, answer: Answer): string | undefined {
  const { output } = contract;
  const status = answer.status ?? contract.successStatus;
  const { body } = answer;
  if (output instanceof z.ZodType) {
    if (status !== contract.successStatus && !contract.otherStatuses.includes(status)) return `status ${status} is not declared`;
    // What the client receives: JSON drops undefined and turns dates into strings.
    const sent: unknown = body === undefined ? undefined : JSON.parse(JSON.stringify(body));
    const parsed = output.safeParse(sent);
    if (!parsed.success)
      return parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
    const extra = undeclaredFields(jsonSchemaOf(output), sent, '');
    return extra.length ? `fields the schema does not name: ${[...new Set(extra)].slice(0, 5).join(', ')}` : undefined;
  }
  if (output.kind === 'redirect')
    return status === output.status && answer.headers?.location ? undefined : `expected ${output.status} with Location, got ${status}`;
  if (output.kind === 'noContent') return status === 204 && body === undefined ? undefined : `expected 204 without a body, got ${status}`;
  const type = (answer.headers?.['content-type'] ?? '').split(';')[0]!.trim();
  return output.mediaTypes.includes(type) && (typeof body === 'string' || body instanceof Uint8Array || body instanceof Readable)
    ? undefined
    : `expected a file of ${output.mediaTypes.join(', ')}, got ${type || 'none'}`;
}

type RouteShape = Pick<HttpContract, 'auth' | 'params' | 'query' | 'body' | 'idempotencyKey'>;

/**
 * What the wrapper itself answers for a route of this shape, whatever its handler does: the session and CSRF checks,
 * the address, body and idempotency key, a store that stays busy, our own fault. A route never declares these;
 * OpenAPI lists them from here and `errors` besides.
 */
export function wrapperErrorCodes(contract: RouteShape, method: string): ErrorCode[] {
  const write = !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
  return [
    ...(contract.auth === 'session' ? (['unauthenticated', 'session_expired', 'session_revoked', 'forbidden'] as const) : []),
    ...(contract.auth === 'session' && write ? (['csrf_failed', 'account_read_only'] as const) : []),
    ...(contract.params ? (['invalid_parameter'] as const) : []),
    ...(contract.query ? (['invalid_query'] as const) : []),
    ...(contract.body
      ? (['malformed_json', 'duplicate_json_key', 'invalid_text', 'payload_too_large', 'unsupported_media_type', 'validation_failed'] as const)
      : []),
    ...(contract.idempotencyKey ? (['invalid_idempotency_key'] as const) : []),
    'store_unavailable',
    'internal_error',
  ];
}

/**
 * Why answering the error `code` breaks the route's contract, or undefined when it does not: every code a route answers
 * is one the wrapper answers for its shape or one it declares in `errors`, so the API docs list it.
 */
export function errorCodeProblem(contract: RouteShape & Pick<HttpContract, 'errors'>, method: string, code: ErrorCode): string | undefined {
  if (contract.errors.includes(code) || wrapperErrorCodes(contract, method).includes(code)) return undefined;
  return `error code ${code} is not declared in its errors`;
}

const jsonSchemas = new WeakMap<z.ZodType, JsonSchema>();

/** The output's JSON Schema as OpenAPI documents it (closed objects: additionalProperties false), once per schema. */
function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  let json = jsonSchemas.get(schema);
  if (!json)
    jsonSchemas.set(schema, (json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema));
  return json;
}

/**
 * Paths of the fields in `value` that `schema` does not name where the document says an object is closed: zod's
 * parse lets them through (and the answer is sent as the handler made it), but the API docs promise they are not there.
 */
function undeclaredFields(schema: JsonSchema, value: unknown, path: string, root: JsonSchema = schema): string[] {
  if (typeof schema.$ref === 'string') return undeclaredFields(resolve(root, schema.$ref), value, path, root);
  const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  // A union: the value fits its schema, so some branch names all its fields (the one with the fewest left over).
  if (branches) return branches.map((b) => undeclaredFields(b, value, path, root)).reduce((a, b) => (b.length < a.length ? b : a));
  // An intersection: a field is undeclared only when no part names it.
  if (Array.isArray(schema.allOf))
    return (schema.allOf as JsonSchema[])
      .map((part) => undeclaredFields(part, value, path, root))
      .reduce((a, b) => a.filter((field) => b.includes(field)));
  if (Array.isArray(value)) return schema.items ? value.flatMap((item) => undeclaredFields(schema.items as JsonSchema, item, `${path}[]`, root)) : [];
  if (value === null || typeof value !== 'object') return [];
  const properties = namedProperties(schema);
  const out: string[] = [];
  for (const [key, field] of Object.entries(value)) {
    const declared = properties[key];
    if (declared) out.push(...undeclaredFields(declared, field, `${path}.${key}`, root));
    else if (typeof schema.additionalProperties === 'object')
      out.push(...undeclaredFields(schema.additionalProperties as JsonSchema, field, `${path}.${key}`, root));
    else if (schema.additionalProperties === false) out.push(`${path}.${key}`.slice(1));
  }
  return out;
}

const namedProperties = (schema: JsonSchema) => (schema.properties ?? {}) as Record<string, JsonSchema>;
function resolve(root: JsonSchema, ref: string): JsonSchema {
  const name = ref.split('/').pop() ?? '';
  return ((root.$defs ?? {}) as Record<string, JsonSchema>)[name] ?? {};
}
