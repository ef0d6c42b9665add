import type { ExecutionContext } from '@nestjs/common';

/**
 * A value derived from a route's decorators, computed on the route's first request and kept: the
 * metadata never changes once the application runs, and reading it (two reflect-metadata lookups a
 * key) on every request is a cost paid for nothing. Keyed by controller class and handler, since a
 * handler inherited by two controllers may carry different class decorators in each.
 */
export class PerRoute<T> {
  private readonly byController = new WeakMap<Function, WeakMap<Function, { value: T }>>();

  constructor(private readonly compute: (targets: [handler: Function, controller: Function]) => T) {}

  of(context: ExecutionContext): T {
    const handler = context.getHandler();
    const controller = context.getClass();
    let routes = this.byController.get(controller);
    if (!routes) this.byController.set(controller, (routes = new WeakMap()));
    let route = routes.get(handler);
    if (!route) routes.set(handler, (route = { value: this.compute([handler, controller]) }));
    return route.value;
  }
}
