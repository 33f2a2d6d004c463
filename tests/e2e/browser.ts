/**
 * End-to-end tests drive Debian's Chromium (`apt-get install chromium`) with playwright-core, a
 * fresh profile each time, against the service started in-process on a random port.
 *
 * Without /usr/bin/chromium the suites are pending (one line says how to install it); with
 * REQUIRE_SERVICES=1 (CI) a missing Chromium fails the run instead.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve('tests/e2e/screenshots');

let told = false;

/** Skips the calling hook's suite when Chromium is missing, or throws under REQUIRE_SERVICES=1. */
export function requireChromium(ctx: Mocha.Context): void {
  if (fs.existsSync(CHROMIUM)) return;
  if (process.env.REQUIRE_SERVICES === '1') {
    throw new Error(`${CHROMIUM} is missing but REQUIRE_SERVICES=1: install it with \`apt-get install chromium\` (.ci/run does)`);
  }
  if (!told) {
    told = true;
    console.log(`      (${CHROMIUM} missing: browser suites are pending; \`apt-get install chromium\` to run them)`);
  }
  ctx.skip();
}

/** Builds the web app from web/src, so the tests never run against an older web/dist. */
export function buildWebApp(): void {
  execFileSync(process.execPath, ['web/build.mjs'], { stdio: 'pipe' });
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Errors the page reported (uncaught exceptions, console errors other than failed requests). */
  errors: string[];
  /** A screenshot under tests/e2e/screenshots/ (gitignored). */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Chromium, headless, with a fresh user-data dir, German locale and Herne's time zone. */
export async function launchBrowser(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kim-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
    viewport: { width: 1440, height: 960 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // A refused request (401 at the login, 400 of the form check, 403 of the CSRF test) is logged
    // by Chromium as a console error too; those are expected. Anything else (CSP, exceptions) is not.
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) errors.push(`console: ${msg.text()}`);
  });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    page,
    errors,
    async screenshot(name) {
      const file = path.join(SCREENSHOTS, name);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
