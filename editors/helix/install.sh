#!/bin/sh
# Installs the seip queries for Helix into ~/.config/helix/runtime/queries/seip and builds
# the grammar. Helix names a few highlight captures differently from Neovim, so the
# shared highlights.scm is translated on the way (numbers, properties, modules); the
# indent query is Helix's own (queries/seip/indents.scm beside this script).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
queries="${XDG_CONFIG_HOME:-$HOME/.config}/helix/runtime/queries/seip"
mkdir -p "$queries"
sed -e 's/@number/@constant.numeric/' \
    -e 's/@property/@variable.other.member/' \
    -e 's/@module/@namespace/' \
    -e 's/@function\.call/@function/' \
    "$here/../tree-sitter-seip/queries/highlights.scm" > "$queries/highlights.scm"
cp "$here/queries/seip/indents.scm" "$queries/indents.scm"
hx --grammar build
