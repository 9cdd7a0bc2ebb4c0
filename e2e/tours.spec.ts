import { expect, test, type Page } from '@playwright/test';
import { preset, presets } from '../src/scenario/presets/index.ts';
import { lessons } from '../src/ui/lessons/index.ts';
import type { Where } from '../src/ui/lessons/lesson.ts';
import { presetTours } from '../src/ui/lessons/presetTours.ts';

const SHOTS = 'docs/screenshots';

/** A teaching point is on screen: the named part shows the text (registers also by their accessible names). */
async function expectShows(page: Page, where: Where, text: string | RegExp): Promise<void> {
  const region = page.getByTestId(where);
  if (where === 'registers' && typeof text === 'string') {
    await expect(region.locator(`[aria-label*="${text}"]`).or(region.getByText(text)).first()).toBeVisible();
  } else {
    await expect(region).toContainText(text);
  }
}

for (const lesson of lessons) {
  test(`demo "${lesson.scenario.title}": every step from first to last shows its teaching point`, async ({ page }) => {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`/#demo=${lesson.id}`);
    const tour = page.getByTestId('tour');
    const steps = lesson.scenario.steps;
    for (let i = 0; i < steps.length; i++) {
      await expect(tour).toHaveAttribute('data-step', String(i + 1));
      await expect(tour).toHaveAttribute('data-ready', 'true');
      await expect(tour.getByRole('heading', { name: steps[i].title })).toBeVisible();
      await expect(tour).toContainText(`step ${i + 1} of ${steps.length}`);
      // Each step has its own URL.
      expect(page.url()).toContain(i === 0 ? `#demo=${lesson.id}` : `#demo=${lesson.id}&step=${i + 1}`);
      await expectShows(page, lesson.shows[i].where, lesson.shows[i].text);
      const highlight = steps[i].highlight;
      if (highlight?.kind === 'granule') await expect(page.getByTestId('inspector').getByRole('textbox')).toHaveValue(new RegExp(`${highlight.address.toString(16)}$`));
      if (highlight?.kind === 'register') await expect(page.getByTestId('registers').locator('.reg.selected')).toHaveCount(1);
      if (i < steps.length - 1) await tour.getByRole('button', { name: 'Next →' }).click();
    }
    await expect(tour.getByRole('button', { name: 'Next →' })).toBeDisabled();
    expect(problems).toEqual([]);
  });
}

test('a step URL opens that step directly, and presenter mode walks the tour from the keyboard', async ({ page }) => {
  await page.goto('/#demo=overflow&step=4');
  const tour = page.getByTestId('tour');
  await expect(tour).toHaveAttribute('data-step', '4');
  await expect(tour).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('event-why')).toContainText('SEGV_MTESERR');
  await tour.getByRole('button', { name: 'Presenter mode' }).click();
  await expect(page.locator('html')).toHaveClass(/presenting/);
  await page.screenshot({ path: `${SHOTS}/presenter.png` });
  await page.keyboard.press('ArrowLeft');
  await expect(tour).toHaveAttribute('data-step', '3');
  await page.keyboard.press('PageUp');
  await expect(tour).toHaveAttribute('data-step', '2');
  await page.keyboard.press('ArrowRight');
  await expect(tour).toHaveAttribute('data-step', '3');
  expect(page.url()).toContain('#demo=overflow&step=3');
  await page.keyboard.press('Escape');
  await expect(page.locator('html')).not.toHaveClass(/presenting/);
});

test('the gallery lists every lesson and opens one at its first step', async ({ page }) => {
  await page.goto('/');
  const gallery = page.locator('#gallery');
  for (const l of lessons) await expect(gallery.getByRole('link', { name: new RegExp(String(l.scenario.title)) })).toBeVisible();
  for (const p of presets) await expect(gallery.getByRole('link', { name: new RegExp(`^${p.id} `) })).toBeVisible();
  await gallery.screenshot({ path: `${SHOTS}/gallery.png` });
  await gallery.getByRole('link', { name: /TCO: tag check override/ }).click();
  await expect(page.getByTestId('tour')).toHaveAttribute('data-step', '1');
  await expect(page.getByTestId('tour')).toContainText('A mismatching store passes');
});

test('KVM scenarios S1–S16: every tour, in one page, from first to last step shows its teaching point', async ({ page }) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  const tour = page.getByTestId('tour');
  for (const { id } of presets) {
    const steps = preset(id)!.steps;
    await page.goto(`/#demo=${id}`);
    for (let i = 0; i < steps.length; i++) {
      await expect(tour).toHaveAttribute('data-step', String(i + 1));
      await expect(tour).toHaveAttribute('data-ready', 'true');
      await expect(tour.getByRole('heading', { name: steps[i].title })).toBeVisible();
      expect(page.url()).toContain(i === 0 ? `#demo=${id}` : `#demo=${id}&step=${i + 1}`);
      const { show } = presetTours[id][i];
      await expectShows(page, show.where, show.text);
      await expect(page.getByTestId('vm-actions')).toBeVisible();
      if (id === 'S7' && i === 2) {
        // The KVM views: host-physical memory and KVM's stage-2 table, with what each entry means for tags.
        await page.getByRole('radio', { name: 'Host-physical (PA)' }).click();
        await expect(page.getByTestId('heatmap')).toHaveAttribute('data-space', 'host');
        await page.getByRole('tab', { name: 'Stage 2 (KVM)' }).click();
        await expect(page.getByTestId('mappings')).toContainText('Normal WB → tags kept');
        await expect(page.getByTestId('walk')).toContainText('S2 L3');
        await expect(page.getByTestId('prediction')).toContainText('Pass');
        await page.locator('main').screenshot({ path: `${SHOTS}/kvm-host-stage2.png` });
        await page.getByRole('radio', { name: 'Guest virtual (VA)' }).click();
      }
      if (i < steps.length - 1) await tour.getByRole('button', { name: 'Next →' }).click();
    }
    await expect(tour.getByRole('button', { name: 'Next →' })).toBeDisabled();
  }
  expect(problems).toEqual([]);
});
