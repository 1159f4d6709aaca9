// Browser tests of daily use (issue 11): the first-run self-assessment, the Display's quick
// entry (and that a reload after it adds nothing), taking the data away, changing the password
// (other sessions end) and deleting the account.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { BASE, PASSWORD, PHONE, newPage, signUp, shoot, unique } from "./helpers.mjs";

async function signIn(page, email, password) {
  await page.goto(`${BASE}/signin`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a new person rates their areas, logs a day in one line each, and a reload adds nothing", async () => {
  const page = await newPage();
  const email = `grace-${unique()}@example.com`;
  await signUp(page, email, "Grace's year", { stay: true });
  assert.equal(await page.locator("fieldset.cluster").count(), 6);
  assert.equal(await page.locator("input[type=range]").count(), 30);
  await page.locator("#r-work").fill("80");
  assert.equal(await page.locator('output[for="r-work"]').innerText(), "80");
  await page.locator("#r-finance").fill("20");
  await shoot(page, "onboarding-desktop");
  await page.getByRole("button", { name: "Save my starting point" }).click();
  await page.waitForURL(/\/\?done=assessed/);
  assert.match(await page.getByTestId("notice").innerText(), /starting point is saved/);
  assert.equal(await page.locator(".welcome").count(), 0, "no welcome once rated");
  const work = page.locator('.cluster [data-life-area="work"]');
  assert.match(await work.innerText(), /80\.0/);
  assert.equal(await work.getAttribute("data-status"), "THRIVING");

  // Quick entry: area chosen, +2 → PROGRESS, momentum +8 over the baseline of 80.
  const started = Date.now();
  await page.getByLabel("What happened").fill("Finished the quarterly plan a day early");
  await page.getByLabel("Life area").selectOption("work");
  await page.getByLabel(/^How it felt/).selectOption("2");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.waitForURL(/logged=/);
  const took = Date.now() - started;
  const notice = await page.getByTestId("notice").innerText();
  assert.match(notice, /Saved “Finished the quarterly plan a day early” in Work/);
  assert.match(notice, /score 88\.0 \(was 80\.0\)/);
  console.log(`quick entry: filled, saved and shown in ${took} ms`);
  // Let the classifier choose the area.
  await page.getByLabel("What happened").fill("Argued with my sister about the holidays");
  await page.getByLabel(/^How it felt/).selectOption("-3");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.waitForURL(/logged=/);
  assert.match(await page.getByTestId("notice").innerText(), /Saved “Argued with my sister/);
  // A reload shows the page again and posts nothing.
  await page.reload();
  await page.reload();
  await page.goto(`${BASE}/events`);
  assert.equal(await page.locator("li.event", { hasText: "Finished the quarterly plan" }).count(), 1);
  assert.equal(await page.locator("li.event", { hasText: "Argued with my sister" }).count(), 1);
  // An empty line is refused in words naming the field.
  await page.goto(`${BASE}/`);
  await page.getByLabel("What happened").fill("   ");
  await page.getByLabel("What happened").evaluate((el) => el.removeAttribute("required"));
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.waitForURL(/quick=text/);
  assert.match(await page.locator("#q-error").innerText(), /What happened/);
  await shoot(page, "home-quick-entry-desktop");
  const phone = await newPage(PHONE);
  await signIn(phone, email, PASSWORD);
  await phone.waitForURL(`${BASE}/`);
  await shoot(phone, "home-quick-entry-phone");
  await phone.goto(`${BASE}/onboarding`);
  await shoot(phone, "onboarding-phone");
  assert.deepEqual([...page.external, ...phone.external], []);
});

test("export, change password (the other session ends), delete the account", async () => {
  const page = await newPage();
  const email = `lin-${unique()}@example.com`;
  await signUp(page, email, "Lin's space");
  await page.getByLabel("What happened").fill("Walked to the river, calm evening");
  await page.getByLabel(/^How it felt/).selectOption("3");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.waitForURL(/logged=/);

  await page.getByRole("link", { name: "Account" }).click();
  await page.waitForURL(`${BASE}/account`);
  await shoot(page, "account-desktop");
  const [json] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download everything (JSON)" }).click(),
  ]);
  const doc = JSON.parse(await readFile(await json.path(), "utf8"));
  assert.equal(doc.format, "wisdomos-export");
  assert.equal(doc.lifeAreas.length, 30);
  assert.ok(doc.events.some((e) => e.title === "Walked to the river, calm evening"));
  const [csv] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download events (CSV)" }).click(),
  ]);
  const text = await readFile(await csv.path(), "utf8");
  assert.match(text.split("\n")[0], /^occurredAt,title,lifeArea/);
  assert.match(text, /Walked to the river, calm evening/);

  // A second browser signed in as the same person.
  const other = await newPage();
  await signIn(other, email, PASSWORD);
  await other.waitForURL(`${BASE}/`);
  const NEW = "a brand new and longer passphrase 7";
  await page.getByLabel("Current password").fill("not the password at all");
  await page.getByLabel(/^New password/).fill(NEW);
  await page.getByRole("button", { name: "Change password" }).click();
  assert.match(await page.locator("#password-error").innerText(), /Current password/);
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel(/^New password/).fill(NEW);
  await page.getByRole("button", { name: "Change password" }).click();
  await page.waitForURL(/done=password/);
  assert.match(await page.getByTestId("notice").innerText(), /password is changed/);
  await other.goto(`${BASE}/`);
  await other.waitForURL(/\/signin/);

  await page.getByLabel("Your password, to confirm").fill(NEW);
  await page.getByRole("button", { name: "Delete my account for good" }).click();
  await page.waitForURL(/\/signin/);
  await signIn(page, email, NEW);
  assert.match(await page.locator("[role=alert]").first().innerText(), /e-mail or password/i);
});
