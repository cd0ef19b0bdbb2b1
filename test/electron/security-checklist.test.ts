/**
 * Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security), one
 * test per item, against electron/security.ts: the settings and handlers every window uses, as
 * data and pure functions, so they are checked without the Electron binary. The wiring of these
 * into the real objects (window.ts, main.ts, preload.ts) is electron-wiring.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EngineHost, openSession, type DispatchSession } from '../../core/index.ts';
import {
  CONTENT_SECURITY_POLICY,
  denyPermissionCheck,
  denyPermissionRequest,
  denyWebview,
  denyWindowOpen,
  frameRelay,
  isAppPage,
  isRelayableFrame,
  isTrustedSender,
  mainWindowOptions,
  MAX_FRAME_CHARS,
  navigationGuard,
  WEB_PREFERENCES,
  withCsp,
  type IpcSender,
} from '../../electron/security.ts';
import { tempDbPath } from '../helpers/temp-db.ts';

const APP_URL = 'file:///opt/Rehearsal/resources/app/dist/renderer/index.html';
const ELECTRON_DIR = fileURLToPath(new URL('../../electron/', import.meta.url));

/** Every source file of the Electron shell, by name. */
function electronSources(): Record<string, string> {
  return Object.fromEntries(
    readdirSync(ELECTRON_DIR)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => [f, readFileSync(`${ELECTRON_DIR}${f}`, 'utf8')]),
  );
}

/** The CSP of renderer/index.html's `<meta>`, as directive → sources. */
function metaCsp(): Map<string, string[]> {
  const html = readFileSync(
    fileURLToPath(new URL('../../renderer/index.html', import.meta.url)),
    'utf8',
  );
  const content = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
  expect(content, 'renderer/index.html has a CSP meta tag').toBeDefined();
  return parseCsp(content!);
}

function parseCsp(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

/** A fake IPC event from `contents`, sent by a frame showing `url`. */
function ipcEvent(contents: unknown, url: string, parent: unknown = null): IpcSender {
  return { sender: contents, senderFrame: { url, parent } };
}

describe("Electron's security checklist", () => {
  it('1. only loads secure content: nothing remote can be navigated to, scripted or fetched', () => {
    for (const remote of ['http://example.com/', 'https://example.com/app.js', 'ws://evil.test/'])
      expect(isAppPage(APP_URL, remote), remote).toBe(false);
    const csp = parseCsp(CONTENT_SECURITY_POLICY);
    for (const [directive, sources] of csp)
      for (const s of sources)
        expect(["'self'", "'none'", 'data:'], `${directive} ${s}`).toContain(s);
  });

  it('2. does not enable Node.js integration for remote content (nor workers, nor subframes)', () => {
    expect(WEB_PREFERENCES.nodeIntegration).toBe(false);
    expect(WEB_PREFERENCES.nodeIntegrationInWorker).toBe(false);
    expect(WEB_PREFERENCES.nodeIntegrationInSubFrames).toBe(false);
    expect(mainWindowOptions('/app/preload.cjs').webPreferences?.nodeIntegration).toBe(false);
  });

  it('3. enables context isolation', () => {
    expect(WEB_PREFERENCES.contextIsolation).toBe(true);
    expect(mainWindowOptions('/app/preload.cjs').webPreferences?.contextIsolation).toBe(true);
  });

  it('4. enables process sandboxing', () => {
    expect(WEB_PREFERENCES.sandbox).toBe(true);
    const opts = mainWindowOptions('/app/preload.cjs');
    expect(opts.webPreferences).toMatchObject({ sandbox: true, preload: '/app/preload.cjs' });
  });

  it('5. handles session permission requests: every request and check is denied', () => {
    const permissions = ['media', 'geolocation', 'notifications', 'openExternal', 'fullscreen'];
    for (const p of permissions) {
      let granted: boolean | undefined;
      denyPermissionRequest(null, p, (g) => (granted = g));
      expect(granted, p).toBe(false);
    }
    expect(denyPermissionCheck()).toBe(false);
  });

  it('6. does not disable webSecurity', () => {
    expect(WEB_PREFERENCES.webSecurity).toBe(true);
  });

  it('7. defines a Content-Security-Policy, in the page and on responses', () => {
    const csp = parseCsp(CONTENT_SECURITY_POLICY);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)|\*/);
    // Responses get it, replacing any other policy.
    const headers = withCsp({
      responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] },
    }).responseHeaders;
    expect(headers).toEqual({
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      'X-Other': ['1'],
    });
    // file: loads have no headers: the page's own <meta> is as strict for scripts and plugins.
    const meta = metaCsp();
    expect(meta.get('script-src')).toEqual(["'self'"]);
    expect(meta.get('object-src')).toEqual(["'none'"]);
    expect(meta.get('base-uri')).toEqual(["'none'"]);
    expect([...meta.values()].flat().join(' ')).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('8. does not enable allowRunningInsecureContent', () => {
    expect(WEB_PREFERENCES.allowRunningInsecureContent).toBe(false);
  });

  it('9. does not enable experimental features', () => {
    expect(WEB_PREFERENCES.experimentalFeatures).toBe(false);
  });

  it('10. does not use enableBlinkFeatures', () => {
    expect(WEB_PREFERENCES.enableBlinkFeatures).toBe('');
  });

  it('11. does not use allowpopups for WebViews: the <webview> tag is off', () => {
    expect(WEB_PREFERENCES.webviewTag).toBe(false);
    for (const [file, text] of Object.entries(electronSources()))
      expect(text, file).not.toMatch(/allowpopups/i);
  });

  it('12. verifies WebView options before creation: no <webview> is ever attached', () => {
    let prevented = false;
    denyWebview({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });

  it("13. disables or limits navigation: only to the app's own page", () => {
    const guard = navigationGuard(APP_URL);
    const outcome = (target: string): 'allowed' | 'blocked' => {
      let blocked = false;
      guard({ preventDefault: () => (blocked = true) }, target);
      return blocked ? 'blocked' : 'allowed';
    };
    expect(outcome(APP_URL)).toBe('allowed');
    expect(outcome(`${APP_URL}?theme=dark#/queues`)).toBe('allowed');
    expect(outcome('file:///etc/passwd')).toBe('blocked');
    expect(outcome('file:///opt/Rehearsal/resources/app/dist/renderer/other.html')).toBe('blocked');
    expect(outcome('https://example.com/')).toBe('blocked');
    expect(outcome('javascript:alert(1)')).toBe('blocked');
    expect(outcome('not a url')).toBe('blocked');
    // A dev server: same origin only.
    const dev = navigationGuard('http://localhost:5173/');
    let blocked = false;
    dev({ preventDefault: () => (blocked = true) }, 'http://localhost:5174/');
    expect(blocked).toBe(true);
    expect(isAppPage('http://localhost:5173/', 'http://localhost:5173/index.html')).toBe(true);
  });

  it('14. disables or limits the creation of new windows: window.open is always denied', () => {
    expect(denyWindowOpen()).toEqual({ action: 'deny' });
  });

  it('15. does not use shell.openExternal with untrusted content (nor at all)', () => {
    for (const [file, text] of Object.entries(electronSources()))
      expect(text, file).not.toMatch(/openExternal|\bshell\b/);
  });

  it('16. uses a current version of Electron', () => {
    const pkg = JSON.parse(
      readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8'),
    ) as { devDependencies: Record<string, string> };
    const major = Number(/\d+/.exec(pkg.devDependencies.electron ?? '')?.[0]);
    // Electron supports its latest three majors; 38 was current in late 2025.
    expect(major).toBeGreaterThanOrEqual(38);
  });

  it('17. validates the sender of all IPC messages: this window, its top frame, the app page', () => {
    const contents = { id: 1 };
    const other = { id: 2 };
    expect(isTrustedSender(ipcEvent(contents, APP_URL), contents, APP_URL)).toBe(true);
    expect(isTrustedSender(ipcEvent(contents, `${APP_URL}#/x`), contents, APP_URL)).toBe(true);
    expect(isTrustedSender(ipcEvent(other, APP_URL), contents, APP_URL), 'another window').toBe(
      false,
    );
    expect(
      isTrustedSender(ipcEvent(contents, APP_URL, { url: APP_URL }), contents, APP_URL),
      'an iframe',
    ).toBe(false);
    expect(isTrustedSender(ipcEvent(contents, 'https://evil.test/'), contents, APP_URL)).toBe(
      false,
    );
    // A prefix of the app's path is not the app's page (the old `startsWith` check allowed it).
    expect(isTrustedSender(ipcEvent(contents, `${APP_URL}.evil.html`), contents, APP_URL)).toBe(
      false,
    );
    expect(isTrustedSender({ sender: contents, senderFrame: null }, contents, APP_URL)).toBe(false);
    expect(isTrustedSender({ sender: contents }, contents, APP_URL)).toBe(false);
  });

  it('17b. validates every IPC frame: plain JSON within 1 MiB, then the zod frame schemas', async () => {
    expect(isRelayableFrame({ type: 'request', id: 1, method: 'info', params: undefined })).toBe(
      true,
    );
    const cyclic: Record<string, unknown> = { type: 'request' };
    cyclic.self = cyclic;
    for (const bad of [
      null,
      'text',
      [1],
      new Map([['type', 'request']]),
      { type: 'request', at: new Date(0) },
      { type: 'request', bytes: new Uint8Array(4) },
      { type: 'request', n: Number.NaN },
      { type: 'request', big: 'x'.repeat(MAX_FRAME_CHARS) },
      cyclic,
    ])
      expect(isRelayableFrame(bad), String(bad)).toBe(false);

    // What passes is validated by the dispatcher's zod schemas, like any WebSocket frame.
    const host = await EngineHost.open({ db: tempDbPath() });
    const sent: unknown[] = [];
    const session: DispatchSession = openSession(host, (f) => sent.push(f));
    const contents = { id: 1 };
    const relay = frameRelay(contents, APP_URL, (frame) => void session.receive(frame));
    try {
      expect(relay(ipcEvent({ id: 2 }, APP_URL), { type: 'request', id: 1, method: 'info' })).toBe(
        false,
      );
      expect(relay(ipcEvent(contents, APP_URL), { type: 'request', id: 2, method: 'info' })).toBe(
        true,
      );
      expect(relay(ipcEvent(contents, APP_URL), { type: 'request', id: 3, meth: 'info' })).toBe(
        true,
      );
      await expect.poll(() => sent.length).toBe(2);
      // In any order: the broken frame is refused before the valid one's answer is ready.
      expect(sent).toHaveLength(2);
      expect(sent).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'response', id: 2, ok: true }),
          expect.objectContaining({
            type: 'response',
            id: 3,
            ok: false,
            error: expect.objectContaining({ code: 'BAD_REQUEST' }),
          }),
        ]),
      );
    } finally {
      session.close();
      await host.close();
    }
  });

  it.todo(
    '18. avoids the file:// protocol in favour of a custom protocol — not yet: the app loads dist/renderer over file://, locked to that one page (item 13) and to the CSP (item 7)',
  );

  it.todo(
    '19. checks which fuses can be changed — not yet: there is no packaging step to flip them',
  );

  it('20. does not expose Electron APIs to untrusted web content: the preload exposes two functions', () => {
    const preload = electronSources()['preload.ts']!;
    expect(preload).toMatch(/exposeInMainWorld\(BRIDGE_GLOBAL, bridge\)/);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
    // The exposed object itself is checked in electron-wiring.test.ts (item 20, in full).
  });
});
