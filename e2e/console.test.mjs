// Browser tests of the operator console (issue 14): the demo organisation's graph drawn and
// coloured by its computed segments, a recommendation applied, the intervention it made
// reversed, and each of those views found in the audit trail; at desktop and phone width,
// with axe-core on every console page and no request leaving the server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE, DESKTOP, PHONE, checkAccessible, newPage, shoot } from "./helpers.mjs";

async function signInOperator(page) {
  const password = process.env.WISDOMOS_OPERATOR_PASSWORD;
  assert.ok(password, "scripts/e2e.sh creates the demo organisation");
  await page.goto(`${BASE}/signin`);
  await page.getByLabel("E-mail").fill("operator@wisdomos.local");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${BASE}/`);
}

function watchErrors(page) {
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  return errors;
}

test("an operator sees the graph by segment, applies a recommendation, reverses it, and finds it all audited", async () => {
  const page = await newPage(DESKTOP);
  const errors = watchErrors(page);
  await signInOperator(page);
  await page.getByRole("link", { name: "Console" }).click();
  await page.waitForURL(`${BASE}/console`);
  await page.locator("#graph[data-ready=true]").waitFor();
  const drawn = await page.evaluate(() => ({
    nodes: window.wisdomosGraph.nodes().length,
    edges: window.wisdomosGraph.edges().length,
    colours: new Set(window.wisdomosGraph.nodes().map((n) => n.data("colour"))).size,
  }));
  assert.ok(drawn.nodes >= 12 && drawn.edges > drawn.nodes, JSON.stringify(drawn));
  assert.ok(drawn.colours >= 3, `coloured by community: ${JSON.stringify(drawn)}`);
  assert.ok(await page.locator("#graph canvas").count() > 0, "drawn on a canvas");
  // Selecting a person shows who they are.
  await page.evaluate(() => window.wisdomosGraph.nodes()[0].emit("tap"));
  assert.match(await page.getByTestId("graph-detail").innerText(), /Community: .+\s+Engagement: /);
  const segments = await page.getByTestId("segments").innerText();
  assert.match(segments, /Community 1/);
  assert.match(segments, /Dormant|Cooling/);
  await shoot(page, "console-desktop");
  await checkAccessible(page, "/console");

  // Apply the first recommendation; the intervention it made is in the log, and reversible.
  const first = page.getByTestId("recommendations").locator("li").first();
  const action = (await first.locator("strong").innerText()).trim();
  await first.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL(`${BASE}/console`);
  assert.match(await page.getByTestId("flash").innerText(), new RegExp(`Applied “${action.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}”`));
  await page.getByRole("link", { name: "Interventions log" }).click();
  await page.waitForURL(`${BASE}/console/interventions`);
  await checkAccessible(page, "/console/interventions");
  const latest = page.getByTestId("interventions").locator("li").first();
  assert.match(await latest.innerText(), new RegExp(action.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  await latest.getByLabel("Reason to reverse").fill("Tried it on the demo");
  await latest.getByRole("button", { name: "Reverse" }).click();
  await page.waitForURL(`${BASE}/console/interventions`);
  assert.match(await page.getByTestId("flash").innerText(), /^Reversed/);
  assert.match(await page.getByTestId("interventions").locator("li").first().getByTestId("reversed").innerText(), /Tried it on the demo/);
  await shoot(page, "console-interventions-desktop");

  // The client who shares their own workspace: their summary on their page.
  await page.goto(`${BASE}/console`);
  await page.getByTestId("participants").getByRole("link", { name: "Priya", exact: true }).click();
  await page.waitForURL(/\/console\/participants\//);
  assert.match(await page.getByTestId("share-live").innerText(), /shares their Phoenix Fulfillment summary/);
  assert.equal(await page.getByTestId("summary").locator("tbody tr").count(), 30);
  assert.match(await page.locator("main").innerText(), /Recurring: overwork before deadlines/);
  await checkAccessible(page, "/console/participants/{id}");
  await shoot(page, "console-participant-desktop");
  await page.goto(`${BASE}/console/audit`);
  await checkAccessible(page, "/console/audit");
  const trail = await page.getByTestId("audit").innerText();
  for (const ev of ["graph.viewed", "segments.viewed", "recommendations.viewed", "recommendation.applied",
    "intervention.created", "intervention.reversed", "interventions.viewed", "participant.viewed",
    "participant.summary_viewed"]) {
    assert.match(trail, new RegExp(ev.replace(".", "\\.")), `${ev} in the trail`);
  }
  await shoot(page, "console-audit-desktop");
  assert.deepEqual(errors, [], "no script or CSP errors");
  assert.deepEqual(page.external, []);
  await page.context().close();
});

test("the console fits a phone", async () => {
  const page = await newPage(PHONE);
  const errors = watchErrors(page);
  await signInOperator(page);
  await page.goto(`${BASE}/console`);
  await page.locator("#graph[data-ready=true]").waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at 375 px (${overflow} px)`);
  await shoot(page, "console-phone");
  await checkAccessible(page, "/console (phone)");
  await page.getByTestId("participants").getByRole("link").first().click();
  await page.waitForURL(/\/console\/participants\//);
  const over2 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(over2 <= 0, `participant page at 375 px (${over2} px)`);
  await shoot(page, "console-participant-phone");
  assert.deepEqual(errors, []);
  await page.context().close();
});
