import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { deflateSync, strToU8 } from 'fflate';
import { encodeFragment, toBase64Url } from '../src/scenario/codec.ts';
import type { ScenarioInput } from '../src/scenario/schema.ts';

const status = (page: Page) => page.getByTestId('status');

/** Everything a person reads about the machine: status line, registers and the inspector. */
async function machineText(page: Page): Promise<string> {
  await expect(page.getByTestId('tour').or(status(page)).first()).toBeVisible();
  const regs = await page.getByTestId('registers').locator('.reg').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')!.replace(', changed', '')).join('\n'));
  return `${await status(page).textContent()}\n${regs}\n${await page.getByTestId('inspector').textContent()}`;
}

async function openFresh(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('status')).not.toHaveAttribute('data-status', 'empty');
}

test('Share reproduces the machine at the same step, bit for bit, with the same granule selected', async ({ page, browser }) => {
  await openFresh(page, '/');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'faulted');
  await page.getByRole('button', { name: 'Step back' }).click();
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'paused');
  // Select object B's first granule (page 1, granule 4 of the heatmap).
  await page.getByTestId('heatmap').scrollIntoViewIfNeeded();
  const box = (await page.getByTestId('heatmap').boundingBox())!;
  await page.mouse.click(box.x + 96 + 4 * 8 + 4, box.y + 4 * 8 + 4);
  await expect(page.getByTestId('inspector').getByRole('textbox')).toHaveValue(/10000040$/);
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const url = await page.getByTestId('share-url').inputValue();
  expect(url).toMatch(/#s=1\.[A-Za-z0-9_-]+$/);
  const heatmap = await page.getByTestId('heatmap').evaluate((c: HTMLCanvasElement) => c.toDataURL());
  const before = await machineText(page);

  const other = await (await browser.newContext()).newPage();
  await openFresh(other, url);
  await expect(other.getByTestId('status')).toHaveText(await status(page).textContent() as string);
  await expect(other.getByTestId('inspector').getByRole('textbox')).toHaveValue(/10000040$/);
  expect(await machineText(other)).toBe(before);
  expect(await other.getByTestId('heatmap').evaluate((c: HTMLCanvasElement) => c.toDataURL())).toBe(heatmap);
});

const sample = encodeFragment({ version: 1, title: 'sample', program: { kind: 'asm', source: 'mov x0, #1\nmov x8, #93\nsvc #0\n' } });
/** A few kilobytes that inflate to 6 MB of JSON. */
const bomb = `s=1.${toBase64Url(deflateSync(strToU8(`{"version":1,"title":"${'a'.repeat(6_000_000)}"}`)))}`;

const BAD_LINKS: [string, string, RegExp][] = [
  ['truncated', `#${sample.slice(0, Math.floor(sample.length / 2))}`, /incomplete|damaged|not valid JSON/],
  ['corrupted', '#s=1.AAAA$$$$', /characters that a shared link never has/],
  ['a future version', '#s=99.q1YqSS0uUbIy1FFKzs8tyM9LzSsB', /newer Tagscope \(format 99/],
  ['hand-edited JSON', `#${encodeFragment({ version: 1, program: { kind: 'asm', source: 'nop' } }).replace(/^s=1\./, 's=1.x')}`, /cannot be opened/],
  ['no scenario', '#hello', /holds no scenario/],
  ['an unknown demo', '#demo=no-such-demo', /no demo called "no-such-demo"/],
  ['a step past the end', '#demo=overflow&step=99', /names step 99, but the tour has 4 steps/],
  ['a compressed bomb', `#${bomb}`, /expands to more than 4 MB/],
  ['absurdly long', `#s=1.${'A'.repeat(1_500_000)}`, /damaged|incomplete/],
];

for (const [what, hash, message] of BAD_LINKS) {
  test(`a link that is ${what} shows what is wrong and leaves the page working`, async ({ page }) => {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await openFresh(page, `/${hash}`);
    await expect(page.getByTestId('notice')).toContainText(message);
    await expect(status(page)).toHaveAttribute('data-status', 'ready');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(status(page)).toHaveAttribute('data-status', 'faulted');
    expect(problems).toEqual([]);
  });
}

test('a link never replaces the user\'s own program without asking', async ({ page }) => {
  await openFresh(page, '/');
  const editor = page.getByRole('textbox', { name: 'Assembly program' });
  await editor.fill('// my work\nmov x0, #3\nmov x8, #93\nsvc #0\n');
  await page.goto('/#demo=tco');
  const dialog = page.getByRole('dialog', { name: 'Replace your program?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Keep my program' }).click();
  await expect(editor).toHaveValue(/my work/);
  await expect(page.getByTestId('tour')).toHaveCount(0);
  // A fresh visit with the draft in this browser asks too.
  await page.goto('/#demo=tcma');
  await page.reload();
  await expect(dialog).toBeVisible();
  await expect(editor).toHaveValue(/my work/);
  await dialog.getByRole('button', { name: 'Open it' }).click();
  await expect(page.getByTestId('tour')).toContainText('Tag 0 matches all');
  await expect(editor).toHaveValue(/TCMA0/);
  // Text the user did not change is not "work": the next demo opens without a question.
  await page.goto('/#demo=overflow');
  await expect(page.getByTestId('tour')).toContainText('A tagged page');
  await expect(dialog).toHaveCount(0);
});

const XSS = [
  '<img src=x onerror="window.__xss=1">',
  '"><script>window.__xss=2</script>',
  '<svg onload=window.__xss=3>',
  'javascript:window.__xss=4',
  '</textarea><iframe srcdoc="<script>parent.__xss=5</script>">',
  '{{constructor.constructor(\'window.__xss=6\')()}}',
];
const payload = XSS.join(' ');

const hostile: ScenarioInput = {
  version: 1,
  title: `T ${payload}`,
  description: `D ${payload}`,
  program: { kind: 'asm', source: `// ${payload}\n_start:\nlbl_x: mov x0, #0 // ${XSS[1]}\nmov x8, #93\nsvc #0\n` },
  actions: [{ do: 'step', count: 1 }],
  steps: [
    { title: `S1 ${payload}`, text: `text ${payload}`, afterAction: 0, view: 'events' },
    { title: `S2 ${XSS[0]}`, text: `more ${XSS[2]}`, afterAction: 1, view: 'cpu' },
  ],
};

async function expectNoInjection(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  await expect(page.locator('img[src="x"], svg[onload], iframe, script:not([src])')).toHaveCount(0);
}

test('no HTML from a scenario reaches the page: payloads in every field are shown as text', async ({ page }) => {
  await openFresh(page, `/#${encodeFragment(hostile)}&step=1`);
  const tour = page.getByTestId('tour');
  await expect(tour).toContainText(`S1 ${payload}`);
  await expect(tour).toContainText(`text ${payload}`);
  await expect(page.getByRole('textbox', { name: 'Assembly program' })).toHaveValue(/<img src=x onerror/);
  await tour.getByRole('button', { name: 'Next →' }).click();
  await expect(tour).toContainText(`S2 ${XSS[0]}`);
  await expectNoInjection(page);
  // A file name is user-controlled too: an ELF upload and a scenario import named with a payload.
  await page.getByTestId('elf-upload').setInputFiles({ name: `${XSS[0]}.elf`, mimeType: 'application/octet-stream', buffer: Buffer.from('not an elf') });
  await expect(page.getByTestId('elf-error')).toContainText(`${XSS[0]}.elf cannot be run`);
  await page.getByTestId('json-import').setInputFiles({ name: `${XSS[2]}.json`, mimeType: 'application/json', buffer: Buffer.from(`{"version":1,"title":"${XSS[2].replace(/"/g, '\\"')}"}`) });
  await expect(page.getByTestId('notice')).toContainText(`${XSS[2]}.json cannot be opened`);
  await expectNoInjection(page);
});

test('Export JSON and Import JSON carry the scenario, its tour and its step through a file', async ({ page }) => {
  await openFresh(page, '/#demo=tcma&step=2');
  await expect(page.getByTestId('tour')).toHaveAttribute('data-ready', 'true');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON' }).click();
  const file = await (await download).path();
  const json = readFileSync(file!, 'utf8');
  expect(JSON.parse(json)).toMatchObject({ version: 1, title: 'TCMA: match-all tags', machine: { tcma0: true } });
  await page.goto('/');
  await page.getByTestId('json-import').setInputFiles({ name: 'tcma.tagscope.json', mimeType: 'application/json', buffer: Buffer.from(json) });
  // The file opens at the step it was exported at, and the tour goes on from there.
  await expect(page.getByTestId('tour')).toContainText('Without TCMA0 it faults');
  await expect(page.getByTestId('event-why')).toContainText('SEGV_MTESERR');
  await page.getByRole('button', { name: '← Previous' }).click();
  await expect(page.getByTestId('tour')).toContainText('Tag 0 matches all');
  await page.getByTestId('json-import').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 1, "program": ') });
  await expect(page.getByTestId('notice')).toContainText('broken.json cannot be opened: The scenario file is not valid JSON');
});

test('a KVM scenario with the user\'s own host actions and runs is shared bit for bit: both pages reach the same stateHash', async ({ page, browser }) => {
  await openFresh(page, '/#demo=S8&step=1');
  await expect(page.getByTestId('tour')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('inspector').getByRole('textbox')).toHaveValue(/20000000$/);
  const vm = page.getByTestId('vm-actions');
  await vm.getByRole('button', { name: 'Swap in' }).click();
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await vm.getByRole('button', { name: 'VMM read', exact: true }).click();
  await expect(page.getByTestId('event-why')).toContainText('VMM reads 16 bytes');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'exited');
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect(status(page)).toHaveAttribute('data-status', 'paused');
  await expect(page.getByTestId('state-hash')).toBeVisible();
  const hash = await page.getByTestId('state-hash').textContent();
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const url = await page.getByTestId('share-url').inputValue();
  expect(url).toMatch(/#s=1\./);
  // The machine: status, registers and the selected granule's tag (the link keeps the granule, not the pointer typed).
  const machine = async (p: Page) => `${await status(p).textContent()}\n${await p.getByTestId('registers').textContent()}\n${await p.getByTestId('allocation-tag').textContent()}`;
  const before = await machine(page);

  const other = await (await browser.newContext()).newPage();
  await openFresh(other, url);
  await expect(other.getByTestId('state-hash')).toHaveText(hash!);
  expect(await machine(other)).toBe(before);
  await expect(other.getByTestId('event-log')).toContainText('VMM reads 16 bytes');
});
