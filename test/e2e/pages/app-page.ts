/**
 * The app as a user drives it, keyboard first: each method is one thing a person does or reads.
 * Tests speak in these terms and never in selectors.
 */
import type { Locator, Page } from 'playwright-core';
import type { AppStore } from '../../../renderer/store/create-app-store.ts';

/** The handle the app exposes to tests (renderer/main.tsx), plus the toast log kept here. */
type TestWindow = { __rehearsal: { store: AppStore }; __toasts?: string[] };

export type Snapshot = {
  lastSeq: number;
  cursor: number | null;
  recentSeqs: number[];
  connection: string;
  mode: string | null;
  runId: string | null;
  /** The seq the queue counts on screen reflect. */
  countsAsOf: number;
  clockSeq: number;
};

export class AppPage {
  constructor(readonly page: Page) {}

  /** Opens the app at the URL `rehearsal serve` printed and waits for the first view. */
  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.locator('[data-testid="view-queues"]').waitFor();
    // Keep every toast, so a failing test can say what the user was told.
    await this.page.evaluate(() => {
      const w = window as unknown as TestWindow;
      const log: string[] = (w.__toasts = []);
      w.__rehearsal.store.subscribe((s, p) => {
        if (s.ui.toasts !== p.ui.toasts)
          for (const t of s.ui.toasts)
            if (!p.ui.toasts.includes(t)) log.push(`${t.code}: ${t.message}`);
      });
    });
    await this.waitFor(() =>
      this.page.evaluate(() => Boolean(document.querySelector('[data-testid="scrubber"]'))),
    );
  }

  /** Presses keys in order (Playwright names: "ArrowRight", "Shift+ArrowRight", "Control+k"). */
  async press(...keys: string[]): Promise<void> {
    for (const k of keys) await this.page.keyboard.press(k);
  }

  /** What the store holds (read-only test handle the app exposes). */
  snapshot(): Promise<Snapshot> {
    return this.page.evaluate(() => {
      const s = (window as unknown as TestWindow).__rehearsal.store.getState();
      return {
        lastSeq: s.journal.lastSeq,
        cursor: s.timeTravel.cursor,
        recentSeqs: s.journal.recent.map((e) => e.seq),
        connection: s.connection.status,
        mode: s.clock.info?.mode ?? null,
        runId: s.clock.info?.runId ?? null,
        countsAsOf: s.queues.asOfSeq,
        clockSeq: s.clock.seq,
      };
    });
  }

  /** Polls `ok` until it is truthy (10 s). */
  async waitFor(ok: () => Promise<unknown> | unknown, what = 'condition'): Promise<void> {
    const end = Date.now() + 10_000;
    for (;;) {
      if (await ok()) return;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await this.page.waitForTimeout(25);
    }
  }

  // ---- views ----

  /** Goes to a view by its number key. */
  async show(
    view: 'queues' | 'messages' | 'enqueue' | 'pipelines' | 'profiler' | 'scenarios' | 'journal',
  ): Promise<void> {
    const key = {
      queues: '1',
      messages: '2',
      enqueue: '3',
      pipelines: '4',
      profiler: '5',
      scenarios: '6',
      journal: '7',
    }[view];
    await this.leaveField();
    await this.press(key);
    await this.page.locator(`[data-testid="view-${view}"]`).waitFor();
  }

  /** Escape out of a form field, so shortcuts act. */
  async leaveField(): Promise<void> {
    const typing = await this.page.evaluate(
      () => document.activeElement?.matches('input, textarea, select') ?? false,
    );
    if (typing) await this.press('Escape');
  }

  /** Opens a gallery scenario with the keyboard (focus its Open button, Enter): a new run. */
  async openScenario(name: string): Promise<void> {
    await this.show('scenarios');
    const before = (await this.snapshot()).runId;
    await this.page.locator(`[data-testid="open-${name}"]`).focus();
    await this.press('Enter');
    await this.page.locator('[data-testid="view-queues"]').waitFor();
    await this.waitFor(async () => {
      const s = await this.snapshot();
      return s.mode === 'scenario' && s.runId !== before && s.lastSeq === 0;
    }, `a new run of ${name}`);
    await this.page.locator('body').focus();
  }

  runTitle(): Promise<string> {
    return this.page.locator('[data-testid="run-title"]').innerText();
  }

  // ---- clock and time travel ----

  /** → n times (step the clock when live, one event forward when time travelling). */
  async stepForward(n = 1): Promise<void> {
    for (let i = 0; i < n; i++) {
      const before = await this.snapshot();
      await this.press('ArrowRight');
      await this.waitFor(async () => {
        const s = await this.snapshot();
        return s.lastSeq !== before.lastSeq || s.cursor !== before.cursor;
      }, 'a step');
    }
  }

  /** ← n times. */
  async stepBack(n = 1): Promise<void> {
    for (let i = 0; i < n; i++) await this.press('ArrowLeft');
  }

  /** Shift+→, then waits until the run is idle and every view shows its end. */
  async runToIdle(): Promise<void> {
    await this.press('Shift+ArrowRight');
    await this.page.locator('[data-testid="clock-state"]', { hasText: 'idle' }).waitFor();
    await this.waitFor(async () => {
      const s = await this.snapshot();
      return s.lastSeq >= s.clockSeq && s.countsAsOf >= s.clockSeq;
    }, 'the end of the run on screen');
  }

  /** Where the scrubber stands, as shown ("#16 / 22 at 0:04.608" or "live · #22 · 0:10.293"). */
  position(): Promise<string> {
    return this.page.locator('[data-testid="scrubber-pos"]').innerText();
  }

  /** Drags the scrubber with the keyboard: focus it, then Home / arrows. */
  async scrubToStartThenForward(steps: number): Promise<void> {
    const range = this.page.getByRole('slider', { name: 'Journal position' });
    await range.focus();
    await this.press('Home');
    for (let i = 0; i < steps; i++) await this.press('ArrowRight');
  }

  async goLive(): Promise<void> {
    await this.leaveField();
    await this.page.locator('body').focus();
    await this.press('l');
  }

  teaching(): Promise<string> {
    return this.page.locator('[data-testid="teaching-panel"]').innerText();
  }

  // ---- messages ----

  messageRows(): Locator {
    return this.page.locator('[data-testid="message-row"]');
  }

  /** Selects the first message of the list with the keyboard (focus the list, ↓). */
  async selectFirstMessage(): Promise<void> {
    await this.messageRows().first().waitFor();
    await this.page.locator('[data-testid="message-list"]').focus();
    await this.press('ArrowDown');
    await this.page.locator('[data-testid="message-detail"]').waitFor();
  }

  detail(): Locator {
    return this.page.locator('[data-testid="message-detail"]');
  }

  async filterStatus(status: string): Promise<void> {
    await this.page.locator('[data-testid="status-filter"]').selectOption(status);
  }

  // ---- enqueue ----

  /** Fills the enqueue form field by field (Tab order) and submits with Enter on the button. */
  async enqueue(f: {
    actor: string;
    args?: string;
    kwargs?: string;
    delayMs?: string;
    label?: string;
  }): Promise<void> {
    await this.show('enqueue');
    await this.page.getByLabel('Actor').fill(f.actor);
    await this.page.getByLabel('Label').fill(f.label ?? '');
    await this.page.getByLabel('args (JSON array)').fill(f.args ?? '[]');
    await this.page.getByLabel('kwargs (JSON object)').fill(f.kwargs ?? '{}');
    await this.page.getByLabel('Delay (ms)').fill(f.delayMs ?? '');
    await this.page.locator('[data-testid="send"]').focus();
    await this.press('Enter');
  }

  fieldError(label: string): Locator {
    return this.page
      .locator('.field', { has: this.page.getByLabel(label) })
      .locator('.field__error');
  }

  /** Every toast shown since the page opened. */
  toastLog(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as TestWindow).__toasts ?? []);
  }

  toasts(): Locator {
    return this.page.locator('[data-testid="toasts"] .toast');
  }

  // ---- queues ----

  queueRow(queue: string): Locator {
    return this.page.locator(`[data-testid="queue-${queue}"]`);
  }

  /** Dead count of a queue as shown on the dashboard. */
  async deadCount(queue: string): Promise<number> {
    return Number(await this.queueRow(queue).locator('td').nth(3).innerText());
  }

  // ---- palette ----

  // ---- forks and runs (the scenarios view) ----

  /** Types the changes into the Fork panel and forks at the current event; returns what it says. */
  async fork(changes: string[]): Promise<string> {
    await this.show('scenarios');
    await this.page.locator('#fork-sets').fill(changes.join('\n'));
    await this.page.locator('[data-testid="fork"]').click();
    const done = this.page.locator('.ok', { hasText: 'Forked:' });
    const problems = this.page.locator('.problems');
    await done.or(problems).first().waitFor();
    if (await problems.isVisible()) throw new Error(`fork refused: ${await problems.innerText()}`);
    return done.innerText();
  }

  /** Opens the fork just made (its button in the Fork panel) and waits until it is shown. */
  async openFork(runId: string): Promise<void> {
    await this.page.locator('[data-testid="open-fork"]').click();
    await this.waitFor(async () => {
      const s = await this.snapshot();
      return s.runId === runId && s.mode === 'inspect' && s.lastSeq > 0;
    }, `the fork ${runId} opened`);
  }

  /** The runs the Runs panel lists, in order. */
  async runList(): Promise<string[]> {
    await this.show('scenarios');
    return this.page.locator('[data-testid="run-list"] tbody th code').allInnerTexts();
  }

  /** Compares the open run with the one picked second (the last fork), as a label → [a, b] map. */
  async compare(): Promise<Map<string, [string, string]>> {
    await this.show('scenarios');
    await this.page.locator('[data-testid="compare"]').click();
    const table = this.page.locator('[data-testid="compare-table"]');
    await table.waitFor();
    const rows = await table
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) =>
          [...tr.querySelectorAll('th, td')].map((c) => (c as HTMLElement).innerText),
        ),
      );
    return new Map(rows.map((r) => [r[0]!, [r[1]!, r[2]!] as [string, string]]));
  }

  async runCommand(query: string): Promise<void> {
    await this.leaveField();
    await this.press('Control+k');
    await this.page.locator('[data-testid="palette"]').waitFor();
    await this.page.keyboard.type(query);
    await this.press('Enter');
  }

  palette(): Locator {
    return this.page.locator('[data-testid="palette"]');
  }

  connectionBanner(): Locator {
    return this.page.locator('[data-testid="connection-banner"]');
  }
}
