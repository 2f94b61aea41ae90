#!/bin/sh
# ECharts for the dashboard's charts: installed from the npm registry into build/npm (never committed)
# and copied where the app serves it (app/static/vendor/echarts/). Nothing to do when the pinned
# version is already there; without npm, the script stops at once with the one command to run.
set -eu

VERSION="${1:-5.5.1}"
PREFIX="build/npm"
SOURCE="$PREFIX/node_modules/echarts/dist/echarts.min.js"
TARGET="app/static/vendor/echarts/echarts.min.js"
STAMP="app/static/vendor/echarts/VERSION"

# the fast path uses shell built-ins only
have=""
[ -f "$STAMP" ] && read -r have < "$STAMP"
[ -f "$TARGET" ] && [ "$have" = "$VERSION" ] && exit 0

if ! command -v npm >/dev/null 2>&1; then
    echo "The dashboard's charts need ECharts $VERSION from the npm registry, and npm is missing. Run once, then make again:" >&2
    echo "    sudo apt-get install -y npm" >&2
    exit 1
fi
echo "installing echarts@$VERSION for the dashboard (npm)"
npm install --silent --no-audit --no-fund --save-exact --prefix "$PREFIX" "echarts@$VERSION" >/dev/null
installed=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$PREFIX/node_modules/echarts/package.json" | head -n 1)
if [ "$installed" != "$VERSION" ]; then
    echo "npm installed echarts $installed, not $VERSION" >&2
    exit 1
fi
mkdir -p "$(dirname "$TARGET")"
cp "$SOURCE" "$TARGET.tmp"
mv "$TARGET.tmp" "$TARGET"
echo "$VERSION" > "$STAMP"
