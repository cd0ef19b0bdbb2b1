/**
 * The Electron shell applies security.ts: the preload exposes only the declared bridge, the window
 * gets the checked options and handlers, the main process sandboxes every renderer, and the frame
 * relay answers only its own page. The Electron binary is not installed here, so `electron` is
 * replaced by a recording fake (vi.mock) — unavoidable for these three files, which do nothing but
 * call Electron; everything with logic is in security.ts (security-checklist.test.ts).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineHost } from '../../core/index.ts';
import { BRIDGE_GLOBAL, BridgeChannel } from '../../electron/bridge-types.ts';
import {
  CONTENT_SECURITY_POLICY,
  denyPermissionCheck,
  denyPermissionRequest,
  denyWebview,
  denyWindowOpen,
  mainWindowOptions,
} from '../../electron/security.ts';
import { tempDbPath } from '../helpers/temp-db.ts';

type Listener = (...args: unknown[]) => unknown;

/** A recording stand-in for an Electron event emitter (webContents, app, ipcMain…). */
class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, l: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), l]);
    return this;
  }
  once(event: string, l: Listener): this {
    return this.on(event, l);
  }
  removeListener(event: string, l: Listener): this {
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter((x) => x !== l),
    );
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(event) ?? []) l(...args);
  }
}

const fake = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  windows: [] as unknown[],
  ipcRenderer: null as unknown,
  ipcMain: null as unknown,
  app: null as unknown,
}));

vi.mock('electron', () => {
  class WebContents extends FakeEmitter {
    windowOpenHandler: unknown = null;
    readonly sent: unknown[][] = [];
    readonly session = {
      permissionRequestHandler: null as unknown,
      permissionCheckHandler: null as unknown,
      headersHook: null as unknown,
      setPermissionRequestHandler(h: unknown) {
        this.permissionRequestHandler = h;
      },
      setPermissionCheckHandler(h: unknown) {
        this.permissionCheckHandler = h;
      },
      webRequest: {
        onHeadersReceived: (h: unknown) => {
          this.session.headersHook = h;
        },
      },
    };
    setWindowOpenHandler(h: unknown): void {
      this.windowOpenHandler = h;
    }
    send(channel: string, frame: unknown): void {
      this.sent.push([channel, frame]);
    }
  }
  class BrowserWindow extends FakeEmitter {
    readonly webContents = new WebContents();
    loaded: string | null = null;
    constructor(readonly options: unknown) {
      super();
      fake.windows.push(this);
    }
    loadURL(url: string): Promise<void> {
      this.loaded = url;
      return Promise.resolve();
    }
    isDestroyed(): boolean {
      return false;
    }
    show(): void {}
  }
  const ipcRenderer = {
    send: vi.fn(),
    on: vi.fn(),
    removeListener: vi.fn(),
    invoke: vi.fn(),
    sendSync: vi.fn(),
  };
  fake.ipcRenderer = ipcRenderer;
  const ipcMain = new FakeEmitter();
  fake.ipcMain = ipcMain;
  const app = Object.assign(new FakeEmitter(), {
    isPackaged: false,
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: vi.fn(() => new Promise(() => undefined)),
    getPath: vi.fn(() => '/tmp'),
    quit: vi.fn(),
    exit: vi.fn(),
  });
  fake.app = app;
  return {
    app,
    BrowserWindow,
    ipcMain,
    ipcRenderer,
    contextBridge: {
      exposeInMainWorld: (name: string, api: unknown) => fake.exposed.set(name, api),
    },
  };
});

type FakeWindow = {
  options: { webPreferences?: Record<string, unknown> };
  loaded: string | null;
  webContents: FakeEmitter & {
    windowOpenHandler: unknown;
    sent: unknown[][];
    session: {
      permissionRequestHandler: unknown;
      permissionCheckHandler: unknown;
      headersHook: unknown;
    };
  };
};

const APP_URL = 'file:///opt/Rehearsal/dist/renderer/index.html';

beforeEach(() => {
  fake.windows.length = 0;
});

describe('the Electron shell applies the security checklist', () => {
  it('20. the preload exposes only the declared bridge (version, send, onFrame), never ipcRenderer', async () => {
    await import('../../electron/preload.ts');
    expect([...fake.exposed.keys()]).toEqual([BRIDGE_GLOBAL]);
    const bridge = fake.exposed.get(BRIDGE_GLOBAL) as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual(['onFrame', 'send', 'version']);
    expect(bridge.version).toBe('1');
    type Mock = ReturnType<typeof vi.fn>;
    const ipc = fake.ipcRenderer as Record<
      'send' | 'on' | 'removeListener' | 'invoke' | 'sendSync',
      Mock
    >;
    for (const v of Object.values(bridge)) {
      expect(v).not.toBe(ipc);
      expect(Object.values(ipc)).not.toContain(v);
    }
    // send: one channel, the frame as given, nothing else.
    const frame = { type: 'request', id: 1, method: 'info' };
    (bridge.send as (f: unknown) => void)(frame);
    expect(ipc.send).toHaveBeenCalledWith(BridgeChannel.toEngine, frame);
    expect(ipc.send).toHaveBeenCalledTimes(1);
    // onFrame: one channel; the page gets the frame, never the IPC event (and its sender).
    const got: unknown[][] = [];
    const off = (bridge.onFrame as (l: (...a: unknown[]) => void) => () => void)((...a) =>
      got.push(a),
    );
    expect(ipc.on).toHaveBeenCalledWith(BridgeChannel.fromEngine, expect.any(Function));
    const relay = ipc.on.mock.calls[0]![1] as (event: unknown, frame: unknown) => void;
    relay({ sender: { secret: true }, ports: [] }, { type: 'hello' });
    expect(got).toEqual([[{ type: 'hello' }]]);
    off();
    expect(ipc.removeListener).toHaveBeenCalledWith(BridgeChannel.fromEngine, relay);
    expect(ipc.invoke).not.toHaveBeenCalled();
    expect(ipc.sendSync).not.toHaveBeenCalled();
  });

  it('the main window gets the checked options, guards, permission handlers and CSP', async () => {
    const { createMainWindow } = await import('../../electron/window.ts');
    createMainWindow({ preloadPath: '/opt/Rehearsal/preload.cjs', url: APP_URL });
    const win = fake.windows[0] as FakeWindow;
    expect(win.options).toEqual(mainWindowOptions('/opt/Rehearsal/preload.cjs'));
    expect(win.options.webPreferences).not.toHaveProperty('enableRemoteModule');
    expect(win.loaded).toBe(APP_URL);
    const wc = win.webContents;
    expect(wc.windowOpenHandler).toBe(denyWindowOpen);
    expect(wc.session.permissionRequestHandler).toBe(denyPermissionRequest);
    expect(wc.session.permissionCheckHandler).toBe(denyPermissionCheck);
    expect(wc.listeners.get('will-attach-webview')).toEqual([denyWebview]);
    for (const event of ['will-navigate', 'will-redirect']) {
      const [guard] = wc.listeners.get(event) ?? [];
      const outcome = (url: string): boolean => {
        let blocked = false;
        guard!({ preventDefault: () => (blocked = true) }, url);
        return blocked;
      };
      expect(outcome('https://evil.test/'), event).toBe(true);
      expect(outcome(APP_URL), event).toBe(false);
    }
    let headers: unknown;
    (wc.session.headersHook as (d: unknown, cb: (r: unknown) => void) => void)(
      { responseHeaders: {} },
      (r) => (headers = r),
    );
    expect(headers).toEqual({
      responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });

  it('the main process sandboxes every renderer and locks down every webContents it creates', async () => {
    await import('../../electron/main.ts');
    const app = fake.app as FakeEmitter & { enableSandbox: ReturnType<typeof vi.fn> };
    expect(app.enableSandbox).toHaveBeenCalledTimes(1);
    const contents = Object.assign(new FakeEmitter(), {
      windowOpenHandler: null as unknown,
      setWindowOpenHandler(h: unknown) {
        this.windowOpenHandler = h;
      },
    });
    app.emit('web-contents-created', {}, contents);
    expect(contents.windowOpenHandler).toBe(denyWindowOpen);
    expect(contents.listeners.get('will-attach-webview')).toEqual([denyWebview]);
  });

  it("17. the frame relay answers only its own window's page, through the dispatcher", async () => {
    const { attachEngine } = await import('../../electron/engine-bridge.ts');
    const { BrowserWindow } = await import('electron');
    const win = new BrowserWindow({}) as unknown as FakeWindow;
    const host = await EngineHost.open({ db: tempDbPath() });
    const detach = attachEngine(win as never, host, APP_URL);
    try {
      const ipcMain = fake.ipcMain as FakeEmitter;
      const wc = win.webContents;
      const frames = (): unknown[] => wc.sent.map(([, f]) => f);
      expect(frames()).toEqual([expect.objectContaining({ type: 'hello' })]);
      const request = (id: number) => ({ type: 'request', id, method: 'info' });
      // Another window, an iframe, a foreign page, a non-JSON frame: dropped, no answer.
      ipcMain.emit(
        BridgeChannel.toEngine,
        { sender: {}, senderFrame: { url: APP_URL, parent: null } },
        request(1),
      );
      ipcMain.emit(
        BridgeChannel.toEngine,
        { sender: wc, senderFrame: { url: APP_URL, parent: {} } },
        request(2),
      );
      ipcMain.emit(
        BridgeChannel.toEngine,
        { sender: wc, senderFrame: { url: 'https://evil.test/', parent: null } },
        request(3),
      );
      ipcMain.emit(
        BridgeChannel.toEngine,
        { sender: wc, senderFrame: { url: APP_URL, parent: null } },
        new Map(),
      );
      // The app's own page: answered.
      ipcMain.emit(
        BridgeChannel.toEngine,
        { sender: wc, senderFrame: { url: APP_URL, parent: null } },
        request(4),
      );
      await expect.poll(() => frames().length).toBe(2);
      expect(frames()[1]).toMatchObject({ type: 'response', id: 4, ok: true });
      expect(wc.sent.every(([channel]) => channel === BridgeChannel.fromEngine)).toBe(true);
    } finally {
      detach();
      await host.close();
    }
  });
});
