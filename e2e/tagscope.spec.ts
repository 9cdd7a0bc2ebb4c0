import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';

const SHOTS = 'docs/screenshots';
mkdirSync(SHOTS, { recursive: true });

/** Heatmap geometry of the default scenario: gutter width and the default cell size (see src/ui/views/Heatmap.tsx). */
const GUTTER = 96;
const ZOOM = 8;

async function open(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'ready');
  return problems;
}

const status = (page: Page) => page.getByTestId('status');
const heatmap = (page: Page) => page.getByTestId('heatmap');
const faultEvents = (page: Page) => page.getByTestId('event-log').locator('.event.fault');

/** Viewport coordinates of a heatmap cell, measured after bringing the heatmap into view. */
async function cellPoint(page: Page, col: number, row: number): Promise<[number, number]> {
  await heatmap(page).scrollIntoViewIfNeeded();
  const box = (await heatmap(page).boundingBox())!;
  return [box.x + GUTTER + col * ZOOM + ZOOM / 2, box.y + row * ZOOM + ZOOM / 2];
}

async function runToFault(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'faulted');
}

test('the default scenario colours its buffer and faults one granule past it, saying why', async ({ page }) => {
  const problems = await open(page);
  await expect(heatmap(page)).toHaveAttribute('data-tagged-cells', '0');
  const before = await heatmap(page).evaluate((c: HTMLCanvasElement) => c.toDataURL());
  await runToFault(page);
  await expect(heatmap(page)).toHaveAttribute('data-tagged-cells', '4');
  expect(await heatmap(page).evaluate((c: HTMLCanvasElement) => c.toDataURL())).not.toBe(before);
  // The two coloured objects are drawn in their tag colours: read the pixels of their first cells.
  const pixels = await heatmap(page).evaluate((c: HTMLCanvasElement, geo) => {
    const ctx = c.getContext('2d')!;
    const dpr = window.devicePixelRatio || 1;
    const at = (col: number) => Array.from(ctx.getImageData((geo.gutter + col * geo.zoom + geo.zoom / 2) * dpr, (4 * geo.zoom + geo.zoom / 2) * dpr, 1, 1).data.slice(0, 3));
    return { a: at(0), gap: at(2), b: at(4) };
  }, { gutter: GUTTER, zoom: ZOOM });
  expect(pixels.a).not.toEqual(pixels.gap);
  expect(pixels.b).not.toEqual(pixels.gap);
  await expect(faultEvents(page)).toHaveCount(1);
  await expect(page.getByTestId('event-why')).toContainText('SEGV_MTESERR');
  await expect(page.getByTestId('event-why')).toContainText(/pointer tag 0x[1-9a-f] ≠ allocation tag 0x0: synchronous tag check fault/);
  await page.screenshot({ path: `${SHOTS}/overview-fault.png`, fullPage: true });
  expect(problems).toEqual([]);
});

test('clicking a granule shows its allocation tag in the pointer inspector, linked to the mapping tables', async ({ page }) => {
  await open(page);
  await runToFault(page);
  await page.mouse.click(...(await cellPoint(page, 0, 4)));
  const inspector = page.getByTestId('inspector');
  await expect(inspector.getByTestId('allocation-tag')).toHaveText(/^0x[1-9a-f]$/);
  const tag = await inspector.getByTestId('allocation-tag').textContent();
  await expect(inspector.getByTestId('logical-tag')).toHaveText(tag!);
  await expect(inspector.getByTestId('prediction')).toContainText('Pass');
  await expect(page.getByTestId('mappings').locator('.map-row.selected')).toContainText('10000000');
  await expect(page.getByTestId('walk').getByRole('listitem')).toHaveCount(4);
  await inspector.screenshot({ path: `${SHOTS}/pointer-inspector.png` });
  // Two granules further on is the unallocated gap: the same pointer tag would fault there.
  await page.mouse.click(...(await cellPoint(page, 2, 4)));
  await expect(inspector.getByTestId('allocation-tag')).toHaveText('0x0');
});

test('TCF none and TCO each make the fault disappear', async ({ page }) => {
  await open(page);
  await runToFault(page);
  await page.getByRole('combobox', { name: 'TCF', exact: true }).selectOption('none');
  await expect(faultEvents(page)).toHaveCount(0);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'exited');
  await expect(faultEvents(page)).toHaveCount(0);
  await page.getByRole('combobox', { name: 'TCF', exact: true }).selectOption('sync');
  await expect(status(page)).toHaveAttribute('data-status', 'faulted');
  await page.getByRole('checkbox', { name: 'TCO' }).check();
  await expect(status(page)).not.toHaveAttribute('data-status', 'faulted');
  await expect(faultEvents(page)).toHaveCount(0);
  await page.getByRole('checkbox', { name: 'TCO' }).uncheck();
  await expect(status(page)).toHaveAttribute('data-status', 'faulted');
  await expect(page.getByText('not settable by Linux user space')).toBeVisible();
});

test('step back crosses the fault backwards; clicking an event travels to its moment', async ({ page }) => {
  await open(page);
  await runToFault(page);
  const instret = Number((await status(page).textContent())!.match(/([\d,]+) instructions/)![1].replace(/,/g, ''));
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'paused');
  await expect(faultEvents(page)).toHaveCount(0);
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect(status(page)).toContainText(`${instret - 1} instructions`);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'faulted');
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'ready');
  await runToFault(page);
  const registers = await page.getByTestId('registers').textContent();
  await page.getByTestId('event-log').locator('.event', { hasText: 'mmap(' }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'paused');
  await expect(faultEvents(page)).toHaveCount(0);
  await page.getByRole('button', { name: 'Run to next fault' }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'faulted');
  await expect(status(page)).toContainText(`${instret} instructions`);
  await expect(page.getByTestId('registers')).toHaveText(registers!);
  await expect(page.locator('.asm-line.current')).toContainText('str');
});

test('edit assembly and run it; an error is shown inline and the text survives a reload', async ({ page }) => {
  await open(page);
  const editor = page.getByRole('textbox', { name: 'Assembly program' });
  await editor.fill('mov x0, #7\nmov x8, #93\nsvc #0\n');
  await page.getByRole('button', { name: 'Assemble and load' }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'ready');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'exited');
  await expect(page.getByTestId('event-log')).toContainText('exit(7)');
  await editor.fill('mov x0, #7\nfrobnicate x1\n');
  await expect(page.getByTestId('asm-error')).toContainText('Line 2');
  await expect(page.getByTestId('asm-error')).toContainText('frobnicate');
  await expect(page.locator('.error-inline')).toBeVisible();
  await page.locator('.editor').screenshot({ path: `${SHOTS}/editor-error.png` });
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Assembly program' })).toHaveValue('mov x0, #7\nfrobnicate x1\n');
});

test('a file that is not an ELF is refused in place with what to upload instead', async ({ page }) => {
  await open(page);
  await page.getByTestId('elf-upload').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('<b>hello</b>') });
  await expect(page.getByTestId('elf-error')).toContainText('notes.txt cannot be run');
  await expect(page.getByTestId('elf-error')).toContainText('static AArch64');
  await expect(page.locator('b')).toHaveCount(0);
});

test('a runaway loop keeps the page responsive: no long task over 50 ms, and Pause stops it within 100 ms', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await open(page);
  await page.getByRole('textbox', { name: 'Assembly program' }).fill('loop:\n  add x0, x0, #1\n  b loop\n');
  await page.getByRole('button', { name: 'Assemble and load' }).click();
  await expect(page.getByTestId('disassembly')).toContainText('b');
  await page.evaluate(() => { (window as unknown as { longTasks: number[] }).longTasks = []; });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'running');
  await page.waitForTimeout(1500);
  await expect(status(page)).toContainText(/[1-9][\d,]{6,} instructions/);
  const pauseMs = await page.evaluate(() => new Promise<number>((resolve) => {
    const s = document.querySelector('[data-testid="status"]')!;
    const t0 = performance.now();
    new MutationObserver(() => {
      if (s.getAttribute('data-status') === 'paused') resolve(performance.now() - t0);
    }).observe(s, { attributes: true });
    (Array.from(document.querySelectorAll('button')).find((b) => b.textContent === 'Pause') as HTMLButtonElement).click();
  }));
  expect(pauseMs).toBeLessThan(100);
  const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
  expect(longTasks.filter((d) => d > 50)).toEqual([]);
});

test('dark theme and keyboard: the heatmap is operable from the keyboard', async ({ page }) => {
  await open(page);
  await runToFault(page);
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await heatmap(page).focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('+');
  await expect(page.getByText('16 px per granule')).toBeVisible();
  await expect(page.getByTestId('inspector').getByTestId('allocation-tag')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/overview-dark.png`, fullPage: true });
});

test('heatmap zoom: the wheel zooms without scrolling the page, the whole space aggregates granules, the deepest zoom shows data bytes', async ({ page }) => {
  await open(page);
  await runToFault(page);
  const zoom = page.getByTestId('zoom');
  await heatmap(page).scrollIntoViewIfNeeded();
  const box = (await heatmap(page).boundingBox())!;
  const scrollY = await page.evaluate(() => window.scrollY);
  await page.mouse.move(box.x + GUTTER + 4 * ZOOM, box.y + 4 * ZOOM + 2);
  await page.mouse.wheel(0, 300);
  await expect(zoom).toHaveText('4 px per granule');
  expect(await page.evaluate(() => window.scrollY)).toBe(scrollY);
  await page.getByRole('button', { name: 'Whole space' }).click();
  await expect(zoom).toHaveText(/px per granule|granules per cell/);
  for (let i = 0; i < 14; i++) await page.getByRole('button', { name: 'Zoom out' }).click();
  await expect(zoom).toHaveText('4096 granules per cell');
  // Aggregate cells still carry the tagged objects: the count of coloured granules is unchanged.
  await expect(heatmap(page)).toHaveAttribute('data-tagged-cells', '4');
  // Select object A's first granule, then zoom to the deepest level: its 16 bytes are drawn in the cell.
  await page.getByTestId('inspector').getByRole('textbox').fill('0x0000000010000000');
  for (let i = 0; i < 12; i++) await page.getByRole('button', { name: 'Zoom in' }).click();
  await expect(zoom).toHaveText('128 px per granule');
  await heatmap(page).focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  await expect(heatmap(page)).not.toHaveAttribute('data-bytes-drawn', '0');
  await heatmap(page).screenshot({ path: `${SHOTS}/heatmap-bytes.png` });
});
