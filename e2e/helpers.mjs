// Shared by the browser tests: the browser, a page that records requests leaving the server,
// sign-up, screenshots.
import { before, after } from "node:test";
import assert from "node:assert/strict";
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
export async function newPage(viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
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
