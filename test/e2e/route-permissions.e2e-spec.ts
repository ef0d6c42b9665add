import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { getMetadataStorage } from 'class-validator';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Test, type TestingModule } from '@nestjs/testing';
import fs from 'node:fs';
import path from 'node:path';
import { AppModule } from '../../src/app.module.js';
import { IS_PUBLIC } from '../../src/auth/public.decorator.js';
import { SCIM_TOKEN_ONLY } from '../../src/auth/scim-token-only.decorator.js';
import { SESSION_ONLY } from '../../src/auth/session-only.decorator.js';
import { ROUTE_ACCESS, type RouteAccess } from '../../src/authorization/route-access.decorator.js';
import { scopesOf } from '../../src/authorization/permissions.js';
import { CACHED_RESPONSE, type CachedResponseOptions } from '../../src/response-cache/cached-response.decorator.js';
import { testConfig } from '../support/app.js';

/**
 * Every route of the app with the access it declares (and whether the response cache may keep its
 * answers), compared with route-permissions.txt. A route that declares nothing fails here (the guard
 * would refuse it anyway); a changed permission or a newly cached route shows up as a diff to review. After adding routes, rewrite the file with
 * `UPDATE_ROUTE_PERMISSIONS=1 NODE_OPTIONS=--experimental-vm-modules npx jest test/e2e/route-permissions` and review the diff.
 */
const SNAPSHOT = path.resolve('test/e2e/route-permissions.txt');

function joinPath(...parts: string[]): string {
  return '/' + parts.flatMap((p) => p.split('/')).filter(Boolean).join('/');
}

function describeAccess(isPublic: boolean, access: RouteAccess | undefined): string {
  if (isPublic) return 'public';
  if (!access) return 'UNDECLARED';
  if (access.kind === 'self') return 'self';
  if (access.kind === 'scim-token') return 'scim-token';
  const resource = access.resource;
  // what the service checks on objects the request names in its body (see CheckedInService)
  const checks = (access.checkedInService ?? []).map((check) => `${check.permission} [${scopesOf(check.permission)}] on ${check.on}`);
  const inService = checks.length ? ` + in the service: ${checks.join('; ')}` : '';
  const permission = `${access.permission} [${scopesOf(access.permission)}]`;
  if (!resource) return `${permission}${inService}`;
  const where = resource.in === 'body' ? `body.${resource.param}` : resource.in === 'query' ? `?${resource.param}` : `:${resource.param}`;
  const inProject = resource.projectParam ? ` in :${resource.projectParam}` : '';
  return `${permission} (${resource.type} ${where}${inProject})${inService}`;
}

describe('route permissions', () => {
  let moduleRef: TestingModule;
  let listing: string[];
  /** cached routes whose answer may depend on a query parameter their cache key leaves out */
  let uncachedQueryParameters: string[];

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(testConfig()), DiscoveryModule] }).compile();
    const discovery = moduleRef.get(DiscoveryService);
    const scanner = moduleRef.get(MetadataScanner);
    const reflector = moduleRef.get(Reflector);
    listing = [];
    uncachedQueryParameters = [];
    for (const wrapper of discovery.getControllers()) {
      const controller = wrapper.metatype as new (...args: unknown[]) => object;
      if (!controller) continue;
      const prefix = Reflect.getMetadata(PATH_METADATA, controller) as string;
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name] as object;
        const route = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (route === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const isPublic = !!reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler as never, controller]);
        const access = reflector.getAllAndOverride<RouteAccess>(ROUTE_ACCESS, [handler as never, controller]);
        const sessionOnly = reflector.getAllAndOverride<boolean>(SESSION_ONLY, [handler as never, controller]) ? ' [session only]' : '';
        const scimTokenOnly = reflector.getAllAndOverride<boolean>(SCIM_TOKEN_ONLY, [handler as never, controller]) ? ' [SCIM token only]' : '';
        const routeConfig = reflector.get<Record<string, Required<CachedResponseOptions>> | undefined>(FASTIFY_ROUTE_CONFIG_METADATA, handler as never);
        const cachedQuery = routeConfig?.[CACHED_RESPONSE]?.query;
        const cached = cachedQuery ? ` [cached${cachedQuery.length ? `, query ${cachedQuery.join(' ')}` : ''}]` : '';
        if (cachedQuery) {
          for (const parameter of queryParametersOf(controller, name)) {
            if (!cachedQuery.includes(parameter)) uncachedQueryParameters.push(`${controller.name}.${name}: ?${parameter}`);
          }
        }
        listing.push(`${method.padEnd(6)} ${joinPath(prefix.startsWith('api/') ? '' : 'api/v1', prefix, route).padEnd(62)} ${describeAccess(isPublic, access)}${sessionOnly}${scimTokenOnly}${cached}`);
      }
    }
    listing.sort((a, b) => a.slice(7).localeCompare(b.slice(7)) || a.localeCompare(b));
  });
  afterAll(async () => moduleRef.close());

  it('declares a permission or a public/self marker on every route', () => {
    expect(listing.filter((line) => line.endsWith('UNDECLARED'))).toEqual([]);
    expect(listing.length).toBeGreaterThan(10);
  });

  it("keys every cached answer by each query parameter its route reads (else one caller's answer would serve another query)", () => {
    expect(listing.some((line) => line.includes('[cached, query'))).toBe(true);
    expect(uncachedQueryParameters).toEqual([]);
  });

  it('matches the reviewed listing in route-permissions.txt', () => {
    if (process.env.UPDATE_ROUTE_PERMISSIONS) fs.writeFileSync(SNAPSHOT, listing.join('\n') + '\n');
    const expected = fs.readFileSync(SNAPSHOT, 'utf8').trim().split('\n');
    expect(listing).toEqual(expected);
  });
});

/** The query parameters a handler reads: the properties its @Query() DTO declares, or the names of its @Query('name') arguments. */
function queryParametersOf(controller: Function, method: string): string[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, { index: number; data?: unknown }>;
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, method) ?? []) as Function[];
  return Object.entries(args)
    .filter(([key]) => Number(key.split(':')[0]) === RouteParamtypes.QUERY)
    .flatMap(([, { index, data }]) =>
      typeof data === 'string' ? [data] : [...new Set(getMetadataStorage().getTargetValidationMetadatas(types[index], '', false, false).map((m) => m.propertyName))],
    );
}
