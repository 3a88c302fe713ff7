-- seip in Neovim: `.seip` files get the `seip` filetype, and `seipc lsp` is started
-- for them (diagnostics as you type, hover, go to definition, references, rename,
-- completion, document symbols, quick fixes). Put this file in
-- ~/.config/nvim/plugin/seip.lua, or `require` it from your init.lua. `seipc` must be on
-- PATH (`cargo install --path .` in the seip repository), or set `vim.g.seipc`.

vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
  pattern = "*.seip",
  callback = function(args)
    vim.bo[args.buf].filetype = "seip"
    vim.bo[args.buf].commentstring = "// %s"
  end,
})

vim.api.nvim_create_autocmd("FileType", {
  pattern = "seip",
  callback = function(args)
    local config = {
      name = "seipc",
      cmd = { vim.g.seipc or "seipc", "lsp" },
      root_dir = vim.fs and vim.fs.dirname(vim.api.nvim_buf_get_name(args.buf))
        or vim.fn.fnamemodify(vim.api.nvim_buf_get_name(args.buf), ":p:h"),
    }
    if vim.lsp.start then
      -- Neovim 0.8 and later: reuses a running server for the same root.
      vim.lsp.start(config)
    else
      -- Neovim 0.7 (Debian 12): one client per buffer.
      vim.lsp.buf_attach_client(args.buf, vim.lsp.start_client(config))
    end
  end,
})
