// The console under its own Content Security Policy, and what a hostile page
// on another port of the same host (same-site, so the console's SameSite=Lax
// cookie goes along) can do to a signed-in staff member: frame a console
// page, or auto-submit a form to a server function. Neither works.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import { freePort, hydrated, launchBrowser, signIn, startOrgdesk } from "../support/orgdesk.mjs";

let orgdesk;
let browser;
let hostile;
let hostileOrigin;
let pages = {};

before(async () => {
  orgdesk = await startOrgdesk();
  browser = await launchBrowser();
  const port = await freePort();
  hostileOrigin = `http://127.0.0.1:${port}`;
  hostile = createServer((request, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.end(pages[new URL(request.url, hostileOrigin).pathname] ?? "");
  });
  await new Promise((resolve) => hostile.listen(port, "127.0.0.1", resolve));
});

after(async () => {
  await new Promise((resolve) => (hostile ? hostile.close(resolve) : resolve()));
  await browser?.close();
  await orgdesk?.stop();
});

/** The id of an organization, read from its row on the organizations list. */
async function organizationId(page, name) {
  await page.goto(`${orgdesk.console}/organizations?q=${name}`);
  const href = await page.locator(`a[href^="/organizations/org_"]`).first().getAttribute("href");
  return href.split("/")[2];
}

describe("the console's own pages", () => {
  test("hydrate under the strict nonce CSP with no violation", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations = [];
    page.on("console", (msg) => /Content Security Policy|Refused to/.test(msg.text()) && violations.push(msg.text()));
    const first = page.waitForResponse((r) => r.url() === `${orgdesk.console}/organizations` && r.status() === 200);
    await signIn(page, orgdesk, "staff@travel0.example");
    const csp = (await first).headers()["content-security-policy"] ?? "";
    assert.match(csp, /script-src 'nonce-[^']+' 'strict-dynamic'/);
    assert.match(csp, /frame-ancestors 'none'/);
    // A client-side navigation and a server function call, both under the policy.
    await page.getByRole("link", { name: "metahexa-bank" }).click();
    await page.waitForURL(/\/organizations\/org_/);
    await hydrated(page);
    assert.deepEqual(violations, []);
    await context.close();
  });
});

describe("a hostile page on another port of the same host", () => {
  test("cannot frame a console page", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, orgdesk, "staff@travel0.example");
    pages["/frame"] = `<!DOCTYPE html><title>Win a prize</title>
      <iframe id="victim" src="${orgdesk.console}/organizations" width="800" height="600"></iframe>`;
    const refused = page.waitForEvent("console", (msg) => /frame-ancestors/.test(msg.text()));
    await page.goto(`${hostileOrigin}/frame`);
    await refused;
    const frame = page.frames().find((f) => f !== page.mainFrame());
    assert.ok(frame, "the iframe exists");
    assert.equal(await frame.locator("text=MetaHexa Bank").count(), 0, "nothing of the console shows in it");
    await context.close();
  });

  test("cannot change an organization's branding with an auto-submitting form", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, orgdesk, "staff@travel0.example");
    const bank = await organizationId(page, "metahexa-bank");
    await page.goto(`${orgdesk.console}/organizations/${bank}/branding`);
    await hydrated(page);
    const before = await page.locator("#branding-primary-text").inputValue();

    pages["/form"] = `<!DOCTYPE html><title>Win a prize</title>
      <form id="f" method="post" action="${orgdesk.console}/api/branding/update">
        <input name="org_id" value="${bank}"><input name="logo_url" value="">
        <input name="primary" value="#ff0000"><input name="page_background" value="">
      </form><script>document.getElementById("f").submit()</script>`;
    const answer = page.waitForResponse((r) => r.url() === `${orgdesk.console}/api/branding/update`);
    await page.goto(`${hostileOrigin}/form`);
    assert.equal((await answer).status(), 403, "refused");

    await page.goto(`${orgdesk.console}/organizations/${bank}/branding`);
    await hydrated(page);
    assert.equal(await page.locator("#branding-primary-text").inputValue(), before, "nothing changed");
    assert.notEqual(before, "#ff0000");
    assert.match(orgdesk.logs(), /did not come from the console/, "the refusal is logged");
    await context.close();
  });
});
