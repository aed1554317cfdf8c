// The console is rendered on the server, then hydrated in the browser; the
// built-in provider answers on its own origin.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launchBrowser, startOrgdesk } from "../support/orgdesk.mjs";

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

describe("server rendering", () => {
  test("the front page is complete HTML before any script runs", async () => {
    const response = await fetch(`${orgdesk.console}/`);
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /Customer organizations, run from one console/);
    assert.match(html, /id="theme-toggle"/);
    assert.match(html, /\/pkg\/orgdesk\.js/, "the page loads the hydration bundle");
    assert.doesNotMatch(html, /data-hydrated/, "only the browser marks the page hydrated");
    assert.ok(response.headers.get("x-request-id"), "every response carries a request id");
  });

  test("an unknown address answers 404 with a way back", async () => {
    const response = await fetch(`${orgdesk.console}/no/such/page`);
    assert.equal(response.status, 404);
    assert.match(await response.text(), /This page does not exist/);
  });

  test("the stylesheet keeps Tailwind's hover, md and dark variants", async () => {
    const response = await fetch(`${orgdesk.console}/pkg/orgdesk.css`);
    assert.equal(response.status, 200);
    const css = await response.text();
    assert.match(css, /\.dark\\:bg-slate-950/);
    assert.match(css, /\.hover\\:bg-slate-100/);
    assert.match(css, /\.md\\:px-8/);
    assert.match(css, /@media \(hover: hover\)/, "hover applies only on hover, not always");
  });
});

describe("hydration", () => {
  test("the browser hydrates the page and the theme toggle works and persists", async () => {
    const page = await browser.context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
    page.on("response", (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));

    await page.goto(`${orgdesk.console}/`);
    await page.locator('#orgdesk[data-hydrated="true"]').waitFor({ timeout: 15_000 });

    const toggle = page.getByRole("button", { name: "Dark theme" });
    const background = () =>
      page.locator("#orgdesk").evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(await toggle.getAttribute("aria-pressed"), "false");
    const light = await background();

    await toggle.focus();
    await page.keyboard.press("Space");
    assert.equal(await toggle.getAttribute("aria-pressed"), "true");
    assert.notEqual(await background(), light, "the dark variant applies");

    // The server renders the remembered theme, so a reload does not flash.
    const reload = await page.reload();
    assert.match(await reload.text(), /class="dark /);
    await page.locator('#orgdesk[data-hydrated="true"]').waitFor();
    assert.equal(await toggle.getAttribute("aria-pressed"), "true");

    await toggle.click();
    assert.equal(await toggle.getAttribute("aria-pressed"), "false");
    assert.equal(await background(), light);
    assert.deepEqual(errors, [], "no errors in the browser console");
    await page.close();
  });
});

describe("built-in provider", () => {
  test("serves its discovery document on its own origin", async () => {
    assert.notEqual(new URL(orgdesk.provider).origin, new URL(orgdesk.console).origin);
    const response = await fetch(new URL(".well-known/openid-configuration", orgdesk.provider));
    assert.equal(response.status, 200);
    const discovery = await response.json();
    assert.equal(discovery.issuer, orgdesk.provider);
    assert.equal(discovery.token_endpoint, `${orgdesk.provider}oauth/token`);
  });
});
