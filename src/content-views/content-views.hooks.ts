import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { addGetRouteHook } from '../common/route-hooks.js';
import { COUNTS_VIEW, type CountsViewOptions } from './counts-view.decorator.js';
import { ViewCounter } from './view-counter.service.js';

/**
 * Counts a view for every 200 answer of a @CountsView() route once it is sent: answers from the
 * handler and from the response cache alike (the cache answers before Nest's handlers run). The hook
 * is added to those routes alone, as each is registered.
 */
export function installViewCounting(app: NestFastifyApplication): void {
  const counter = app.get(ViewCounter);
  app.getHttpAdapter().getInstance().addHook('onRoute', (route) => {
    const options = route.config?.[COUNTS_VIEW as never] as CountsViewOptions | undefined;
    if (!options) return;
    addGetRouteHook(route, 'onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.method !== 'GET' || reply.statusCode !== 200) return;
      const uuid = (request.params as Record<string, unknown> | undefined)?.[options.param];
      if (typeof uuid === 'string') counter.record(options.kind, uuid);
    });
  });
}
