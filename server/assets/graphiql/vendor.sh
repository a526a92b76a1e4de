#!/usr/bin/env bash
# Brings the pinned GraphiQL and React builds from the npm registry into this directory, from
# where the server binary includes them (GraphiQL at `/` works without internet, and the page
# that holds a bearer token loads no third-party script). Run it to move to other versions;
# commit what it writes.
set -euo pipefail
cd "$(dirname "$0")"
GRAPHIQL=4.1.2 # the last GraphiQL with a UMD build (5 is ES modules only)
REACT=18.3.1   # the last React with UMD builds
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# `npm pack` checks each tarball against the registry's integrity hash.
(cd "$tmp" && npm pack -q "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null)
for package in "graphiql-$GRAPHIQL" "react-$REACT" "react-dom-$REACT"; do
  mkdir -p "$tmp/${package%-*}" && tar xzf "$tmp/$package.tgz" -C "$tmp/${package%-*}"
done
# Source maps are not shipped: drop the comment that would send devtools looking for one.
sed '/^\/\/# sourceMappingURL=/d' "$tmp/graphiql/package/graphiql.min.js" >graphiql.min.js
cp "$tmp/graphiql/package/graphiql.min.css" graphiql.min.css
cp "$tmp/react/package/umd/react.production.min.js" react.production.min.js
cp "$tmp/react-dom/package/umd/react-dom.production.min.js" react-dom.production.min.js
cp "$tmp/graphiql/package/LICENSE" LICENSE-graphiql
cp "$tmp/react/package/LICENSE" LICENSE-react
# The GraphiQL bundle carries its dependencies: list them with their licences.
(cd "$tmp" && npm init -y >/dev/null && npm install -q --no-audit --no-fund --ignore-scripts \
  "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null)
{
  echo "# Packages in graphiql.min.js (GraphiQL $GRAPHIQL and its dependencies, as npm resolves them)"
  echo
  echo "| package | licence |"
  echo "|---|---|"
  (cd "$tmp" && node -e '
    const fs = require("fs"), path = require("path"), seen = new Map();
    const walk = dir => { for (const d of fs.readdirSync(dir)) {
      if (d.startsWith(".")) continue;
      const p = path.join(dir, d);
      if (d.startsWith("@")) { walk(p); continue; }
      const file = path.join(p, "package.json");
      if (!fs.existsSync(file)) continue;
      const j = JSON.parse(fs.readFileSync(file));
      if (!["react", "react-dom"].includes(j.name)) seen.set(j.name, j.license || "see package");
      if (fs.existsSync(path.join(p, "node_modules"))) walk(path.join(p, "node_modules"));
    } };
    walk("node_modules");
    for (const name of [...seen.keys()].sort()) console.log(`| ${name} | ${seen.get(name)} |`);
  ')
} >THIRD-PARTY.md
sha256sum graphiql.min.js graphiql.min.css react.production.min.js react-dom.production.min.js >SHA256SUMS
echo "GraphiQL $GRAPHIQL and React $REACT vendored"
