// Browser tests of corrections (issue 11): a boundary violation logged by mistake is corrected
// and the area's score moves back; a violation is removed; an insight is edited and deleted
// behind a confirm step; every answer is confirmed in words. axe-core on the pages touched.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE, PHONE, checkAccessible, newPage, signUp, shoot, unique } from "./helpers.mjs";

const workScore = async (page) => {
  await page.goto(`${BASE}/areas/work`);
  return Number(await page.locator("[data-score]").first().getAttribute("data-score"));
};

test("a violation logged by mistake is corrected and the score moves back", async () => {
  const page = await newPage();
  await signUp(page, `fix-${unique()}@example.com`, "Corrections");
  const start = await workScore(page);

  await page.goto(`${BASE}/boundaries`);
  await page.getByLabel("Life area").selectOption("work");
  await page.getByLabel("Boundary", { exact: true }).fill("No e-mail after 20:00");
  await page.getByRole("button", { name: "Set boundary" }).click();
  await page.waitForURL(/\/boundaries\/[0-9a-f-]{36}$/);
  assert.match(await page.getByTestId("flash").innerText(), /Boundary set: “No e-mail after 20:00”/);
  await checkAccessible(page, "boundary page");

  // Logged now: the Work score drops by 10.
  await page.getByLabel("Note").fill("replied to the client at 22:10");
  await page.getByRole("button", { name: "Log violation" }).click();
  assert.match(await page.getByTestId("flash").innerText(), /Violation logged; the area's score went from/);
  const boundaryUrl = page.url();
  assert.equal(await workScore(page), start - 10);

  // It happened long ago (outside the 30 days that count): corrected, the score is back.
  await page.goto(boundaryUrl);
  const row = page.locator("li[data-violation-id]").first();
  await row.getByText("Correct or remove").click();
  const longAgo = new Date(Date.now() - 45 * 86400e3).toISOString().slice(0, 16);
  await row.getByLabel("When").fill(longAgo);
  await shoot(page, "violation-correct-desktop");
  await row.getByRole("button", { name: "Save correction" }).click();
  const flash = await page.getByTestId("flash").innerText();
  assert.match(flash, new RegExp(`went from ${(start - 10).toFixed(1)} to ${start.toFixed(1)}`));
  assert.equal(await workScore(page), start);

  // A second one, removed outright.
  await page.goto(boundaryUrl);
  await page.getByRole("button", { name: "Log violation" }).click();
  assert.equal(await page.locator("li[data-violation-id]").count(), 2);
  const latest = page.locator("li[data-violation-id]").first();
  await latest.getByText("Correct or remove").click();
  await latest.getByRole("button", { name: "Remove this violation" }).click();
  assert.match(await page.getByTestId("flash").innerText(), /Violation removed/);
  assert.equal(await page.locator("li[data-violation-id]").count(), 1);
  assert.match(await page.locator(".panel .meta").first().innerText(), /1 violation ·/);
  await page.reload();
  assert.equal(await page.getByTestId("flash").count(), 0, "a confirmation shows once");
  await shoot(page, "boundary-desktop");
  assert.equal(await workScore(page), start);

  // The same pages at 375 px: the boundary with a correction open, a commitment's editor.
  await page.setViewportSize(PHONE);
  await page.goto(boundaryUrl);
  await page.locator("li[data-violation-id]").first().getByText("Correct or remove").click();
  await shoot(page, "boundary-phone");
  await page.goto(`${BASE}/commitments`);
  await page.getByLabel("Commitment", { exact: true }).fill("Walk 30 minutes a day");
  await page.getByRole("button", { name: "Commit" }).click();
  await page.getByRole("link", { name: /^Edit/ }).first().click();
  await checkAccessible(page, "commitment editor");
  await shoot(page, "commitment-edit-phone");
  await page.setViewportSize({ width: 1280, height: 900 });
  await shoot(page, "commitment-edit-desktop");
});

test("an insight is edited and deleted behind a confirm step, on a phone", async () => {
  const page = await newPage(PHONE);
  await signUp(page, `insight-${unique()}@example.com`, "Insights");
  await page.goto(`${BASE}/insights`);
  await page.getByLabel("Title").fill("I sleep badly after late screens");
  await page.getByRole("button", { name: "Save insight" }).click();
  assert.match(await page.getByTestId("flash").innerText(), /Insight saved/);
  await page.getByRole("link", { name: /Edit or delete/ }).click();
  await page.getByLabel("Title").fill("I sleep well when screens are off by 22:00");
  await page.getByRole("button", { name: "Save insight" }).click();
  await page.waitForURL(/\/insights/);
  assert.equal(await page.locator("li.insight h3").innerText(), "I sleep well when screens are off by 22:00");
  await page.getByRole("link", { name: /Edit or delete/ }).click();
  await checkAccessible(page, "insight editor");
  const confirm = page.getByRole("button", { name: "Yes, delete the insight" });
  assert.equal(await confirm.isVisible(), false, "deleting takes a second step");
  await page.getByText("Delete this insight…").click();
  await shoot(page, "insight-delete-phone");
  await confirm.click();
  assert.match(await page.getByTestId("flash").innerText(), /Deleted the insight/);
  assert.equal(await page.locator("li.insight").count(), 0);
});
