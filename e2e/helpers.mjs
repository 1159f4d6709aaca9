// Shared by the browser tests: the browser, a page that records requests leaving the server,
// sign-up, screenshots.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

export const BASE = process.env.WISDOMOS_BASE;
const SHOTS = process.env.WISDOMOS_SCREENSHOTS;
export const PASSWORD = "a long and unusual passphrase 42";
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 375, height: 740 };
let browser;

before(async () => {
  assert.ok(BASE, "WISDOMOS_BASE must be set (run scripts/e2e.sh)");
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});
after(async () => { await browser?.close(); });

/** A fresh browser context that fails the test on any request leaving the server. */
export async function newPage(viewport = DESKTOP, { colorScheme = "light" } = {}) {
  const context = await browser.newContext({ viewport, acceptDownloads: true, colorScheme });
  const page = await context.newPage();
  page.external = [];
  page.on("request", (r) => { if (!r.url().startsWith(BASE)) page.external.push(r.url()); });
  return page;
}

/** Signs up; lands on the first-run assessment, and (unless `stay`) skips it to the Display. */
export async function signUp(page, email, workspace, { stay = false } = {}) {
  await page.goto(`${BASE}/signup`);
  await page.getByLabel("First name").fill("Ada");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel(/^Password/).fill(PASSWORD);
  await page.getByLabel("Workspace name").fill(workspace);
  await page.getByLabel(/^Time zone/).fill("Europe/Berlin");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(`${BASE}/onboarding`);
  if (!stay) {
    await page.getByRole("link", { name: "Skip for now" }).click();
    await page.waitForURL(`${BASE}/`);
  }
}

export async function shoot(page, name) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

export const unique = () => `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

const AXE_SOURCE = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is; fails on any violation. */
export async function checkAccessible(page, name) {
  // Through the DevTools protocol, which the page's CSP (no inline script) does not govern.
  await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
  });
  assert.deepEqual(found, [], `axe-core on ${name}`);
}
