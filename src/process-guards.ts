import type { Logger } from 'pino';

/**
 * Nothing the server does for a caller may end the process (DESIGN §9): a promise rejection nobody
 * handled, or an exception thrown outside any request's await chain (a callback, a timer, an
 * emitter without an `error` listener), is logged and the server keeps serving the other requests.
 * Node's default would exit and drop every request in flight.
 */
export function installProcessGuards(log: Pick<Logger, 'error' | 'fatal'>): void {
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason }, 'Unhandled promise rejection; the server keeps serving');
  });
  process.on('uncaughtException', (error, origin) => {
    log.fatal({ err: error, origin }, 'Uncaught exception; the server keeps serving');
  });
}
