import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { REPO_ROOT, fixture, runCli } from '../support/cli.js';

/** Debian's chromium (installed by .ci/run when missing); playwright-core downloads no browser. */
const CHROMIUM = process.env.ECSGUARD_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** Screenshots are kept for people to look at: test-output/ is ignored by git. */
const OUTPUT = path.join(REPO_ROOT, 'test-output');

describe('HTML report in headless Chromium', () => {
  let browser: Browser;
  const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-html-'));
  const exceptions = path.join(dir, 'exceptions.yaml');
  writeFileSync(
    exceptions,
    'version: 1\nexceptions:\n  - {id: vendor, checks: no-privileged-containers, families: "*script*", reason: "<b>vendor</b> agent", ' +
      'owner: "sec-team", expires: 2099-01-31}\n',
  );
  const report = path.join(dir, 'report.html');

  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  });
  after(async () => {
    await browser?.close();
  });

  it('renders hostile names as text, runs no script from the data, makes no request, filters and sorts', async () => {
    const scan = await runCli([
      'scan',
      fixture('programme', 'hostile.json'),
      fixture('json', 'register-input.json'),
      '--exceptions',
      exceptions,
      '--format',
      `html:${report}`,
    ]);
    assert.equal(scan.code, 1, scan.stderr);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const dialogs: string[] = [];
    const requests: string[] = [];
    const violations: string[] = [];
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    page.on('console', (m) => {
      if (m.type() === 'error') violations.push(m.text());
    });
    await page.goto(pathToFileURL(report).href);

    // The hostile container name and family are text, not elements.
    assert.equal(await page.locator('#findings img').count(), 0);
    assert.equal(await page.locator('script').count(), 1);
    const containerCells = await page.locator('#findings tbody tr td:nth-child(5)').allTextContents();
    assert.ok(containerCells.includes('<img src=x onerror=alert(1)>'));
    assert.ok((await page.locator('#findings tbody').textContent())?.includes(`web"><script>alert('family')</script>`));
    assert.equal(await page.evaluate(() => (globalThis as unknown as { alertCalled?: boolean }).alertCalled ?? false), false);

    // Summary cards and the totals.
    assert.equal(await page.locator('#shown').textContent(), '10');
    assert.deepEqual(await page.locator('#summary h2').allTextContents(), ['By check', 'By severity', 'By account / region or folder']);
    const folders = await page.locator('#summary .card:nth-child(3) tbody td:first-child').allTextContents();
    assert.deepEqual(folders.sort(), ['test/fixtures/json', 'test/fixtures/programme']);

    // Filter by status, then by text.
    await page.selectOption('#status', 'MUTED');
    assert.equal(await page.locator('#shown').textContent(), '1');
    const muted = page.locator('#findings tbody tr:not([hidden])');
    assert.equal(await muted.locator('td:nth-child(3)').textContent(), 'no-privileged-containers');
    assert.match(
      (await muted.locator('td:nth-child(9)').textContent()) ?? '',
      /^muted by exception at .*exceptions\.yaml:3 \(exception vendor\): <b>vendor<\/b> agent, owner sec-team, until 2099-01-31$/,
    );
    await page.selectOption('#status', '');
    await page.fill('#q', 'reporting-worker');
    assert.equal(await page.locator('#shown').textContent(), '2');
    await page.fill('#q', '');

    // Sort by severity: high before medium.
    await page.click('#findings th:nth-child(2)');
    const severities = await page.locator('#findings tbody tr td:nth-child(2)').allTextContents();
    assert.deepEqual(
      severities,
      [...severities].sort(
        (a, b) => ['critical', 'high', 'medium', 'low', 'info'].indexOf(a) - ['critical', 'high', 'medium', 'low', 'info'].indexOf(b),
      ),
    );
    assert.equal(severities[0], 'high');

    mkdirSync(OUTPUT, { recursive: true });
    const shot = path.join(OUTPUT, 'html-report.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(existsSync(shot) && statSync(shot).size > 10_000);

    assert.deepEqual(dialogs, []);
    assert.deepEqual(requests, []);
    assert.deepEqual(violations, []);
    await page.close();
  });

  it('the Content-Security-Policy blocks an injected handler even if escaping were bypassed', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    await page.goto(pathToFileURL(report).href);
    // Simulate a broken escape: inject markup with an inline handler into the live page.
    await page.evaluate(() => {
      (globalThis as any).document.body.insertAdjacentHTML('beforeend', '<img src="data:," onerror="alert(2)">');
    });
    await page.waitForTimeout(200);
    assert.deepEqual(dialogs, []);
    await page.close();
  });
});
