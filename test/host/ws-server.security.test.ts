import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../core/index.ts';
import { tempDbPath, tempDir } from '../helpers/temp-db.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const servers: RunningServer[] = [];
async function serve(opts: Parameters<typeof startServer>[0] = {}): Promise<RunningServer> {
  const s = await startServer({ db: tempDbPath(), ...opts });
  servers.push(s);
  return s;
}
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** How a WebSocket handshake ends: `open`, or the HTTP status it was refused with. */
function handshake(url: string, headers: Record<string, string> = {}): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (err) => reject(err));
  });
}

/** A plain HTTP GET: status, headers and body. */
function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the local server', () => {
  it('listens on 127.0.0.1 only', async () => {
    const s = await serve();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && !i.internal && i.family === 'IPv4');
    const targets = [outside?.address, '::1'].filter((a): a is string => a !== undefined);
    for (const host of targets) {
      const outcome = await new Promise<string>((resolve) => {
        const sock = connect({ host, port: s.port });
        sock.on('connect', () => {
          sock.destroy();
          resolve('connected');
        });
        sock.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      });
      expect(outcome, `connecting via ${host}`).not.toBe('connected');
    }
  });

  it('refuses a WebSocket without the token, or with a wrong one', async () => {
    const s = await serve();
    const base = `ws://127.0.0.1:${s.port}/ws`;
    expect(await handshake(base)).toBe(401);
    expect(await handshake(`${base}?token=`)).toBe(401);
    expect(await handshake(`${base}?token=${s.token.slice(0, -1)}x`)).toBe(401);
    expect(await handshake(s.wsUrl)).toBe('open');
  });

  it('refuses a WebSocket from a foreign Origin or Host, and lets its own origin in', async () => {
    const s = await serve();
    expect(await handshake(s.wsUrl, { Origin: 'http://evil.example' })).toBe(403);
    expect(await handshake(s.wsUrl, { Origin: `http://localhost.evil.example:${s.port}` })).toBe(
      403,
    );
    expect(await handshake(s.wsUrl, { Origin: 'null' })).toBe(403);
    expect(await handshake(s.wsUrl, { Host: `evil.example:${s.port}` })).toBe(403);
    expect(await handshake(s.wsUrl, { Origin: `http://127.0.0.1:${s.port}` })).toBe('open');
  });

  it('closes a connection that sends a frame above the size limit', async () => {
    const s = await serve({ maxFrameBytes: 64 * 1024 });
    const ws = new WebSocket(s.wsUrl);
    await new Promise((r) => ws.on('open', r));
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.send(
      JSON.stringify({ type: 'request', id: 1, method: 'info', params: 'x'.repeat(100_000) }),
    );
    expect(await closed).toBe(1009);
  });

  it('answers requests beyond the rate limit with RATE_LIMITED', async () => {
    const s = await serve({ maxRequestsPerSecond: 20 });
    const ws = new WebSocket(s.wsUrl);
    const codes: string[] = [];
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as {
        type: string;
        ok?: boolean;
        error?: { code: string };
      };
      if (f.type === 'response') codes.push(f.ok ? 'ok' : f.error!.code);
    });
    await new Promise((r) => ws.on('open', r));
    for (let i = 0; i < 60; i++)
      ws.send(JSON.stringify({ type: 'request', id: i, method: 'info' }));
    const start = Date.now();
    while (codes.length < 60 && Date.now() - start < 5000)
      await new Promise((r) => setTimeout(r, 5));
    expect(codes.filter((c) => c === 'ok').length).toBeGreaterThanOrEqual(20);
    expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThan(20);
    ws.close();
  });

  it('serves the app only with the token, under a strict CSP, and no file outside it', async () => {
    const root = tempDir();
    const dir = join(root, 'renderer');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(root, 'secret.txt'), 'secret');
    const s = await serve({ rendererDir: dir });
    const noToken = await get(s.port, '/');
    expect(noToken.status).toBe(401);
    expect(noToken.body).toMatch(/printed/);
    expect((await get(s.port, '/?token=wrong')).status).toBe(401);
    const app = await get(s.port, `/?token=${s.token}`);
    expect(app.status).toBe(200);
    expect(app.body).toContain('<title>app</title>');
    const csp = String(app.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${s.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(app.headers['referrer-policy']).toBe('no-referrer');
    expect(app.headers['x-content-type-options']).toBe('nosniff');
    const asset = await get(s.port, '/assets/app.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt'])
      expect((await get(s.port, path)).status, path).toBe(404);
    expect((await get(s.port, '/', { Host: 'evil.example' })).status).toBe(421);
  });

  it('lets the browser keep the hashed assets for good, but never the page with the token', async () => {
    const dir = join(tempDir(), 'renderer');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(dir, 'assets', 'index-Bx1y2z.js'), 'console.log(1)');
    writeFileSync(join(dir, 'robots.txt'), 'User-agent: *');
    const s = await serve({ rendererDir: dir });
    expect((await get(s.port, `/?token=${s.token}`)).headers['cache-control']).toBe('no-store');
    expect((await get(s.port, '/assets/index-Bx1y2z.js')).headers['cache-control']).toBe(
      'public, max-age=31536000, immutable',
    );
    expect((await get(s.port, '/robots.txt')).headers['cache-control']).toBe('no-cache');
  });
});
