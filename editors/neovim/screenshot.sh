#!/usr/bin/env bash
# Redraws editors/neovim-hover.png: Neovim in tmux opens examples/liquid_bsl_snf2.seip
# with the Vim syntax file (editors/vim) and the language server (neovim/seip.lua), asks
# for the hover of the step `dip`, and the screen with its colours becomes a picture
# (tmux capture-pane, aha for the colours as HTML, headless Chromium for the PNG).
# Needs nvim, tmux, aha and chromium (Debian: apt-get install neovim tmux aha chromium),
# and a built seipc (SEIPC, default target/debug/seipc).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seipc=${SEIPC:-$root/target/debug/seipc}
work=$(mktemp -d)
trap 'tmux kill-session -t seip-shot 2>/dev/null || true; rm -rf "$work"' EXIT
cp "$root/examples/liquid_bsl_snf2.seip" "$work/"
cat > "$work/init.lua" <<LUA
vim.opt.runtimepath:prepend("$root/editors/vim")
vim.g.seipc = "$seipc"
vim.cmd("filetype plugin on")
vim.cmd("syntax on")
vim.cmd("luafile $root/editors/neovim/seip.lua")
-- A border and a dark grey background (Neovim 0.7 draws floating windows in the
-- pop-up menu's magenta), so that the hover stands out from the text under it.
vim.lsp.handlers["textDocument/hover"] = vim.lsp.with(vim.lsp.handlers.hover, { border = "rounded" })
vim.cmd("highlight NormalFloat ctermbg=236 ctermfg=252")
vim.cmd("highlight FloatBorder ctermbg=236 ctermfg=244")
LUA
columns=112
rows=38
tmux new-session -d -s seip-shot -x "$columns" -y "$rows" \
    "cd $work && HOME=$work XDG_STATE_HOME=$work XDG_CACHE_HOME=$work nvim -n -i NONE -u $work/init.lua liquid_bsl_snf2.seip"
sleep 3
tmux send-keys -t seip-shot ":call search('step dip:') | normal! w" Enter
sleep 1
tmux send-keys -t seip-shot ":lua vim.lsp.buf.hover()" Enter
sleep 3
tmux capture-pane -t seip-shot -p -e > "$work/screen.ans"
aha --black --title "seip in Neovim" < "$work/screen.ans" \
    | sed 's#<pre>#<pre style="font-family: DejaVu Sans Mono, monospace; font-size: 15px; line-height: 18px; margin: 8px; overflow: hidden">#' \
    > "$work/screen.html"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --screenshot="$root/editors/neovim-hover.png" \
    --window-size=$((columns * 92 / 10 + 24)),$((rows * 18 + 20)) "$work/screen.html" 2>/dev/null
echo "wrote $root/editors/neovim-hover.png"
