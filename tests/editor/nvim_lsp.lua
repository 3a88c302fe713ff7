-- A real editor against `seipc lsp`: Neovim (0.7 or later, headless) opens a recipe,
-- waits for the server's diagnostics, asks for a hover on a step and a completion after
-- `using`, breaks a name and waits for the diagnostic that says so. Run by
-- `tests/editor.rs` as
--   SEIPC=<seipc> SEIP_FILE=<recipe> nvim --headless --clean -c "luafile tests/editor/nvim_lsp.lua"
-- Exits 0 when every check passes; otherwise prints what failed and exits 1.

local seipc = assert(os.getenv("SEIPC"), "SEIPC is not set")
local file = assert(os.getenv("SEIP_FILE"), "SEIP_FILE is not set")
-- How long to wait for the server before failing: a guard against a hang, not a timing.
local patience_ms = tonumber(os.getenv("SEIP_PATIENCE_MS") or "60000")

local function fail(message)
  io.stderr:write("nvim_lsp.lua: " .. message .. "\n")
  vim.cmd("cquit 1")
end

local function wait_for(what, condition)
  if not vim.wait(patience_ms, condition, 20) then
    fail("no " .. what .. " after " .. patience_ms .. " ms; the diagnostics: "
      .. vim.inspect(vim.diagnostic.get(0)))
  end
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buffer = vim.api.nvim_get_current_buf()
local published = 0
local client_id = vim.lsp.start_client({
  name = "seipc",
  cmd = { seipc, "lsp" },
  root_dir = vim.fn.fnamemodify(file, ":p:h"),
  handlers = {
    ["textDocument/publishDiagnostics"] = function(err, result, context, config)
      published = published + 1
      vim.lsp.diagnostic.on_publish_diagnostics(err, result, context, config)
    end,
  },
})
if not client_id then
  fail("the client did not start")
end
vim.lsp.buf_attach_client(buffer, client_id)
wait_for("diagnostics", function() return published > 0 end)
local client = vim.lsp.get_client_by_id(client_id)
if #vim.diagnostic.get(buffer) ~= 0 then
  fail("the example has diagnostics: " .. vim.inspect(vim.diagnostic.get(buffer)))
end

-- Puts the cursor on `pattern` (a Vim regex), `shift` characters in, and returns the
-- position parameters in the client's encoding.
local function position_at(pattern, shift)
  local line = vim.fn.search(pattern, "w")
  if line == 0 then
    fail("`" .. pattern .. "` is not in the file")
  end
  local column = vim.fn.col(".") - 1 + shift
  vim.api.nvim_win_set_cursor(0, { line, column })
  return vim.lsp.util.make_position_params()
end

local function request(method, params)
  local response, err = client.request_sync(method, params, patience_ms, buffer)
  if not response or response.err then
    fail(method .. " failed: " .. vim.inspect(err or response.err))
  end
  return response.result
end

-- Hover on the step `dip`: its signature and the stack predicted after it.
local hover = request("textDocument/hover", position_at("step dip", 5))
local text = hover and hover.contents and hover.contents.value or ""
for _, expected in ipairs({ "**step `dip`**", "immerse(", "after this step, `li`", "Li consumed" }) do
  if not text:find(expected, 1, true) then
    fail("the hover lacks `" .. expected .. "`:\n" .. text)
  end
end

-- Completion after `using` on a new line: the protocol's tools.
local last = vim.fn.search("^}", "w")
vim.api.nvim_buf_set_lines(buffer, last - 1, last - 1, false, { "    step heat: dry at 60 degC for 5 min using " })
vim.api.nvim_win_set_cursor(0, { last, #"    step heat: dry at 60 degC for 5 min using " })
local completion = request("textDocument/completion", vim.lsp.util.make_position_params())
local labels = {}
for _, item in ipairs(completion.items or completion) do
  labels[item.label] = true
end
for _, tool in ipairs({ "bath", "plate", "stirrer" }) do
  if not labels[tool] then
    fail("the completion lacks `" .. tool .. "`: " .. vim.inspect(vim.tbl_keys(labels)))
  end
end

-- Finish the line with a tool, then misspell a material: the server re-checks the
-- edited text and says what is wrong, with its code.
vim.api.nvim_buf_set_lines(buffer, last - 1, last, false, { "    step heat: dry at 60 degC for 5 min using plate" })
local reagent = vim.fn.search("SnF2 0.1 M", "w")
local line = vim.api.nvim_buf_get_lines(buffer, reagent - 1, reagent, false)[1]
vim.api.nvim_buf_set_lines(buffer, reagent - 1, reagent, false, { (line:gsub("SnF2", "SnF3")) })
local found
wait_for("diagnostic for `SnF3`", function()
  for _, diagnostic in ipairs(vim.diagnostic.get(buffer)) do
    if diagnostic.code == "E0201" and diagnostic.message:find("unknown material `SnF3`", 1, true) then
      found = diagnostic
      return true
    end
  end
  return false
end)
if found.lnum ~= reagent - 1 then
  fail("the diagnostic is on line " .. found.lnum .. ", not " .. (reagent - 1))
end

vim.lsp.stop_client(client_id)
print("nvim_lsp.lua: all checks passed")
vim.cmd("qall!")
