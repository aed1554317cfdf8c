// Starts a real Orgdesk (console and built-in provider) on free ports with a
// fresh data folder, and a headless Chromium driven by Playwright.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const required = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with \`cargo xtask test --only e2e\``);
  return value;
};

/** A TCP port free at the time of asking, on the loopback address. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Writes a provisioning file (TOML text) into a fresh folder; its path. */
export function provisioningFile(toml) {
  const dir = mkdtempSync(join(tmpdir(), "orgdesk-provisioning-"));
  const path = join(dir, "provisioning.toml");
  writeFileSync(path, toml);
  return path;
}

/** Starts `orgdesk serve` and resolves once it prints its URLs. With
 * `demo` (the default) it carries the Travel0 demo; `env` adds settings
 * (such as `ORGDESK_PROVIDER__PROVISIONING` or `ORGDESK_OUTBOUND__TEST_ORIGINS`). */
export async function startOrgdesk({ demo = true, env = {} } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "orgdesk-e2e-"));
  const child = spawn(required("ORGDESK_BIN"), demo ? ["serve", "--demo"] : ["serve"], {
    env: {
      ...process.env,
      ORGDESK_DATA_DIR: dataDir,
      ORGDESK_CONSOLE__ADDR: "127.0.0.1:0",
      ORGDESK_CONSOLE__SITE_ROOT: required("ORGDESK_SITE_ROOT"),
      ORGDESK_PROVIDER__ADDR: "127.0.0.1:0",
      ORGDESK_LOG__FORMAT: "json",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const urls = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Orgdesk did not start:\n${output}`)), 30_000);
    const onData = (chunk) => {
      output += chunk;
      const console = output.match(/Console:\s+(\S+)/);
      const provider = output.match(/Identity provider:\s+(\S+)/);
      if (console && provider) {
        clearTimeout(timer);
        resolve({ console: console[1].replace(/\/$/, ""), provider: provider[1] });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => reject(new Error(`Orgdesk exited (${code}):\n${output}`)));
  });
  const credentials = join(dataDir, "demo-credentials.json");
  const passwords = existsSync(credentials) ? JSON.parse(readFileSync(credentials, "utf8")) : {};
  return {
    ...urls,
    /** The demo password of a demo person. */
    password: (email) => passwords[email],
    logs: () => output,
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A headless Chromium with a fresh profile, as this machine allows it;
 * `newContext()` gives each persona its own cookies. */
export async function launchBrowser() {
  const userDataDir = mkdtempSync(join(tmpdir(), "orgdesk-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: required("CHROMIUM"),
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    /** `options` are Playwright's context options (such as `bypassCSP`). */
    async newContext(options = {}) {
      return context.browser()
        ? context.browser().newContext(options)
        : newIsolatedContext(options);
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

const CHROMIUM_ARGS = [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
      "--no-first-run",
];

/** A browser of its own (a fresh profile) for one persona. */
async function newIsolatedContext(options = {}) {
  const userDataDir = mkdtempSync(join(tmpdir(), "orgdesk-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    ...options,
    executablePath: required("CHROMIUM"),
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const close = context.close.bind(context);
  context.close = async () => {
    await close();
    rmSync(userDataDir, { recursive: true, force: true });
  };
  return context;
}

/** Signs `email` in through the provider's login page; ends on the
 * organizations list, or on `landing` (someone of several organizations
 * lands on the home page to pick one). */
export async function signIn(page, orgdesk, email, landing = "/organizations") {
  await page.goto(`${orgdesk.console}/organizations`);
  await page.waitForURL((url) => url.pathname === "/u/login");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(orgdesk.password(email));
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(`${orgdesk.console}${landing}`);
  await hydrated(page);
}

/** Waits until the page is hydrated (the layout marks it). */
export async function hydrated(page) {
  await page.locator('#orgdesk[data-hydrated="true"]').waitFor({ timeout: 15_000 });
}
