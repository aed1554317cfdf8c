// Slice 3 in the browser: MetaHexa Bank's own IdP (a second Orgdesk whose
// built-in provider holds the bank's employee and a confidential client for
// the first provider's callback) becomes an OIDC connection in the catalog;
// "Test connection" shows its endpoints; staff enables it for MetaHexa Bank
// with membership on login and brands the bank's login page; the employee
// signs in through the bank's button and appears among the members. A small
// firm's login page shows only its password form.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  freePort,
  hydrated,
  launchBrowser,
  provisioningFile,
  signIn,
  startOrgdesk,
} from "../support/orgdesk.mjs";

const EMPLOYEE = "employee@metahexa.example";
const EMPLOYEE_PASSWORD = "a long bank password 2026";
const CLIENT_SECRET = "bank-idp-client-secret-value";
const LOGO = "https://cdn.metahexa.example/logo.png";

let orgdesk;
let bankIdp;
let browser;
/** Staff's page, shared by the tests in order. */
let staff;

before(async () => {
  // The bank's IdP gets a known port, so the console may admit its origin,
  // and another host name than the console's provider (as a customer's IdP
  // has): cookies are per host, not per port, and the two providers' would
  // otherwise overwrite each other.
  const idpPort = await freePort();
  const idpOrigin = `http://localhost:${idpPort}`;
  orgdesk = await startOrgdesk({ env: { ORGDESK_OUTBOUND__TEST_ORIGINS: idpOrigin } });
  const provisioning = provisioningFile(`
[[users]]
email = "${EMPLOYEE}"
name = "Bank Employee"
password = "${EMPLOYEE_PASSWORD}"
roles = []

[[clients]]
client_id = "orgdesk-federation"
name = "Orgdesk (MetaHexa sign-in)"
client_secret = "${CLIENT_SECRET}"
app_type = "regular_web"
redirect_uris = ["${orgdesk.provider}login/callback"]
`);
  bankIdp = await startOrgdesk({
    demo: false,
    env: {
      ORGDESK_PROVIDER__ADDR: `127.0.0.1:${idpPort}`,
      ORGDESK_PROVIDER__PUBLIC_URL: idpOrigin,
      ORGDESK_PROVIDER__PROVISIONING: provisioning,
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await bankIdp?.stop();
  await orgdesk?.stop();
});

async function freshPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (error) => assert.fail(`page error: ${error.message}`));
  return { page, close: () => context.close() };
}

async function openTab(page, tab) {
  await page.locator(`#tab-${tab}`).click();
  await page.waitForURL((url) => url.pathname.endsWith(`/${tab}`));
  await hydrated(page);
}

/** The employee's sign-in through the bank's button, then the bank's members. */
async function employeeSignsIn() {
  const employee = await freshPage();
  const messages = [];
  employee.page.on("console", (message) => messages.push(message.text()));
  await employee.page.goto(`${orgdesk.console}/auth/login?organization=metahexa-bank`);
  await employee.page.waitForURL((url) => url.pathname === "/u/login");
  const button = employee.page.locator('a.connection[data-connection="metahexa-idp"]');
  assert.match(await button.innerText(), /MetaHexa Bank/);
  await button.click();
  await employee.page.waitForURL((url) => url.origin === new URL(bankIdp.provider).origin);
  await employee.page.getByLabel("Email address").fill(EMPLOYEE);
  await employee.page.getByLabel("Password").fill(EMPLOYEE_PASSWORD);
  await employee.page.getByRole("button", { name: "Continue" }).click();
  await employee.page
    .waitForURL((url) => url.origin === orgdesk.console)
    .catch(async (error) => {
      const text = await employee.page.locator("body").innerText();
      throw new Error(
        `not back on the console: ${employee.page.url()}\n${text}\n${messages.join("\n")}\n${error}`,
      );
    });
  await hydrated(employee.page);
  await employee.close();

  // A member now, as the bank's member list shows.
  await openTab(staff.page, "members");
  assert.match(await staff.page.locator("#members").innerText(), new RegExp(EMPLOYEE));
}

describe("an enterprise connection to MetaHexa Bank's IdP", () => {
  test("staff creates it, tests it, enables it for the bank and brands the bank's login page", async () => {
    staff = await freshPage();
    await signIn(staff.page, orgdesk, "staff@travel0.example");

    // The catalog: a new OIDC connection, tested before it is saved.
    await staff.page.locator("#nav-connections").click();
    await staff.page.waitForURL(`${orgdesk.console}/connections`);
    await hydrated(staff.page);
    await staff.page.locator("#new-connection").click();
    await staff.page.waitForURL(`${orgdesk.console}/connections/new`);
    await hydrated(staff.page);
    await staff.page.locator("#connection-name").fill("metahexa-idp");
    await staff.page.locator("#connection-display-name").fill("MetaHexa Bank");
    await staff.page.locator("#connection-issuer").fill(bankIdp.provider);
    await staff.page.locator("#connection-test").click();
    const found = staff.page.locator("#connection-test-result");
    await found.waitFor();
    assert.match(await found.innerText(), new RegExp(`${bankIdp.provider}authorize`));
    assert.match(await found.innerText(), /RS256/);
    await staff.page.locator("#connection-client-id").fill("orgdesk-federation");
    await staff.page.locator("#connection-client-secret").fill(CLIENT_SECRET);
    // The bank's IdP speaks for the bank's own addresses only.
    await staff.page.locator("#connection-domains").fill("metahexa.example");
    await staff.page.locator("#connection-submit").click();
    await staff.page.waitForURL((url) => /^\/connections\/con_/.test(url.pathname));
    await hydrated(staff.page);
    assert.equal(
      await staff.page.locator("#callback-url").innerText(),
      `${orgdesk.provider}login/callback`,
    );

    // MetaHexa Bank enables it with membership on login.
    await staff.page.goto(`${orgdesk.console}/organizations?query=metahexa`);
    await staff.page.getByRole("link", { name: "metahexa-bank" }).click();
    await staff.page.waitForURL((url) => /\/organizations\/org_/.test(url.pathname));
    await hydrated(staff.page);
    await openTab(staff.page, "connections");
    await staff.page.locator("#enable-connection-id").selectOption({ label: "MetaHexa Bank — OpenID Connect (enterprise)" });
    await staff.page.locator("#enable-membership").check();
    assert.ok(await staff.page.locator("#enable-button").isChecked(), "enterprise: a button");
    assert.ok(await staff.page.locator("#enable-signup").isDisabled(), "no sign-up for enterprise");
    await staff.page.locator("#enable-submit").click();
    await staff.page.locator("#org-connections-status", { hasText: "Enabled metahexa-idp" }).waitFor();
    await staff.page.locator("#org-connections", { hasText: "metahexa-idp" }).waitFor();

    // Its branding, with the live preview.
    await openTab(staff.page, "branding");
    await staff.page.locator("#branding-logo-url").fill(LOGO);
    await staff.page.locator("#branding-primary-text").fill("#0a7d3e");
    await staff.page.locator("#branding-page-background-text").fill("#fdf6e3");
    const preview = staff.page.frameLocator("#branding-preview");
    assert.equal(await preview.locator("#organization-logo").getAttribute("src"), LOGO);
    await staff.page.locator("#branding-save").click();
    await staff.page.locator("#branding-status", { hasText: "Saved" }).waitFor();

    // The bank's login page: its logo, its colors and its button.
    const visitor = await freshPage();
    await visitor.page.goto(`${orgdesk.console}/auth/login?organization=metahexa-bank`);
    await visitor.page.waitForURL((url) => url.pathname === "/u/login");
    assert.equal(await visitor.page.locator("#organization-logo").getAttribute("src"), LOGO);
    assert.equal(
      await visitor.page.evaluate(() => getComputedStyle(document.body).backgroundColor),
      "rgb(253, 246, 227)",
    );
    const bankButton = visitor.page.locator('a.connection[data-connection="metahexa-idp"]');
    assert.match(await bankButton.innerText(), /MetaHexa Bank/);
    await visitor.close();
  });

  // The bank's IdP is itself an Orgdesk provider, whose login form restricts
  // form-action: the first provider's callback must end that post's redirect
  // chain with a page, or Chromium blocks the hop on to the console.
  test("the employee signs in through the bank's button and becomes a member", async () => {
    await employeeSignsIn();
    await staff.close();
  });

  test("a small firm's login page shows only its password form", async () => {
    const visitor = await freshPage();
    await visitor.page.goto(`${orgdesk.console}/auth/login?organization=hoekstra-associates`);
    await visitor.page.waitForURL((url) => url.pathname === "/u/login");
    assert.equal(await visitor.page.locator("a.connection").count(), 0);
    assert.equal(await visitor.page.getByLabel("Password").count(), 1);
    assert.equal(await visitor.page.locator("#organization-logo").count(), 0);
    await visitor.close();
  });
});
