// Subscribes with the graphql-ws library's own client, as a frontend would: the worker's
// agenda, live. Usage: node client.mjs <ws-url> <http-url> <token> <child-id>
// Prints one JSON line of what it saw; exits non-zero when the server broke the protocol.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [wsUrl, httpUrl, token, childId] = process.argv.slice(2);
const inDays = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
const AGENDA = 'subscription($to: Date!) { agenda(to: $to) { kind dueOn child { id } } }';

// A token the server refuses: the connection is closed with 4403 Forbidden.
const refused = await new Promise((resolve) => {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: 'Bearer not-a-token' },
    retryAttempts: 0,
    on: { closed: (event) => resolve(event.code) },
  });
  client.subscribe({ query: AGENDA, variables: { to: inDays(30) } }, { next() {}, error() {}, complete() {} });
});

// The worker's own token: the agenda at once, and again after a talk is planned.
const client = createClient({
  url: wsUrl,
  webSocketImpl: WebSocket,
  connectionParams: async () => ({ Authorization: `Bearer ${token}` }),
  retryAttempts: 0,
});
const updates = client.iterate({ query: AGENDA, variables: { to: inDays(30) } });
const first = (await updates.next()).value;
const planned = await fetch(httpUrl, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: JSON.stringify({
    query: 'mutation($input: RecordContactInput!) { recordContact(input: $input) { contact { id } } }',
    variables: { input: { childId, kind: 'CHILD_TALK', plannedOn: inDays(3) } },
  }),
}).then((r) => r.json());
const second = (await updates.next()).value;
await updates.return();
await client.dispose();

const kinds = (result) => (result?.data?.agenda ?? []).map((item) => item.kind);
console.log(JSON.stringify({ refused, first: kinds(first), second: kinds(second), errors: [first?.errors, planned.errors, second?.errors].filter(Boolean) }));
