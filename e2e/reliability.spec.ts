/**
 * The browser-side guarantees of docs/RELIABILITY.md ("In the browser"): the engine worker recovers from a
 * crash, the built page runs under a strict Content-Security-Policy, talks to nobody but its own origin and
 * keeps working offline, and the engine reaches the same stateHash in Chromium as in Node.
 */
import { expect, test, type Page, type Worker } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { Session } from '../src/engine/session.ts';
import { decodeFragment, encodeFragment } from '../src/scenario/codec.ts';
import { preset } from '../src/scenario/presets/index.ts';
import { ScenarioSchema, type Scenario } from '../src/scenario/schema.ts';
import { PING_MS, SILENCE_MS } from '../src/ui/engine.ts';
import { lessons } from '../src/ui/lessons/index.ts';
import { actionsToShow } from '../src/ui/scenario.ts';

const status = (page: Page) => page.getByTestId('status');
const editor = (page: Page) => page.getByRole('textbox', { name: 'Assembly program' });
const pointerBox = (page: Page) => page.getByTestId('inspector').getByRole('textbox');

/** The engine's worker (the page has no other). */
function engineWorker(page: Page): Worker {
  const workers = page.workers();
  expect(workers).toHaveLength(1);
  return workers[0];
}

/** Everything the page shows about the machine and the selection, once it has settled (the state hash is shown at rest). */
async function shown(page: Page): Promise<Record<string, string | null>> {
  await expect(page.getByTestId('state-hash')).toBeVisible();
  const tour = page.getByTestId('tour');
  return {
    hash: await page.getByTestId('state-hash').textContent(),
    status: await status(page).textContent(),
    tourStep: (await tour.count()) > 0 ? await tour.getAttribute('data-step') : null,
    pointer: await pointerBox(page).inputValue(),
    inspector: await page.getByTestId('inspector').textContent(),
    registers: (await page.getByTestId('registers').locator('.reg').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')!.replace(', changed', '')))).join('\n'),
    selectedEvent: (await page.getByTestId('event-log').locator('.event.selected').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).join('\n'),
    space: await page.getByRole('radiogroup', { name: 'Address space' }).getByRole('radio', { checked: true }).textContent(),
    heatmap: await page.getByTestId('heatmap').evaluate((c: HTMLCanvasElement) => c.toDataURL()),
  };
}

/** Selects the heatmap cell `col`, `row` (default zoom: 8-pixel cells right of a 96-pixel gutter). */
async function clickCell(page: Page, col: number, row: number): Promise<void> {
  const heatmap = page.getByTestId('heatmap');
  await heatmap.scrollIntoViewIfNeeded();
  const box = (await heatmap.boundingBox())!;
  await page.mouse.click(box.x + 96 + col * 8 + 4, box.y + row * 8 + 4);
}

/** Opens a demo from the gallery, unfolding it first (it folds once a demo is open). */
async function openDemo(page: Page, name: RegExp): Promise<void> {
  const gallery = page.locator('#gallery');
  if ((await gallery.getAttribute('open')) === null) await gallery.locator('summary').click();
  await gallery.getByRole('link', { name }).click();
}

/** Restarts the engine from the banner and waits until the page shows the moment `before` again. */
async function restartAndCompare(page: Page, before: Record<string, string | null>): Promise<void> {
  const started = page.waitForEvent('worker');
  await page.getByTestId('engine-error').getByRole('button', { name: 'Restart the engine' }).click();
  await started;
  await expect(page.getByTestId('engine-error')).toHaveCount(0);
  // The old hash went with the old engine: the one shown now is the new engine's.
  expect(page.workers()).toHaveLength(1);
  await expect(page.getByTestId('state-hash')).toHaveText(before.hash!);
  await expect.poll(() => shown(page)).toEqual(before);
}

test.describe('the engine worker recovers from a crash', () => {
  test('a worker that throws is reported in place, and Restart brings back the tour step, the hash and the selection', async ({ page }) => {
    await page.goto('/#demo=S7&step=3');
    const tour = page.getByTestId('tour');
    await expect(tour).toHaveAttribute('data-step', '3');
    await expect(tour).toHaveAttribute('data-ready', 'true');
    // The user's own selection (the granule after the highlighted one), seen on the host-physical heatmap.
    await expect(pointerBox(page)).toHaveValue(/20000000$/);
    await page.getByTestId('heatmap').focus();
    await page.keyboard.press('ArrowRight');
    await expect(pointerBox(page)).toHaveValue(/20000010$/);
    await page.getByRole('radio', { name: 'Host-physical (PA)' }).click();
    const before = await shown(page);
    const program = await editor(page).inputValue();

    await engineWorker(page).evaluate(() => {
      setTimeout(() => {
        throw new Error('boom');
      });
    });
    await expect(page.getByTestId('engine-error')).toContainText('The engine stopped');
    await expect(page.getByTestId('engine-error')).toContainText('boom');
    await expect(editor(page)).toHaveValue(program);
    await expect(tour).toHaveAttribute('data-step', '3');

    await restartAndCompare(page, before);
    // The new engine goes on with the tour.
    await tour.getByRole('button', { name: '← Previous' }).click();
    await expect(tour).toHaveAttribute('data-step', '2');
    await expect(tour).toHaveAttribute('data-ready', 'true');
  });

  test('a worker killed without an error is noticed by the missing ping answer, and Restart brings back the fault, the selection and the edits', async ({ page }) => {
    await page.goto('/');
    await expect(status(page)).toHaveAttribute('data-status', 'ready');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(status(page)).toHaveAttribute('data-status', 'faulted');
    const fault = await status(page).textContent();
    // The fault selected its pointer; the user selects another granule (object B's first).
    await clickCell(page, 4, 4);
    await expect(pointerBox(page)).toHaveValue(/10000040$/);
    const before = await shown(page);
    // Edits not loaded yet stay in the editor; the restart reopens the program that was loaded.
    await editor(page).press('End');
    await editor(page).pressSequentially('\n// still mine');
    const program = await editor(page).inputValue();

    await engineWorker(page).evaluate(() => self.close()).catch(() => undefined);
    await expect(page.getByTestId('engine-error')).toContainText(`it has not answered for ${SILENCE_MS / 1000} seconds`, { timeout: SILENCE_MS + 3 * PING_MS });
    await expect(editor(page)).toHaveValue(program);

    await restartAndCompare(page, before);
    await expect(editor(page)).toHaveValue(program);
    // The restarted engine travels back and runs on to the same fault.
    await page.getByRole('button', { name: 'Step back' }).click();
    await page.getByRole('button', { name: 'Step back' }).click();
    await expect(status(page)).toHaveAttribute('data-status', 'paused');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(status(page)).toHaveText(fault!);
  });

  test('a busy worker is not taken for a dead one: a long action raises no report, and one past the bound is taken back when it answers', async ({ page }) => {
    test.setTimeout(90_000);
    await page.goto('/');
    await expect(status(page)).toHaveAttribute('data-status', 'ready');
    const busy = (ms: number) => engineWorker(page).evaluate((t) => {
      const end = Date.now() + t;
      while (Date.now() < end);
    }, ms);
    // Twice as long as a 1 GiB live migration, and the pings that went unanswered meanwhile.
    await busy(3_000);
    await page.waitForTimeout(2 * PING_MS);
    await expect(page.getByTestId('engine-error')).toHaveCount(0);
    // Longer than the bound: reported, then taken back once the worker answers.
    const long = busy(SILENCE_MS + 3 * PING_MS);
    await expect(page.getByTestId('engine-error')).toContainText('it has not answered', { timeout: SILENCE_MS + 4 * PING_MS });
    await long;
    await expect(page.getByTestId('engine-error')).toHaveCount(0, { timeout: 2 * PING_MS + 1_000 });
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(status(page)).toHaveAttribute('data-status', 'faulted');
  });

  test('an uploaded ELF is sent again on restart (the page keeps a copy of its bytes)', async ({ page }) => {
    await page.goto('/');
    await expect(status(page)).toHaveAttribute('data-status', 'ready');
    await page.getByTestId('elf-upload').setInputFiles({ name: 'mte_irg.elf', mimeType: 'application/octet-stream', buffer: readFileSync('test/programs/bin/mte_irg.elf') });
    await expect(status(page)).toHaveAttribute('data-status', 'ready');
    await expect(page.getByTestId('disassembly')).toBeVisible();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(status(page)).toHaveAttribute('data-status', 'exited');
    for (let i = 0; i < 3; i++) {
      // Each step back settles (the status line moves) before the next, so `before` is the third one's moment.
      const was = await status(page).textContent();
      await page.getByRole('button', { name: 'Step back' }).click();
      await expect(status(page)).not.toHaveText(was!);
    }
    await expect(status(page)).toHaveAttribute('data-status', 'paused');
    const before = await shown(page);

    await engineWorker(page).evaluate(() => {
      setTimeout(() => {
        throw new Error('boom');
      });
    });
    await expect(page.getByTestId('engine-error')).toContainText('boom');
    await restartAndCompare(page, before);
  });
});

/** The policy of the built page, as directive → sources. */
async function policyOf(page: Page): Promise<Record<string, string[]>> {
  const content = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(content).not.toBeNull();
  return Object.fromEntries(content!.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0] !== '').map(([name, ...sources]) => [name, sources]));
}

/** Collects, from before the page's first script, every policy violation; and every console error. */
async function watchProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  await page.exposeFunction('reportViolation', (text: string) => problems.push(`csp: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { reportViolation(t: string): void }).reportViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  return problems;
}

test('the built page carries a strict Content-Security-Policy, and the main views never break it', async ({ page }) => {
  test.setTimeout(90_000);
  const problems = await watchProblems(page);
  await page.goto('/');
  const policy = await policyOf(page);
  expect(policy).toEqual({
    'default-src': ["'self'"], 'script-src': ["'self'"], 'worker-src': ["'self'"], 'style-src': ["'self'"], 'img-src': ["'self'"],
    'connect-src': ["'self'"], 'object-src': ["'none'"], 'base-uri': ["'none'"], 'form-action': ["'none'"],
  });
  for (const sources of Object.values(policy)) {
    for (const s of sources) {
      expect(["'self'", "'none'"]).toContain(s);
      expect(s).not.toMatch(/unsafe-inline|unsafe-eval|https?:|wss?:|\*/);
    }
  }
  await expect(status(page)).toHaveAttribute('data-status', 'ready');

  // A demo tour from the gallery, every step, in presenter mode at the end.
  await openDemo(page, /Buffer overflow caught/);
  const tour = page.getByTestId('tour');
  await expect(tour).toHaveAttribute('data-ready', 'true');
  const steps = lessons.find((l) => l.id === 'overflow')!.scenario.steps.length;
  for (let i = 1; i < steps; i++) {
    await tour.getByRole('button', { name: 'Next →' }).click();
    await expect(tour).toHaveAttribute('data-step', String(i + 1));
    await expect(tour).toHaveAttribute('data-ready', 'true');
  }
  await tour.getByRole('button', { name: 'Presenter mode' }).click();
  await expect(page.locator('html')).toHaveClass(/presenting/);
  await page.keyboard.press('ArrowLeft');
  await expect(tour).toHaveAttribute('data-step', String(steps - 1));
  await page.keyboard.press('Escape');
  await expect(page.locator('html')).not.toHaveClass(/presenting/);

  // The heatmap: select, hover (the tooltip is placed by style), zoom to the bytes and back.
  await clickCell(page, 4, 0);
  const heatmap = page.getByTestId('heatmap');
  const box = (await heatmap.boundingBox())!;
  await page.mouse.move(box.x + 96 + 6 * 8 + 4, box.y + 4);
  await expect(page.getByRole('tooltip')).toBeVisible();
  for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'Zoom in' }).click();
  await page.getByRole('button', { name: 'Whole space' }).click();

  // The KVM views: host-physical memory and the stage-1, stage-2 and VMM tables.
  await page.goto('/#demo=S7&step=3');
  await expect(tour).toHaveAttribute('data-ready', 'true');
  await page.getByRole('radio', { name: 'Host-physical (PA)' }).click();
  for (const tab of ['Stage 2 (KVM)', 'VMM mapping', 'Stage 1 (guest)']) {
    await page.getByRole('tab', { name: tab }).click();
    await expect(page.getByTestId('mappings')).toHaveAttribute('aria-label', `${tab} entries`);
  }

  // Share, and the question asked before a link replaces the user's own program.
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await expect(page.getByTestId('share-url')).toBeVisible();
  await page.getByRole('button', { name: 'Leave the tour' }).click();
  await editor(page).fill('// my own\nmov x0, #1\nmov x8, #93\nsvc #0\n');
  await page.goto('/#demo=tco');
  await expect(page.getByTestId('open-dialog')).toBeVisible();
  await page.getByRole('button', { name: 'Keep my program' }).click();
  await page.getByRole('button', { name: /theme/ }).click();
  await page.getByRole('button', { name: 'Assemble and load' }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'ready');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'exited');

  expect(problems).toEqual([]);
});

test('every request goes to the page\'s own origin, and the app keeps working offline', async ({ page, context, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  await page.goto('/');
  await expect(status(page)).toHaveAttribute('data-status', 'ready');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'faulted');
  await openDemo(page, /^S7 /);
  await expect(page.getByTestId('tour')).toHaveAttribute('data-ready', 'true');
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await expect(page.getByTestId('share-url')).toBeVisible();
  expect(requests.length).toBeGreaterThan(2);
  const online = requests.length;

  await context.setOffline(true);
  const tour = page.getByTestId('tour');
  await openDemo(page, /IRG and tag exclusion/);
  await expect(tour).toContainText('Random, but never 0');
  await expect(tour).toHaveAttribute('data-ready', 'true');
  await tour.getByRole('button', { name: 'Next →' }).click();
  await expect(tour).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('registers')).toContainText('0x0f00000010000000');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'exited');
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'paused');
  await expect(page.getByTestId('state-hash')).toBeVisible();
  const hash = await page.getByTestId('state-hash').textContent();
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const url = await page.getByTestId('share-url').inputValue();
  // Opening the shared link offline: it is the same document, so nothing is fetched.
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'ready');
  await page.evaluate(() => {
    location.hash = '';
  });
  await page.evaluate((u) => {
    location.href = u;
  }, url);
  await expect(page.getByTestId('state-hash')).toHaveText(hash!);

  // A bundled program cannot be fetched offline: the page says so in place and keeps working.
  const bundled = ScenarioSchema.parse({ version: 1, title: 'bundled', program: { kind: 'bundled', name: 'hello' } });
  await page.evaluate((f) => {
    location.hash = f;
  }, encodeFragment(bundled));
  await expect(page.getByTestId('notice')).toContainText('The bundled program "hello" could not be fetched');
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(status(page)).toHaveAttribute('data-status', /paused|exited|faulted/);

  // Offline, only the browser's own icon request and the bundled program were attempted.
  for (const u of requests.slice(online)) expect(new URL(u).pathname).toMatch(/^\/(favicon\.svg|programs\/hello\.elf)$/);
  for (const u of requests) expect(new URL(u).origin).toBe(origin);
});

/** The machine state hash in Node: the scenario opened and its first `perform` actions done, as the CLI does. */
function nodeHash(scenario: Scenario, perform: number): string {
  const r = Session.fromScenario(scenario);
  if (!r.ok) throw new Error(r.error);
  for (let i = 0; i < perform; i++) r.session.performNextAction();
  return r.session.stateHash();
}

const HASH_DEMOS: [string, Scenario][] = [
  ['tco', ScenarioSchema.parse(lessons.find((l) => l.id === 'tco')!.scenario)],
  ['irg-exclusion', ScenarioSchema.parse(lessons.find((l) => l.id === 'irg-exclusion')!.scenario)],
  ['S7', preset('S7')!],
  ['S11', preset('S11')!],
  ['S15', preset('S15')!],
];

/** The hash the page shows: the first 12 hex digits, the machine part (architectural state, every frame's data and tags). */
const shownHash = (hash: string): string => `state ${hash.slice(0, 12)}`;

for (const [id, scenario] of HASH_DEMOS) {
  const last = scenario.steps.length - 1;
  test(`Node and Chromium reach the same stateHash: demo ${id} at its last step`, async ({ page }) => {
    const expected = nodeHash(scenario, actionsToShow(scenario, last).length);
    await page.goto(`/#demo=${id}&step=${last + 1}`);
    await expect(page.getByTestId('tour')).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('state-hash')).toHaveText(shownHash(expected));
  });
}

test('Node and Chromium reach the same stateHash: the user\'s own runs and host actions, shared as history', async ({ page }) => {
  await page.goto('/#demo=S11&step=2');
  await expect(page.getByTestId('tour')).toHaveAttribute('data-ready', 'true');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await page.getByTestId('vm-actions').getByRole('button', { name: 'VMM read', exact: true }).click();
  await expect(page.getByTestId('event-log')).toContainText('VMM reads 16 bytes');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('state-hash')).toBeVisible();
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const link = decodeFragment(new URL(await page.getByTestId('share-url').inputValue()).hash);
  if (!link.ok) throw new Error(link.error);
  expect(link.scenario.actions.slice(-4).map((a) => a.do)).toEqual(['step', 'vmmRead', 'step', 'step']);
  await expect(page.getByTestId('state-hash')).toHaveText(shownHash(nodeHash(link.scenario, link.scenario.view.step)));
});
