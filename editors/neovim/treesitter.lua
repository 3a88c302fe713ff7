-- seip's tree-sitter grammar for Neovim (0.11 or later: the parser is ABI 15).
-- Put this in your config (init.lua or a plugin file) and set SEIP to your checkout.
-- The LSP client (`seipc lsp`) is configured separately, in seip.lua beside this file.
local seip = vim.env.SEIP or (vim.fn.expand('~') .. '/src/seip')
local grammar = seip .. '/editors/tree-sitter-seip'

vim.filetype.add({ extension = { seip = 'seip' } })

-- With nvim-treesitter (its `main` branch): `:TSInstall seip` compiles src/parser.c.
local ok, parsers = pcall(require, 'nvim-treesitter.parsers')
if ok then
  parsers.seip = {
    install_info = { path = grammar, queries = 'queries' },
    filetype = 'seip',
    tier = 2,
  }
else
  -- Without nvim-treesitter: build the parser once with
  --   cc -shared -fPIC -O2 -I src src/parser.c -o parser/seip.so   (in editors/tree-sitter-seip)
  -- and load it and the queries from the checkout.
  vim.treesitter.language.add('seip', { path = grammar .. '/parser/seip.so' })
  for _, name in ipairs({ 'highlights', 'folds', 'locals', 'indents' }) do
    local file = grammar .. '/queries/' .. name .. '.scm'
    vim.treesitter.query.set('seip', name, table.concat(vim.fn.readfile(file), '\n'))
  end
end

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'seip',
  callback = function(args)
    vim.treesitter.start(args.buf, 'seip')
    vim.bo[args.buf].commentstring = '// %s'
    vim.bo[args.buf].indentexpr = ok and "v:lua.require'nvim-treesitter'.indentexpr()" or ''
    vim.wo.foldmethod = 'expr'
    vim.wo.foldexpr = 'v:lua.vim.treesitter.foldexpr()'
  end,
})
