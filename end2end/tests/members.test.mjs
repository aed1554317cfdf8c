// Slice 2 in the browser: a customer admin invites a new person, who opens
// the link from the outbox, signs up and lands in the console as a member
// with the invited role; the admin then sees them among the members. The
// help desk resends an invitation with a reason, and the admin reads it in
// the organization's audit log. An admin of two organizations switches.
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

async function freshPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (error) => assert.fail(`page error: ${error.message}`));
  return { page, close: () => context.close() };
}

/** Opens one of an organization's tabs (members, invitations, audit). */
async function openTab(page, tab) {
  await page.locator(`#tab-${tab}`).click();
  await page.waitForURL((url) => url.pathname.endsWith(`/${tab}`));
  await hydrated(page);
}

/** The invitation link the provider's outbox holds for `email`. */
async function linkFromOutbox(email) {
  const { page, close } = await freshPage();
  await page.goto(`${orgdesk.provider}dev/outbox`);
  const href = await page
    .locator("article", { hasText: `To ${email}` })
    .first()
    .locator("a")
    .first()
    .getAttribute("href");
  await close();
  assert.ok(href, `an email to ${email}`);
  return href;
}

describe("a customer admin and an invited person", () => {
  let bank;

  test("the invitee signs up from the email's link and lands as a member with the role", async () => {
    const sally = await freshPage();
    await signIn(sally.page, orgdesk, "sally@metahexa.example");
    await sally.page.getByRole("link", { name: "metahexa-bank" }).click();
    await sally.page.waitForURL((url) => /\/organizations\/org_/.test(url.pathname));
    await hydrated(sally.page);
    bank = new URL(sally.page.url()).pathname.split("/")[2];

    await openTab(sally.page, "invitations");
    const form = sally.page.locator("#invite");
    await form.getByLabel("Emails").fill("nia@metahexa.example\nlater@metahexa.example");
    await form.getByLabel("Org Member", { exact: true }).check();
    await form.getByRole("button", { name: "Send invitations" }).click();
    for (const email of ["nia@metahexa.example", "later@metahexa.example"]) {
      await sally.page
        .locator(`#invitations tr[data-email="${email}"][data-status="pending"]`)
        .waitFor();
    }

    // Nia opens the link from the outbox, signs up with the invited email.
    const link = await linkFromOutbox("nia@metahexa.example");
    const nia = await freshPage();
    await nia.page.goto(link);
    await nia.page.waitForURL((url) => url.pathname === "/u/login");
    assert.ok(await nia.page.getByText("MetaHexa Bank").first().isVisible());
    await nia.page.getByRole("link", { name: "Create your account" }).click();
    await nia.page.waitForURL((url) => url.pathname === "/u/signup");
    await nia.page.getByLabel("Your name").fill("Nia Newbie");
    await nia.page.getByLabel(/^Password/).fill("a long enough password");
    await nia.page.getByRole("button", { name: "Create account" }).click();
    await nia.page.waitForURL(`${orgdesk.console}/`);
    await hydrated(nia.page);
    assert.equal(await nia.page.locator("#persona").textContent(), "member");
    assert.equal(await nia.page.locator("#home-organization").textContent(), "MetaHexa Bank");
    await nia.close();

    // Sally sees Nia among the members, with the invited role, and the
    // invitation as accepted.
    await sally.page.reload();
    await hydrated(sally.page);
    await sally.page
      .locator('#invitations tr[data-email="nia@metahexa.example"][data-status="accepted"]')
      .waitFor();
    await openTab(sally.page, "members");
    const row = sally.page.locator('#members tr[data-email="nia@metahexa.example"]');
    await row.waitFor();
    assert.deepEqual(await row.locator("li[data-role]").evaluateAll((items) => items.map((i) => i.dataset.role)), [
      "Org Member",
    ]);
    await sally.close();
  });

  test("the help desk resends an invitation with a reason, and the admin reads it in the log", async () => {
    const help = await freshPage();
    await signIn(help.page, orgdesk, "helpdesk@travel0.example");
    await help.page.goto(`${orgdesk.console}/organizations/${bank}/invitations`);
    await hydrated(help.page);
    assert.equal(await help.page.locator("#invite").count(), 0, "the help desk cannot invite");
    await help.page
      .locator('#invitations tr[data-email="later@metahexa.example"] [data-action="resend"]')
      .click();
    const reason = "Ticket 5120: the first email went to spam";
    await help.page.getByLabel(/^Reason/).fill(reason);
    await help.page.locator('[data-action="confirm-resend"]').click();
    await help.page
      .locator('#invitations tr[data-email="later@metahexa.example"][data-status="revoked"]')
      .waitFor();
    await help.page
      .locator('#invitations tr[data-email="later@metahexa.example"][data-status="pending"]')
      .waitFor();
    await help.close();

    const sally = await freshPage();
    await signIn(sally.page, orgdesk, "sally@metahexa.example");
    await sally.page.goto(`${orgdesk.console}/organizations/${bank}/audit`);
    await hydrated(sally.page);
    const entry = sally.page.locator('#audit-log tr[data-action="invitation.resend"]').first();
    await entry.waitFor();
    const text = await entry.textContent();
    assert.match(text, /helpdesk@travel0\.example/);
    assert.match(text, /help desk/);
    assert.match(text, /Ticket 5120: the first email went to spam/);
    await sally.close();
  });
});

describe("an admin of two organizations", () => {
  test("picks one after signing in, then switches; her rights follow", async () => {
    const { page, close } = await freshPage();
    await signIn(page, orgdesk, "sumana@adventurez.example", "/");
    await page.locator("#home-other-organizations").getByRole("link", { name: "AdventureZ" }).click();
    await page.waitForURL((url) => /^\/organizations\/org_/.test(url.pathname));
    await hydrated(page);
    const adventurez = new URL(page.url()).pathname.split("/")[2];
    assert.equal(await page.locator("#org-switcher").getAttribute("data-org-id"), adventurez);
    assert.equal(await page.locator("h1").first().textContent(), "AdventureZ");

    await page.locator("#org-switcher summary").click();
    await page.locator("#org-switcher").getByRole("link", { name: /Rocky Mountain High/ }).click();
    await page.waitForURL((url) => /^\/organizations\/org_/.test(url.pathname) && !url.pathname.includes(adventurez));
    await hydrated(page);
    assert.equal(await page.locator("h1").first().textContent(), "Rocky Mountain High Adventures");
    const rocky = new URL(page.url()).pathname.split("/")[2];
    assert.equal(await page.locator("#org-switcher").getAttribute("data-org-id"), rocky);

    // AdventureZ's members are out of reach until she switches back.
    await page.goto(`${orgdesk.console}/organizations/${adventurez}/members`);
    await hydrated(page);
    assert.ok(await page.getByRole("alert").getByText("Not found.").isVisible());
    await close();
  });
});
