// Browser tests of the WisdomOS web UI (issue 5): a person signs up, reads the Phoenix
// Fulfillment Display, logs an event, applies an insight, imports a Daylio file and signs out;
// a second person never sees the first one's data; a form without its CSRF token is refused.
// Run by scripts/e2e.sh, which serves the binary and sets WISDOMOS_BASE.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE, PASSWORD, DESKTOP, PHONE, checkAccessible, newPage, signUp, shoot, unique } from "./helpers.mjs";

test("sign up, see 30 cards in 6 clusters, log an event, apply an insight, import Daylio, sign out", async () => {
  const page = await newPage();
  const email = `ada-${unique()}@example.com`;
  await signUp(page, email, "Ada's life");

  assert.equal(await page.locator(".cluster").count(), 6);
  assert.equal(await page.locator(".cluster [data-life-area]").count(), 30);
  const card = page.locator('.cluster [data-life-area="physical-health"]');
  assert.equal(await card.getAttribute("data-status"), "BALANCED");
  assert.match(await card.innerText(), /50\.0/);
  assert.match(await card.innerText(), /balanced/i);
  const balancedBg = await card.evaluate((el) => getComputedStyle(el).backgroundColor);

  // Log a breakthrough: +15 bonus and +20 momentum → 85.0, THRIVING, blue.
  await page.getByRole("link", { name: "Log an event" }).first().click();
  // The area is proposed as one types (htmx + the classifier); picking it sets the select.
  await page.getByLabel("Title").pressSequentially("Ran my first half marathon, legs sore, body strong");
  const chip = page.locator("[data-pick-area]").first();
  await chip.waitFor();
  const proposed = await chip.getAttribute("data-pick-area");
  await chip.click();
  assert.equal(await page.getByLabel("Life area").inputValue(), proposed);
  await page.getByLabel("Life area").selectOption("physical-health");
  await page.getByLabel("Type").selectOption("BREAKTHROUGH");
  await page.getByLabel("Tone").selectOption("POSITIVE");
  await page.getByLabel(/^Emotional charge/).fill("5");
  await page.getByLabel(/^Tags/).fill("running, health");
  await shoot(page, "event-form-desktop");
  await page.getByRole("button", { name: "Save event" }).click();
  const saved = page.getByTestId("event-saved");
  await saved.waitFor();
  assert.match(await saved.innerText(), /85\.0/);
  assert.match(await saved.innerText(), /was 50\.0/);

  await page.goto(`${BASE}/`);
  assert.equal(await card.getAttribute("data-status"), "THRIVING");
  assert.match(await card.innerText(), /85\.0/);
  const thrivingBg = await card.evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(thrivingBg, balancedBg, "the card's colour follows the status");
  assert.equal(thrivingBg, "rgb(219, 234, 254)", "THRIVING is seed 001's blue");
  await shoot(page, "home-new-user-desktop");

  // The area page explains the score.
  await card.click();
  await page.waitForURL(`${BASE}/areas/physical-health`);
  const factors = await page.locator("table.factors").innerText();
  assert.match(factors, /Breakthroughs\s+\+15\.0/);
  assert.match(factors, /Momentum\s+\+20\.0/);

  // Bad input is shown beside the field, nothing is written.
  await page.goto(`${BASE}/events/new`);
  await page.getByLabel("Life area").selectOption("physical-health");
  await page.getByRole("button", { name: "Save event" }).click();
  assert.match(await page.locator("#title-error").innerText(), /title/i);

  // Record an insight and apply it: a commitment, and the insight marked applied.
  await page.goto(`${BASE}/insights`);
  await page.locator("#i-title").fill("I keep promises to my body when I plan them");
  await page.locator("#i-desc").fill("Training plans work; vague intentions do not.");
  await page.getByRole("button", { name: "Save insight" }).click();
  await page.getByRole("link", { name: "Apply: make a commitment" }).first().click();
  await page.getByLabel("Commitment").fill("Plan three runs every Sunday");
  await page.getByLabel(/^Life area/).selectOption("physical-health");
  await page.getByRole("button", { name: "Make this commitment" }).click();
  await page.waitForURL(`${BASE}/commitments`);
  assert.match(await page.locator("[data-status=ACTIVE]").first().innerText(), /Plan three runs every Sunday/);
  await page.goto(`${BASE}/insights`);
  assert.equal(await page.locator("[data-applied=true]").count(), 1);

  // Import a small Daylio export: dry run first, then confirm.
  const daylio = [
    "full_date,date,weekday,time,mood,activities,note_title,note",
    '2026-11-10,November 10,Tuesday,08:12,rad,"friends | cooking",Dinner with friends,We cooked together and laughed a lot',
    '2026-11-11,November 11,Wednesday,21:40,meh,"work",Long day,Too many meetings at work',
    '2026-11-12,November 12,Thursday,19:05,good,"reading | walk",Evening walk,Walked by the river and read',
  ].join("\n");
  await page.goto(`${BASE}/import`);
  await page.getByLabel("File").setInputFiles({ name: "daylio.csv", mimeType: "text/csv", buffer: Buffer.from(daylio) });
  await page.getByRole("button", { name: "Check the file" }).click();
  const report = page.getByTestId("import-report");
  assert.equal(await report.getAttribute("data-dry-run"), "true");
  assert.equal(await page.getByTestId("accepted").innerText(), "3");
  await page.getByRole("button", { name: "Import 3 events" }).click();
  assert.equal(await page.getByTestId("import-report").getAttribute("data-written"), "true");
  // Knowledge: two files uploaded one by one with a progress bar, read in, found by meaning.
  await page.goto(`${BASE}/knowledge`);
  await page.getByLabel("Files").setInputFiles([
    { name: "sleep.md", mimeType: "text/markdown", buffer: Buffer.from("# Sleep\n\nKeep the bedroom dark and cool, and put screens away an hour before bed.") },
    { name: "pay.html", mimeType: "text/html", buffer: Buffer.from("<h1>Pay</h1><p>Bring evidence of your results when you ask for a raise.</p>") },
  ]);
  await page.getByRole("button", { name: "Upload" }).click();
  await page.locator("[data-upload-log] li", { hasText: "pay.html: added" }).waitFor();
  await page.waitForURL(/\/knowledge$/);
  for (let i = 0; i < 60 && (await page.locator('tr[data-status="ready"]').count()) < 2; i++) {
    await page.waitForTimeout(500);
    await page.goto(`${BASE}/knowledge`);
  }
  assert.equal(await page.locator('tr[data-status="ready"]').count(), 2);
  await page.getByLabel("What are you looking for?").fill("how can I rest better at night");
  await page.getByRole("button", { name: "Search" }).click();
  assert.match(await page.getByTestId("results").locator("li").first().innerText(), /bedroom dark/);
  await shoot(page, "knowledge-results-desktop");

  // The timeline filters as one types (htmx swaps it and pushes the URL).
  await page.goto(`${BASE}/events`);
  await page.getByLabel("Search").pressSequentially("river");
  await page.waitForURL(/q=river/);
  const timeline = await page.locator("#timeline").innerText();
  assert.match(timeline, /Evening walk/);
  assert.doesNotMatch(timeline, /Long day/);

  // Settings show the workspace, members, layout and audit log.
  await page.goto(`${BASE}/settings`);
  assert.match(await page.locator("#members").innerText(), new RegExp(email));
  assert.match(await page.locator("#audit").innerText(), /events\.imported/);

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(`${BASE}/signin`);
  await page.goto(`${BASE}/`);
  assert.equal(new URL(page.url()).pathname, "/signin", "signed out for good");
  assert.deepEqual(page.external, [], "no request leaves the server");
  await page.context().close();
});

test("a second user never sees the first one's data", async () => {
  const first = await newPage();
  await signUp(first, `first-${unique()}@example.com`, "First");
  await first.goto(`${BASE}/events/new`);
  await first.getByLabel("Title").fill("A private matter of the first user");
  await first.getByLabel("Life area").selectOption("finance");
  await first.getByRole("button", { name: "Save event" }).click();
  await first.getByTestId("event-saved").waitFor();
  const editHref = await first.getByRole("link", { name: "Edit this event" }).getAttribute("href");

  const second = await newPage();
  await signUp(second, `second-${unique()}@example.com`, "Second");
  await second.goto(`${BASE}/events?q=private`);
  assert.match(await second.locator("#timeline").innerText(), /No events match/);
  const resp = await second.goto(`${BASE}${editHref}`);
  assert.equal(resp.status(), 404);
  await second.goto(`${BASE}/`);
  assert.match(await second.locator('[data-life-area="finance"]').innerText(), /50\.0/);
  await first.context().close();
  await second.context().close();
});

test("a form posted without its CSRF token is refused", async () => {
  const page = await newPage();
  await signUp(page, `csrf-${unique()}@example.com`, "Csrf");
  const without = await page.request.post(`${BASE}/events`, {
    form: { title: "forged", lifeAreaId: "finance", emotionalCharge: "0" },
  });
  assert.equal(without.status(), 403);
  assert.match(await without.text(), /csrf_failed/);
  const wrong = await page.request.post(`${BASE}/events`, {
    form: { _csrf: "AAAA", title: "forged", lifeAreaId: "finance", emotionalCharge: "0" },
  });
  assert.equal(wrong.status(), 403);
  await page.goto(`${BASE}/events?q=forged`);
  assert.match(await page.locator("#timeline").innerText(), /No events match/);
  await page.context().close();
});

test("the demo workspace, the area page and the event form at desktop and phone width, light and dark", async () => {
  const password = process.env.WISDOMOS_DEMO_PASSWORD;
  assert.ok(password, "scripts/e2e.sh creates the demo account");
  for (const [label, viewport, colorScheme] of [["desktop", DESKTOP, "light"], ["phone", PHONE, "light"], ["dark", DESKTOP, "dark"]]) {
    const page = await newPage(viewport, { colorScheme });
    await page.goto(`${BASE}/signin`);
    await page.getByLabel("E-mail").fill("demo@wisdomos.local");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${BASE}/`);
    assert.equal(await page.locator(".cluster [data-life-area]").count(), 30);
    assert.ok(await page.locator('[data-widget="recent_activity"] .event').count() > 0, "a lived-in year has recent events");
    if (label === "phone") {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      const wide = await page.evaluate(() => [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .slice(0, 5).map((el) => `${el.tagName}.${el.className}`));
      assert.ok(overflow <= 0, `no horizontal scrolling at 375 px (overflow ${overflow}px: ${wide})`);
    }
    await shoot(page, `home-${label}`);
    await page.locator('.cluster [data-life-area]').first().click();
    await page.locator("svg.trend").waitFor();
    assert.ok(await page.locator("svg.trend circle").count() > 10, "a year of snapshots");
    await shoot(page, `area-${label}`);
    await page.goto(`${BASE}/events/new`);
    await shoot(page, `event-form-${label}`);
    // Keyboard: the skip link is the first stop and has a visible focus ring.
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return { cls: el.className, outline: getComputedStyle(el).outlineStyle };
    });
    assert.equal(focused.cls, "skip");
    assert.notEqual(focused.outline, "none");
    // Every page: each visible form control labelled; at 375 px, no horizontal scrolling.
    for (const path of ["/", "/areas/work", "/events", "/events/new", "/insights", "/commitments",
      "/boundaries", "/autobiography", "/import", "/knowledge", "/knowledge?q=sleep", "/settings", "/account", "/onboarding", "/no-such-page"]) {
      await page.goto(`${BASE}${path}`);
      await checkAccessible(page, `${path} (${label})`);
      const unlabelled = await page.evaluate(() => [...document.querySelectorAll("input, select, textarea")]
        .filter((el) => el.type !== "hidden" && !(el.labels && el.labels.length) && !el.getAttribute("aria-label"))
        .map((el) => el.name || el.id));
      assert.deepEqual(unlabelled, [], `unlabelled controls on ${path}`);
      if (label !== "phone" || path.startsWith("/knowledge")) await shoot(page, `page${path.replaceAll(/[/?=]/g, "-")}-${label}`);
      if (label === "phone") {
        const wide = await page.evaluate(() => [...document.querySelectorAll("body *")]
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
          .slice(0, 5).map((el) => `${el.tagName}.${el.className}`));
        assert.deepEqual(wide, [], `nothing wider than 375 px on ${path}`);
      }
    }
    assert.deepEqual(page.external, []);
    await page.context().close();
  }
});
