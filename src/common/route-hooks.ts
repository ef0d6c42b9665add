import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

type RouteHookName = 'preHandler' | 'onSend' | 'onResponse';

/**
 * For hooks that serve only the GET routes carrying a decorator's config: called from fastify's
 * `onRoute`, it appends `hook` to that route's own hooks, so no other request pays for it.
 */
export function addGetRouteHook(route: RouteOptions, name: RouteHookName, hook: (request: FastifyRequest, reply: FastifyReply, ...rest: never[]) => Promise<unknown>): void {
  if (![route.method].flat().includes('GET')) return;
  const existing = route[name];
  (route as Record<RouteHookName, unknown>)[name] = [...(existing === undefined ? [] : [existing].flat()), hook];
}
