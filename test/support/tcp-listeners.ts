import { freePort } from '../../src/database/embedded-postgres.js';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A real TCP listener on 127.0.0.1 that records every connection and every byte it receives. */
export interface RecordingListener {
  port: number;
  connections: () => number;
  received: () => Buffer;
  close(): Promise<void>;
}

async function listen(onConnection: (socket: Socket, record: (data: Buffer) => void) => void): Promise<RecordingListener> {
  let connections = 0;
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket, (data) => chunks.push(data));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => connections,
    received: () => Buffer.concat(chunks),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Accepts connections and never answers. */
export function silentListener(): Promise<RecordingListener> {
  return listen((socket, record) => socket.on('data', record));
}

/** Accepts connections and closes each at once. */
export function closingListener(): Promise<RecordingListener> {
  return listen((socket) => socket.destroy());
}

/**
 * Speaks just enough of the PostgreSQL protocol to be sent a password: it answers the startup message
 * with "cleartext password, please" and records what comes back, then closes.
 */
export function passwordRecordingPostgres(): Promise<RecordingListener> {
  return listen((socket, record) => {
    let startupSeen = false;
    socket.on('data', (data) => {
      record(data);
      if (startupSeen) return void socket.end();
      startupSeen = true;
      const sslRequest = data.length === 8 && data.readInt32BE(4) === 80877103;
      if (sslRequest) {
        startupSeen = false;
        socket.write('N');
        return;
      }
      // AuthenticationCleartextPassword: 'R', length 8, code 3
      const message = Buffer.alloc(9);
      message.write('R', 0);
      message.writeInt32BE(8, 1);
      message.writeInt32BE(3, 5);
      socket.write(message);
    });
  });
}

/** A port on 127.0.0.1 that nothing listens on, outside the range the OS gives outgoing connections (freePort). */
export async function closedPort(): Promise<number> {
  return freePort();
}

/** A TCP proxy to `target` that holds every connection until release() is called, then forwards it. */
export interface HeldProxy extends RecordingListener {
  release(): void;
}

export async function heldProxy(target: { host: string; port: number }): Promise<HeldProxy> {
  let released = false;
  const waiting: (() => void)[] = [];
  const listener = await listen((client) => {
    const forward = () => {
      const upstream = connect(target.port, target.host);
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    };
    if (released) forward();
    else waiting.push(forward);
  });
  return {
    ...listener,
    release: () => {
      released = true;
      for (const forward of waiting.splice(0)) forward();
    },
  };
}
