// oidc-provider ships no types; the tests use only its constructor, listen and on.
declare module 'oidc-provider' {
  import type { Server } from 'node:http';
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    listen(port: number, host: string): Server;
    on(event: string, listener: (...args: unknown[]) => void): void;
  }
}
