import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';

/** fastify route config key read by the view-counting hook */
export const COUNTS_VIEW = 'countsView';

export type ViewedKind = 'chart' | 'dashboard';

export interface CountsViewOptions {
  kind: ViewedKind;
  /** the path parameter holding the chart's or dashboard's uuid */
  param: string;
}

/**
 * Each 200 answer of the route counts one view of the chart or dashboard its path names (`views`,
 * `firstViewedAt`), whether the handler or the response cache answered. It merges into the route's
 * fastify config; @CachedResponse() replaces that config, so put @CountsView above it (decorators apply
 * bottom-up).
 */
export const CountsView =
  (kind: ViewedKind, param: string): MethodDecorator =>
  (_target, _key, descriptor: PropertyDescriptor) => {
    const handler = descriptor.value as object;
    const config = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as Record<string, unknown> | undefined) ?? {};
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...config, [COUNTS_VIEW]: { kind, param } satisfies CountsViewOptions }, handler);
    return descriptor;
  };
