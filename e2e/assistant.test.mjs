// Browser tests of the assistant (issue 13): the demo's coaching practice answers from its
// knowledge base with sources, streamed in as it is written; feedback; the settings and usage
// pages; at desktop and phone width, with axe-core on each page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE, DESKTOP, PHONE, checkAccessible, newPage, shoot } from "./helpers.mjs";

async function intoPractice(page) {
  const password = process.env.WISDOMOS_DEMO_PASSWORD;
  assert.ok(password, "scripts/e2e.sh creates the demo account");
  await page.goto(`${BASE}/signin`);
  await page.getByLabel("E-mail").fill("demo@wisdomos.local");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${BASE}/`);
  await page.locator("#workspace-switch").selectOption({ label: "Northstar Coaching" });
  await page.getByRole("button", { name: "Switch" }).click();
  await page.waitForLoadState("load");
}

test("the practice's assistant answers from its documents, streamed, with sources and feedback", async () => {
  const page = await newPage(DESKTOP);
  await intoPractice(page);
  await page.goto(`${BASE}/assistant`);
  await checkAccessible(page, "/assistant (empty)");
  await page.getByLabel("Your message").fill("How long does the foundations programme run?");
  const streamed = page.waitForResponse((r) => r.url().endsWith("/assistant/stream"));
  await page.getByRole("button", { name: "Send" }).click();
  assert.equal((await streamed).status(), 200, "the answer came as a stream");
  await page.waitForURL(/\/assistant\?c=.*&m=/);
  const answer = page.locator(".message.theirs").last();
  assert.match(await answer.locator(".bubble").innerText(), /twelve weeks/);
  assert.match(await answer.getByTestId("reading").innerText(), /^Read as (fire|water|earth|air|aether)/);
  const source = answer.getByTestId("sources").locator("details").first();
  assert.match(await source.locator("summary").innerText(), /Our programmes/);
  await source.locator("summary").click();
  assert.match(await source.locator(".snippet").innerText(), /programme/i);
  await answer.getByRole("button", { name: "Helpful", exact: true }).click();
  await page.waitForURL((u) => u.pathname === "/assistant" && !u.search.includes("&m="));
  assert.equal(await page.locator(".message.theirs").last().getByRole("button", { name: "Helpful", exact: true }).getAttribute("aria-pressed"), "true");
  // A follow-up in the same conversation, and a topic the practice declines.
  await page.getByLabel("Your message").fill("Can you give me medical advice about my sleeping pills?");
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForURL(/&m=/);
  assert.match(await page.locator(".message.theirs").last().locator(".bubble").innerText(), /can't help with medical advice/);
  await shoot(page, "assistant-desktop");
  await checkAccessible(page, "/assistant (conversation)");
  for (const path of ["/assistant/settings", "/assistant/usage"]) {
    await page.goto(`${BASE}${path}`);
    await checkAccessible(page, path);
    await shoot(page, `page${path.replaceAll("/", "-")}-desktop`);
  }
  assert.match(await page.getByTestId("meters").innerText(), /Conversations\s+1 of 100/);
  assert.deepEqual(page.external, []);
  await page.context().close();
});

test("the assistant pages fit a phone", async () => {
  const page = await newPage(PHONE);
  await intoPractice(page);
  for (const path of ["/assistant", "/assistant/settings", "/assistant/usage"]) {
    await page.goto(`${BASE}${path}`);
    const wide = await page.evaluate(() => [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(0, 5).map((el) => `${el.tagName}.${el.className}`));
    assert.deepEqual(wide, [], `nothing wider than 375 px on ${path}`);
    await shoot(page, `page${path.replaceAll("/", "-")}-phone`);
  }
  await page.context().close();
});
