// Runs the graphql-http audit suite (GraphQL over HTTP: MUST and SHOULD) against a running
// server with a bearer token, and prints every audit that did not pass as JSON lines
// ({ id, name, status, reason }): "error" a MUST, "warn" a SHOULD, "notice" a MAY. Exits 0 when
// no MUST and no SHOULD failed.
//
//   node audit.mjs <graphql url> <token>
import { auditServer } from "graphql-http";

const [url, token] = process.argv.slice(2);
const fetchFn = (input, init = {}) =>
  fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init.headers)), authorization: `Bearer ${token}` } });
const results = await auditServer({ url, fetchFn });
const failed = results.filter((r) => r.status !== "ok");
for (const r of failed) console.log(JSON.stringify({ id: r.id, name: r.name, status: r.status, reason: r.reason }));
const required = failed.filter((r) => r.status === "error" || r.status === "warn");
console.error(`${results.length} audits: ${required.length} MUST/SHOULD failed, ${failed.length - required.length} MAY not taken`);
process.exit(required.length === 0 ? 0 : 1);
