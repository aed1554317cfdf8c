// Starts a real Orgdesk (console and built-in provider) on free ports with a
// fresh data folder, and a headless Chromium driven by Playwright.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const required = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with \`cargo xtask test --only e2e\``);
  return value;
};

/** Starts `orgdesk serve` and resolves once it prints its URLs. */
export async function startOrgdesk() {
  const dataDir = mkdtempSync(join(tmpdir(), "orgdesk-e2e-"));
  const child = spawn(required("ORGDESK_BIN"), ["serve"], {
    env: {
      ...process.env,
      ORGDESK_DATA_DIR: dataDir,
      ORGDESK_CONSOLE__ADDR: "127.0.0.1:0",
      ORGDESK_CONSOLE__SITE_ROOT: required("ORGDESK_SITE_ROOT"),
      ORGDESK_PROVIDER__ADDR: "127.0.0.1:0",
      ORGDESK_LOG__FORMAT: "json",
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
  return {
    ...urls,
    logs: () => output,
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A headless Chromium with a fresh profile, as this machine allows it. */
export async function launchBrowser() {
  const userDataDir = mkdtempSync(join(tmpdir(), "orgdesk-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: required("CHROMIUM"),
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
      "--no-first-run",
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
