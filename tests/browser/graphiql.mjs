// Opens GraphiQL as the server serves it in headless Chromium with no network beyond the
// server, runs a query with a bearer token, opens the Docs explorer, and prints what it saw as
// JSON: { response, rootTypes, queryFields, offOrigin, consoleErrors, refusedByPolicy }.
//
//   node graphiql.mjs <server url> <token> <query file>
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";

const [url, token, queryFile] = process.argv.slice(2);
const query = readFileSync(queryFile, "utf8");
const origin = new URL(url).origin;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  // No name resolves and nothing but the server's address is reachable.
  args: [`--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${new URL(url).hostname}`, "--no-sandbox"],
});
const seen = { offOrigin: [], consoleErrors: [] };
try {
  const page = await browser.newPage();
  await page.route("**/*", (route) => {
    const target = route.request().url();
    if (new URL(target).origin === origin) return route.continue();
    seen.offOrigin.push(target);
    return route.abort();
  });
  page.on("console", (m) => m.type() === "error" && seen.consoleErrors.push(m.text()));
  page.on("pageerror", (e) => seen.consoleErrors.push(String(e)));
  // What the Content-Security-Policy refused, as the page itself is told.
  await page.addInitScript(() => {
    window.__refused = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__refused.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.goto(url);
  await page.waitForSelector(".graphiql-query-editor .CodeMirror", { timeout: 15000 });

  // The editors are CodeMirror 5 instances: set their text as a paste would.
  const set = (selector, text) =>
    page.evaluate(([s, t]) => document.querySelector(s).CodeMirror.setValue(t), [selector, text]);
  await set(".graphiql-query-editor .CodeMirror", query);
  await page.getByRole("button", { name: "Headers" }).first().click().catch(() => {});
  await page.waitForSelector(".graphiql-editor-tool .CodeMirror", { state: "attached" });
  const headerEditors = await page.$$(".graphiql-editor-tool .CodeMirror");
  await page.evaluate(
    ([el, t]) => el.CodeMirror.setValue(t),
    [headerEditors[headerEditors.length - 1], JSON.stringify({ Authorization: `Bearer ${token}` })],
  );
  await page.click(".graphiql-execute-button");
  await page.waitForFunction(() => {
    const value = document.querySelector(".graphiql-response .CodeMirror")?.CodeMirror.getValue();
    return value && value.trim().startsWith("{");
  }, null, { timeout: 15000 });
  seen.response = JSON.parse(
    await page.evaluate(() => document.querySelector(".graphiql-response .CodeMirror").CodeMirror.getValue()),
  );

  await page.getByRole("button", { name: "Show Documentation Explorer" }).click();
  const explorer = page.locator(".graphiql-doc-explorer");
  await explorer.getByText("Root Types").waitFor({ timeout: 15000 });
  seen.rootTypes = await explorer.locator(".graphiql-doc-explorer-type-name").allInnerTexts();
  await explorer.locator(".graphiql-doc-explorer-type-name", { hasText: /^Query$/ }).first().click();
  await explorer.locator(".graphiql-doc-explorer-field-name").first().waitFor({ timeout: 15000 });
  seen.queryFields = await explorer.locator(".graphiql-doc-explorer-field-name").allInnerTexts();
  seen.refusedByPolicy = await page.evaluate(() => window.__refused);
} finally {
  await browser.close();
  console.log(JSON.stringify(seen));
}
