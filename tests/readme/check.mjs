// Validates every ```graphql block of the README against schema.graphql with graphql-js, the
// reference implementation: operations must parse and validate; blocks of type definitions
// only parse. Run by tests/tests/suite/schema.rs: node check.mjs README.md schema.graphql
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
const [readme, sdl] = process.argv.slice(2).map(p => readFileSync(p, 'utf8'));
const schema = buildSchema(sdl);
const blocks = [...readme.matchAll(/^```graphql\n([\s\S]*?)^```/gm)];
let bad = 0;
for (const m of blocks) {
  const line = readme.slice(0, m.index).split('\n').length;
  try {
    const doc = parse(m[1]);
    const defs = doc.definitions.map(d => d.kind);
    if (defs.every(k => k.endsWith('Definition') && !['OperationDefinition','FragmentDefinition'].includes(k))) { console.log(`README.md:${line}: type definitions (skipped)`); continue; }
    const errors = validate(schema, doc);
    if (errors.length) { bad++; console.log(`README.md:${line}: ${errors.map(e => e.message).join('; ')}`); }
    else console.log(`README.md:${line}: ok`);
  } catch (e) { bad++; console.log(`README.md:${line}: ${e.message}`); }
}
console.log(`${blocks.length} blocks, ${bad} invalid`);
process.exit(bad || blocks.length === 0 ? 1 : 0);
