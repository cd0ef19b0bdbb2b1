/**
 * The local server of `rehearsal serve`: the Engine API over a WebSocket, and the built renderer
 * over HTTP, on one port of 127.0.0.1. The only file that imports `ws` (STYLE.md habit 4); it
 * only moves frames — every decision about a frame is `dispatch.ts`.
 *
 * Contract:
 * 1. Binds 127.0.0.1 only (never 0.0.0.0 or ::), on the given port or a free one.
 * 2. A random per-run token (256 bits, base64url) is required in the query (`?token=`) to open
 *    the WebSocket (`/ws`) and to get the app page; it is compared in constant time. Static assets
 *    (the bundle, no secrets) are served without it so the page can load them.
 * 3. The WebSocket refuses a foreign `Origin` (only the server's own `http://127.0.0.1:PORT` and
 *    clients that send none, like Node, are let in) and a foreign `Host` (DNS rebinding).
 * 4. Frames above `maxFrameBytes` (default 1 MiB) close the connection (1009); frames beyond
 *    `maxRequestsPerSecond` (default 200) per connection get `RATE_LIMITED`; a client that reads
 *    too slowly (more than 32 MiB unsent) is disconnected (1013) and resumes from its last seq.
 * 5. Every HTTP answer carries a strict CSP (`default-src 'self'`, WebSocket only to this port),
 *    `nosniff`, `no-referrer` (the token is in the URL) and `frame-ancestors 'none'`.
 * 6. Caching: the page itself is `no-store` (it is the token's door); the built assets under
 *    `/assets/` carry a content hash in their names, so the browser keeps them for a year
 *    (`immutable`) and a reload or a second run's page costs no asset request; anything else is
 *    `no-cache`.
 * 7. A subscription's events gather for up to 16 ms of wall time before they are sent (dispatch.ts
 *    item 3), so a fast run costs the page a frame per display frame, not one per event.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock } from '../clock/clock.ts';
import { RealClock } from '../clock/real-clock.ts';
import { RehearsalError } from '../errors.ts';
import { silentLogger, type Logger } from '../logging.ts';
import type { EngineApi } from './api/engine-api.ts';
import type { ServerFrame } from './api/rpc.ts';
import { helloFrame, openSession } from './dispatch.ts';
import { EngineHost, type EngineHostOptions } from './engine-host.ts';
import { DEFAULT_RENDERER_DIR, readStatic } from './static-files.ts';

/** Options of `startServer`. */
export type ServerOptions = Partial<Omit<EngineHostOptions, 'db'>> & {
  /** A prebuilt engine (the caller closes it); otherwise one is opened on `db`. */
  host?: EngineApi;
  /** Database of the engine the server opens (required without `host`). */
  db?: string;
  /** Port to listen on (default: a free one). */
  port?: number;
  /** The built renderer (default `dist/renderer`). */
  rendererDir?: string;
  /** Default 1 MiB. */
  maxFrameBytes?: number;
  /** Default 200. */
  maxRequestsPerSecond?: number;
};

/** A running server. */
export type RunningServer = {
  /** The app URL to print: `http://127.0.0.1:PORT/?token=TOKEN`. */
  url: string;
  /** The Engine API endpoint: `ws://127.0.0.1:PORT/ws?token=TOKEN`. */
  wsUrl: string;
  token: string;
  port: number;
  /** The engine behind the server. */
  host: EngineApi;
  /** Closes every connection and the server (and the engine when the server opened it). */
  close(): Promise<void>;
};

const LOOPBACK = '127.0.0.1';
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
/** Wall ms the events of a subscription gather before they are sent (one display frame). */
const EVENTS_FRAME_MS = 16;

/** Constant-time token comparison (hashing first, so lengths do not leak either). */
function tokenMatches(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      `connect-src 'self' ws://${LOOPBACK}:${port}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

const TOKEN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rehearsal</title></head>
<body><h1>Rehearsal</h1>
<p>This engine only talks to the URL it printed when it started: open the link shown by
<code>rehearsal serve</code> in your terminal (it ends in <code>?token=…</code>).</p>
</body></html>
`;

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rehearsal</title></head>
<body><h1>Rehearsal</h1>
<p>The engine is running, but the app is not built: run <code>npm run build:renderer</code> and
reload.</p>
</body></html>
`;

/**
 * Starts the server (see the module contract).
 * @throws RehearsalError `PORT_IN_USE`, `DB_FILE_REQUIRED`, and the engine's own open errors.
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const wall: Clock = opts.wallClock ?? new RealClock();
  const logger: Logger = opts.logger ?? silentLogger;
  const maxFrameBytes = opts.maxFrameBytes ?? 1024 * 1024;
  const perSecond = opts.maxRequestsPerSecond ?? 200;
  const rendererDir = opts.rendererDir ?? DEFAULT_RENDERER_DIR;
  const token = randomBytes(32).toString('base64url');

  let owned: EngineHost | null = null;
  let api: EngineApi;
  if (opts.host) api = opts.host;
  else {
    if (!opts.db)
      throw new RehearsalError(
        'DB_FILE_REQUIRED',
        'startServer needs a database file (`db`) or an engine (`host`)',
      );
    const {
      host: _h,
      port: _p,
      rendererDir: _r,
      maxFrameBytes: _m,
      maxRequestsPerSecond: _q,
      ...rest
    } = opts;
    owned = await EngineHost.open({ ...rest, db: opts.db });
    api = owned;
  }

  let port = 0;
  const allowedHosts = (): string[] => [`${LOOPBACK}:${port}`, `localhost:${port}`];
  const allowedOrigins = (): string[] => [`http://${LOOPBACK}:${port}`];

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const headers = securityHeaders(port);
    const reply = (status: number, type: string, body: string | Buffer, extra = {}): void => {
      res.writeHead(status, { ...headers, 'Content-Type': type, ...extra });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (!allowedHosts().includes(req.headers.host ?? ''))
      return reply(421, 'text/plain; charset=utf-8', 'unknown Host\n');
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return reply(405, 'text/plain; charset=utf-8', 'method not allowed\n', {
        Allow: 'GET, HEAD',
      });
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}:${port}`);
    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (!tokenMatches(url.searchParams.get('token'), token))
        return reply(401, 'text/html; charset=utf-8', TOKEN_PAGE, { 'Cache-Control': 'no-store' });
      const index = readStatic(rendererDir, '/index.html');
      return index
        ? reply(200, index.type, index.body, { 'Cache-Control': 'no-store' })
        : reply(200, 'text/html; charset=utf-8', NOT_BUILT_PAGE, { 'Cache-Control': 'no-store' });
    }
    if (url.pathname === '/ws')
      return reply(426, 'text/plain; charset=utf-8', 'use a WebSocket\n', { Upgrade: 'websocket' });
    const file = readStatic(rendererDir, url.pathname);
    if (!file) return reply(404, 'text/plain; charset=utf-8', 'not found\n');
    return reply(200, file.type, file.body, {
      'Cache-Control': url.pathname.startsWith('/assets/')
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    });
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes });
  const server = createServer(onRequest);
  const sockets = new Set<Duplex>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}:${port}`);
    if (url.pathname !== '/ws') return refuse(404, 'Not Found');
    if (!allowedHosts().includes(req.headers.host ?? '')) return refuse(403, 'Forbidden');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().includes(origin)) return refuse(403, 'Forbidden');
    if (!tokenMatches(url.searchParams.get('token'), token)) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const send = (frame: ServerFrame): void => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.close(1013, 'client too slow; reconnect and resume from the last seq');
        return;
      }
      ws.send(JSON.stringify(frame));
    };
    const session = openSession(api, send, {
      rateLimit: { perSecond, now: () => wall.now() },
      batchEvents: (flush) => void wall.setTimer(EVENTS_FRAME_MS, flush, { background: true }),
      onInternalError: (err) =>
        logger.log({
          level: 'ERROR',
          logger: 'rehearsal.server',
          message: 'request failed',
          error: err,
        }),
    });
    send(helloFrame());
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? null : Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
      void session.receive(text ?? { binary: true });
    });
    ws.on('close', () => session.close());
    ws.on('error', () => session.close());
  });

  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, LOOPBACK, () => {
        server.off('error', reject);
        resolveListen();
      });
    });
  } catch (err) {
    await owned?.close();
    const code = (err as { code?: string }).code;
    throw new RehearsalError(
      code === 'EADDRINUSE' ? 'PORT_IN_USE' : 'SERVER_START_FAILED',
      code === 'EADDRINUSE'
        ? `port ${opts.port} on ${LOOPBACK} is in use; pick another one or leave it out to use a free one`
        : `cannot listen on ${LOOPBACK}:${opts.port ?? 0}: ${(err as Error).message}`,
      { port: opts.port ?? 0 },
    );
  }
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${LOOPBACK}:${port}/?token=${token}`,
    wsUrl: `ws://${LOOPBACK}:${port}/ws?token=${token}`,
    token,
    port,
    host: api,
    close() {
      closing ??= (async () => {
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((r) => wss.close(() => r()));
        await new Promise<void>((r) => {
          server.close(() => r());
          for (const s of sockets) s.destroy();
        });
        await owned?.close();
      })();
      return closing;
    },
  };
}
