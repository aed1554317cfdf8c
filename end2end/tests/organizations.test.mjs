// Slice 1 in the browser: staff sign in on the provider's login page and
// manage an organization; help desk only reads; anonymous visitors are sent
// to sign in.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { hydrated, launchBrowser, signIn, startOrgdesk } from "../support/orgdesk.mjs";

let orgdesk;
let browser;

before(async () => {
  orgdesk = await startOrgdesk();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await orgdesk?.stop();
});

/** A page in a browser profile of its own. */
async function freshPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (error) => assert.fail(`page error: ${error.message}`));
  return { page, close: () => context.close() };
}

describe("anonymous visitors", () => {
  test("are sent to the provider's login page, which names the console", async () => {
    const { page, close } = await freshPage();
    await page.goto(`${orgdesk.console}/organizations`);
    await page.waitForURL((url) => url.pathname === "/u/login");
    assert.equal(new URL(page.url()).origin, new URL(orgdesk.provider).origin);
    assert.ok(await page.getByText("to continue to Orgdesk console").isVisible());
    await close();
  });

  test("get a refusal from the server functions themselves", async () => {
    const response = await fetch(`${orgdesk.console}/api/organizations/list`, {
      method: "POST",
      // Everything a console page sends: the refusal is the service's own.
      headers: { "content-type": "application/x-www-form-urlencoded", origin: orgdesk.console },
      body: "query=",
    });
    assert.notEqual(response.status, 200);
    assert.match(await response.text(), /Unauthenticated/);
  });
});

describe("staff", () => {
  test("create, find, edit and delete an organization", async () => {
    const { page, close } = await freshPage();
    await signIn(page, orgdesk, "staff@travel0.example");
    assert.equal(await page.locator("#persona").textContent(), "staff");

    // Create, with a bad name first: the form says what is wrong, nothing is made.
    await page.getByRole("link", { name: "New organization" }).click();
    await page.waitForURL(`${orgdesk.console}/organizations/new`);
    await hydrated(page);
    await page.getByLabel("Name", { exact: true }).fill("Not A Slug");
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.locator("#name-error").waitFor();
    assert.match(await page.locator("#name-error").textContent(), /lowercase letters/);

    await page.getByLabel("Name", { exact: true }).fill("travel0-e2e");
    await page.getByLabel("Display name").fill("Travel0 E2E Partners");
    await page.getByLabel("Metadata").fill("plan=trial\nregion=eu");
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.waitForURL(/\/organizations\/org_[A-Za-z0-9]{16}$/);
    await page.getByRole("heading", { name: "Travel0 E2E Partners" }).waitFor();
    const orgUrl = page.url();

    // Find it by a piece of its display name.
    await page.goto(`${orgdesk.console}/organizations?q=e2e%20partners`);
    await hydrated(page);
    const rows = page.locator("tbody tr");
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().textContent(), /travel0-e2e/);

    // Edit the display name and the metadata.
    await page.goto(orgUrl);
    await hydrated(page);
    await page.getByLabel("Display name").fill("Travel0 Partners");
    await page.getByLabel("Metadata").fill("plan=enterprise");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await page.getByRole("heading", { name: "Travel0 Partners" }).waitFor();

    // Delete: the wrong name is refused, the right one deletes.
    await page.getByLabel(/Type travel0-e2e to confirm/).fill("travel0");
    await page.getByRole("button", { name: "Delete organization" }).click();
    await page.locator("#confirm-error").waitFor();
    await page.getByLabel(/Type travel0-e2e to confirm/).fill("travel0-e2e");
    await page.getByRole("button", { name: "Delete organization" }).click();
    await page.waitForURL(`${orgdesk.console}/organizations`);
    await page.goto(`${orgdesk.console}/organizations?q=travel0-e2e`);
    await page.getByText("No organization matches.").waitFor();

    // Every change is in the audit log, with the persona it was made as.
    await page.goto(`${orgdesk.console}/audit`);
    await hydrated(page);
    const log = await page.locator("tbody").textContent();
    for (const action of ["organization.create", "organization.update", "organization.delete"]) {
      assert.match(log, new RegExp(action));
    }
    assert.match(log, /staff@travel0\.example/);
    await close();
  });
});

describe("help desk", () => {
  test("sees organizations without edit controls, and the server refuses edits", async () => {
    const { page, close } = await freshPage();
    await signIn(page, orgdesk, "helpdesk@travel0.example");
    assert.equal(await page.locator("#persona").textContent(), "help desk");
    assert.equal(await page.getByRole("link", { name: "New organization" }).count(), 0);

    await page.getByRole("link", { name: "metahexa-bank" }).click();
    await page.getByRole("heading", { name: "MetaHexa Bank" }).waitFor();
    await hydrated(page);
    assert.equal(await page.getByRole("button", { name: "Save changes" }).count(), 0);
    assert.equal(await page.getByRole("button", { name: "Delete organization" }).count(), 0);

    // Calling the server function directly, with the help desk's session and
    // all a console page sends (its origin and request token), is refused.
    const id = page.url().split("/").pop();
    const token = await page.locator('meta[name="orgdesk-request-token"]').getAttribute("content");
    const response = await page.request.post(`${orgdesk.console}/api/organizations/update`, {
      form: { id, display_name: "Hijacked", metadata: "" },
      headers: { origin: orgdesk.console, "x-orgdesk-request-token": token },
    });
    assert.notEqual(response.status(), 200);
    assert.match(await response.text(), /Forbidden/);
    await page.reload();
    await page.getByRole("heading", { name: "MetaHexa Bank" }).waitFor();
    await close();
  });
});
