import type { HttpMethod } from '@azure/functions';
import { describe, expect, it } from 'vitest';

import type { HttpDefinition } from '../platform/definitions.js';
import { RouteTable } from './route-table.js';
import { compileRoute, matchRoute, routeShape } from './routes.js';

const match = (template: string, path: string) => matchRoute(compileRoute(template), path);

const def = (name: string, route: string, methods: HttpMethod[] = ['GET']): HttpDefinition => ({
  kind: 'http',
  name,
  route,
  methods,
  contract: {
    summary: name,
    tags: [],
    auth: 'public',
    usesSession: false,
    capability: 'public',
    bodyTypes: ['json'],
    output: { kind: 'noContent' },
    successStatus: 200,
    otherStatuses: [],
    errors: [],
    errorRedirect: false,
  },
  handler: async () => ({ status: 200 }),
});

describe('matchRoute', () => {
  it('matches literal segments case-insensitively, and only whole paths', () => {
    expect(match('accounts/me', 'Accounts/ME')).toEqual({});
    expect(match('Accounts/Me', 'accounts/me')).toEqual({});
    expect(match('/accounts/me/', 'accounts/me')).toEqual({});
    expect(match('accounts/me', 'accounts/you')).toBeUndefined();
    expect(match('accounts/me', 'accounts/me/extra')).toBeUndefined();
    expect(match('accounts/me', 'accounts')).toBeUndefined();
  });

  it('captures a {param} segment URL-decoded, keeping its case', () => {
    expect(match('accounts/{id}', 'accounts/AbC')).toEqual({ id: 'AbC' });
    expect(match('accounts/{id}', 'accounts/a%20b%2Fc')).toEqual({ id: 'a b/c' });
    expect(match('schools/{schoolId}/classes/{classId}', 'schools/s1/classes/c%C3%B5')).toEqual({ schoolId: 's1', classId: 'cõ' });
    expect(match('accounts/{id}', 'accounts')).toBeUndefined();
    // A malformed escape is kept as sent rather than throwing.
    expect(match('accounts/{id}', 'accounts/%E0%A4%A')).toEqual({ id: '%E0%A4%A' });
  });

  it('{param?} may be absent', () => {
    expect(match('works/{id?}', 'works')).toEqual({});
    expect(match('works/{id?}', 'works/w1')).toEqual({ id: 'w1' });
    expect(match('works/{id?}', 'works/w1/more')).toBeUndefined();
  });

  it('{*path} captures the rest of the path, decoded, including nothing', () => {
    expect(match('files/{*path}', 'files/a/b%20c/d.txt')).toEqual({ path: 'a/b c/d.txt' });
    expect(match('files/{*path}', 'files')).toEqual({ path: '' });
    expect(match('{*rest}', 'anything/at/all')).toEqual({ rest: 'anything/at/all' });
    expect(match('files/{*path}', 'other/a')).toBeUndefined();
  });

  it('{n:int} and {g:guid} constraints reject values of the wrong form', () => {
    expect(match('items/{n:int}', 'items/42')).toEqual({ n: '42' });
    expect(match('items/{n:int}', 'items/-7')).toEqual({ n: '-7' });
    expect(match('items/{n:int}', 'items/4x2')).toBeUndefined();
    expect(match('items/{n:int}', 'items/1.5')).toBeUndefined();
    const guid = '3F2504E0-4F89-41D3-9A0C-0305E82C3301';
    expect(match('orders/{g:guid}', `orders/${guid}`)).toEqual({ g: guid });
    expect(match('orders/{g:guid}', 'orders/3F2504E0-4F89-41D3-9A0C')).toBeUndefined();
    expect(match('orders/{g:guid}', 'orders/not-a-guid')).toBeUndefined();
  });

  it('unsupported segments and constraints throw when the template is compiled', () => {
    expect(() => compileRoute('a/b{id}')).toThrow(/Unsupported route segment/);
    expect(() => compileRoute('a/{id')).toThrow(/Unsupported route segment/);
    expect(() => compileRoute('a/{id:regex(x)}')).toThrow(/Unsupported route segment/);
    expect(() => compileRoute('a/{id:datetime}')).toThrow(/Unsupported route constraint/);
    // Names of Object.prototype members are not constraints either.
    expect(() => compileRoute('a/{id:constructor}')).toThrow(/Unsupported route constraint/);
    expect(() => compileRoute('a/{id:tostring}')).toThrow(/Unsupported route constraint/);
  });
});

describe('routeShape', () => {
  it('is equal for templates that differ only in parameter names or literal case', () => {
    expect(routeShape('schools/{schoolId}/classes/{classId}')).toBe(routeShape('Schools/{id}/classes/{x}'));
    expect(routeShape('files/{*path}')).toBe(routeShape('files/{*rest}'));
    expect(routeShape('items/{n:int}')).toBe(routeShape('items/{count:int}'));
  });

  it('differs when the paths they answer differ', () => {
    expect(routeShape('items/{id}')).not.toBe(routeShape('items/{id:int}'));
    expect(routeShape('items/{id}')).not.toBe(routeShape('items/{id?}'));
    expect(routeShape('items/{id}')).not.toBe(routeShape('items/{*id}'));
    expect(routeShape('items/{id}')).not.toBe(routeShape('things/{id}'));
  });
});

describe('RouteTable', () => {
  const definitions = [
    def('catch-all', '{*path}', ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']),
    def('account-by-id', 'accounts/{id}', ['GET', 'PATCH']),
    def('account-me', 'accounts/me', ['GET']),
    def('item-by-number', 'items/{n:int}', ['GET']),
    def('item-by-name', 'items/{name}', ['GET', 'DELETE']),
  ];

  it('literal beats parameter beats catch-all, whatever the definition order', () => {
    for (const order of [definitions, [...definitions].reverse()]) {
      const table = new RouteTable(order);
      expect(table.find('GET', 'accounts/me')?.definition.name).toBe('account-me');
      expect(table.find('GET', 'ACCOUNTS/ME')?.definition.name).toBe('account-me');
      expect(table.find('GET', 'accounts/a-1')).toMatchObject({ definition: { name: 'account-by-id' }, params: { id: 'a-1' } });
      expect(table.find('GET', 'items/12')).toMatchObject({ definition: { name: 'item-by-number' }, params: { n: '12' } });
      expect(table.find('GET', 'items/twelve')).toMatchObject({ definition: { name: 'item-by-name' }, params: { name: 'twelve' } });
      expect(table.find('GET', 'nothing/here')).toMatchObject({ definition: { name: 'catch-all' }, params: { path: 'nothing/here' } });
    }
  });

  it('matches the method too (case-insensitively), falling through to a less specific route that accepts it', () => {
    const table = new RouteTable(definitions);
    expect(table.find('patch', 'accounts/a-1')?.definition.name).toBe('account-by-id');
    // accounts/me is GET only; PATCH on it goes to accounts/{id}, as the host would.
    expect(table.find('PATCH', 'accounts/me')?.definition.name).toBe('account-by-id');
    expect(table.find('POST', 'accounts/a-1')?.definition.name).toBe('catch-all');
    expect(new RouteTable(definitions.slice(1)).find('POST', 'accounts/a-1')).toBeUndefined();
  });

  it('finds routes whose first segment is a parameter among routes grouped by their first literal, and decodes before comparing', () => {
    const table = new RouteTable([...definitions, def('tenant-settings', '{tenant}/settings')]);
    expect(table.find('GET', 'acme/settings')).toMatchObject({ definition: { name: 'tenant-settings' }, params: { tenant: 'acme' } });
    expect(table.find('GET', 'accounts/settings')).toMatchObject({ definition: { name: 'account-by-id' }, params: { id: 'settings' } });
    expect(table.find('GET', 'acc%6Funts/me')?.definition.name).toBe('account-me');
    expect(table.find('GET', 'acc%6Funts/a%2F1')).toMatchObject({ definition: { name: 'account-by-id' }, params: { id: 'a/1' } });
    expect(table.find('OPTIONS', 'accounts/me')).toBeUndefined();
  });

  it('allowedMethods lists what non-catch-all routes accept on the path', () => {
    const table = new RouteTable(definitions);
    expect(table.allowedMethods('accounts/me')).toEqual(['GET', 'PATCH']);
    expect(table.allowedMethods('items/5')).toEqual(['DELETE', 'GET']);
    expect(table.allowedMethods('nothing/here')).toEqual([]);
  });
});
