/**
 * UI benchmarks in the system Chromium (as playwright.config.ts launches it), on the production build:
 *
 *   ui-bundle          gzipped bytes of the first load (HTML, CSS, the page's JS and the engine worker) ≤ 300 KB
 *   ui-step-latency    Step pressed → the new instruction count painted (worker round trip + render) ≤ 50 ms
 *   ui-heatmap-1gib    a 1 GiB guest (64 Mi granules): main-thread work per pan or zoom frame ≤ 16 ms
 *
 * `benchUi()` returns one result object per benchmark; bench/run.ts prints them as JSON lines.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';

const DIST = join(process.cwd(), 'dist');
const CHROMIUM = '/usr/bin/chromium';
const GIB_GRANULES = 2 ** 30 / 16;
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.elf': 'application/octet-stream' };

function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0])).replace(/^(\.\.[/\\])+/, '');
    const file = join(DIST, path === '/' ? 'index.html' : path);
    if (!file.startsWith(DIST) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    resolve({ server, url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}` });
  }));
}

/** The first load: index.html and every asset it references, plus the worker the page starts at once. */
function bundleBytes(): { gzip: number; files: Record<string, number> } {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+)"/g)].map((m) => m[1]);
  const main = assets.find((a) => a.endsWith('.js'));
  const worker = main ? readFileSync(join(DIST, main), 'utf8').match(/assets\/worker-[\w-]+\.js/)?.[0] : undefined;
  const files: Record<string, number> = { 'index.html': gzipSync(html).length };
  for (const a of [...assets, ...(worker ? [worker] : [])]) files[a] = gzipSync(readFileSync(join(DIST, a))).length;
  return { gzip: Object.values(files).reduce((x, y) => x + y, 0), files };
}

const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

async function stepLatency(page: Page, url: string): Promise<number[]> {
  await page.goto(url);
  await page.waitForSelector('[data-testid="status"][data-status="ready"]');
  return page.evaluate(async () => {
    const status = document.querySelector('[data-testid="status"]')!;
    const button = (name: string) => [...document.querySelectorAll('button')].find((b) => b.textContent === name) as HTMLButtonElement;
    const step = button('Step');
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      // The default program faults after a dozen instructions: start it again before it does.
      if (i === 10) {
        button('Reset').click();
        await new Promise((r) => setTimeout(r, 200));
      }
      const before = status.textContent;
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        const mo = new MutationObserver(() => {
          if (status.textContent !== before) {
            mo.disconnect();
            // The frame that shows it.
            requestAnimationFrame(() => resolve());
          }
        });
        mo.observe(status, { childList: true, subtree: true, characterData: true });
        step.click();
      });
      times.push(performance.now() - t0);
    }
    return times;
  });
}

async function heatmapFrames(page: Page, url: string): Promise<{ pan: number[]; zoom: number[] }> {
  await page.goto(`${url}/?bench-granules=${GIB_GRANULES}`);
  await page.waitForSelector(`[data-testid="heatmap"][data-cells="${GIB_GRANULES}"]`, { timeout: 120_000 });
  return page.evaluate(async () => {
    const canvas = document.querySelector('[data-testid="heatmap"]') as HTMLCanvasElement;
    const frame = (): Promise<number> => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
    /**
     * Main-thread work of one input: the event handler's canvas repaint plus React's render and layout of the
     * chrome, forced before the next frame. (The wait for the frame itself is vsync, not work.)
     */
    const measure = async (init: WheelEventInit): Promise<number> => {
      await frame();
      const t0 = performance.now();
      canvas.dispatchEvent(new WheelEvent('wheel', { bubbles: true, cancelable: true, ...init }));
      await Promise.resolve();
      document.body.getBoundingClientRect();
      return performance.now() - t0;
    };
    const pan: number[] = [];
    // Shift and the wheel pan; the wheel alone zooms, through every level from single granules to 4096 per cell.
    for (let i = 0; i < 60; i++) pan.push(await measure({ deltaY: i % 2 ? -4000 : 60_000, deltaX: 0, shiftKey: true }));
    const zoom: number[] = [];
    for (let i = 0; i < 24; i++) zoom.push(await measure({ deltaY: i < 12 ? 100 : -100 }));
    return { pan, zoom };
  });
}

export async function benchUi(): Promise<object[]> {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  const results: object[] = [];
  const bundle = bundleBytes();
  results.push({ bench: 'ui-bundle', gzipBytes: bundle.gzip, limitBytes: 300_000, pass: bundle.gzip <= 300_000, files: JSON.stringify(bundle.files) });
  const { server, url } = await serve();
  const browser = await chromium.launch({
    executablePath: existsSync(CHROMIUM) ? CHROMIUM : undefined,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    // Functions passed to evaluate() may carry the bundler's name helper: give the page a no-op one.
    await page.addInitScript('globalThis.__name = (f) => f');
    const steps = await stepLatency(page, url);
    results.push({ bench: 'ui-step-latency', p50Ms: percentile(steps, 0.5), maxMs: Math.max(...steps), limitMs: 50, pass: Math.max(...steps) <= 50 });
    const frames = await heatmapFrames(page, url);
    const worst = Math.max(...frames.pan, ...frames.zoom);
    results.push({
      bench: 'ui-heatmap-1gib', granules: GIB_GRANULES, panP95Ms: percentile(frames.pan, 0.95), zoomP95Ms: percentile(frames.zoom, 0.95),
      maxMs: worst, limitMs: 16, pass: worst <= 16,
    });
  } finally {
    await browser.close();
    server.close();
  }
  return results;
}
