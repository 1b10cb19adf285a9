-- A second, independent LSP client: headless Neovim (0.7+) runs the nn server over stdio and prints what it received.
--
-- Driven by test/nvim/nvim.test.ts. Inputs come from the environment:
--   NN_SERVER  path to dist/server.js        NN_FILE  the .nn file to open
-- Every line this prints starts with "NN " so the test can tell it from noise:
--   NN diagnostics <phase> <count>           then one line per diagnostic:
--   NN diag <severity> <line>:<col> <message>   (severity 1 error .. 4 hint, 0-based positions)
--   NN command <ok|error> <detail>           NN lens <line> <title>
--   NN hover <text on one line>              NN done / NN FAIL <why>
-- Every wait has a deadline (vim.wait); a missed deadline prints NN FAIL and exits 1.

local function out(s)
  io.stdout:write('NN ' .. s:gsub('\n', ' ⏎ ') .. '\n')
  io.stdout:flush()
end

local function fail(why)
  out('FAIL ' .. why)
  vim.cmd('cquit 1')
end

local server = os.getenv('NN_SERVER')
local file = os.getenv('NN_FILE')
if not server or not file then
  fail('NN_SERVER and NN_FILE must be set')
end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
vim.bo[bufnr].filetype = 'nn'
local uri = vim.uri_from_bufnr(bufnr)

-- Every publishDiagnostics for our file, in arrival order.
local published = {}

local function on_diagnostics(err, result, ctx, config)
  if result and result.uri == uri then
    table.insert(published, result.diagnostics)
  end
  return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
end

-- Neovim 0.7 answers workspace/configuration but does not advertise it; like
-- nvim-lspconfig, say so, or the server cannot ask for the settings below.
local capabilities = vim.lsp.protocol.make_client_capabilities()
capabilities.workspace = capabilities.workspace or {}
capabilities.workspace.configuration = true

local client_id = vim.lsp.start_client({
  name = 'nn',
  capabilities = capabilities,
  cmd = { 'node', server, '--stdio' },
  root_dir = vim.fn.fnamemodify(file, ':p:h'),
  -- Answered to workspace/configuration: train only when asked, so the
  -- result below is the one nn.train produced.
  settings = { nn = { autoTrain = 'off' } },
  handlers = { ['textDocument/publishDiagnostics'] = on_diagnostics },
  on_exit = function(code, signal)
    if code ~= 0 then out('server exited with code ' .. tostring(code) .. ' signal ' .. tostring(signal)) end
  end,
})
if not client_id then
  fail('vim.lsp.start_client returned nil')
end
vim.lsp.buf_attach_client(bufnr, client_id)

local function print_diagnostics(phase, diagnostics)
  out(string.format('diagnostics %s %d', phase, #diagnostics))
  for _, d in ipairs(diagnostics) do
    out(string.format('diag %d %d:%d %s', d.severity or 0, d.range.start.line, d.range.start.character, d.message))
  end
end

--- Waits until a publish after index `since` satisfies `pred`; returns that publish.
local function wait_publish(since, pred, timeout_ms, what)
  local found
  local ok = vim.wait(timeout_ms, function()
    for i = since + 1, #published do
      if pred(published[i]) then
        found = published[i]
        return true
      end
    end
    return false
  end, 20)
  if not ok then
    fail('timed out after ' .. timeout_ms .. ' ms waiting for ' .. what)
  end
  return found
end

local function has(diagnostics, severity, pattern)
  for _, d in ipairs(diagnostics) do
    if (severity == nil or d.severity == severity) and d.message:find(pattern) then
      return true
    end
  end
  return false
end

local function request(method, params, timeout_ms)
  local client = vim.lsp.get_client_by_id(client_id)
  local response
  client.request(method, params, function(err, result)
    response = { err = err, result = result }
  end, bufnr)
  if not vim.wait(timeout_ms, function() return response ~= nil end, 20) then
    fail('timed out after ' .. timeout_ms .. ' ms waiting for the answer to ' .. method)
  end
  return response
end

local function find_line(pattern)
  for i, text in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if text:find(pattern) then return i - 1, text end
  end
  fail('no line matches ' .. pattern)
end

local function scenario()
  if not vim.wait(20000, function()
    local c = vim.lsp.get_client_by_id(client_id)
    return c ~= nil and c.initialized
  end, 20) then
    fail('the server did not finish initialize within 20 s')
  end
  out('initialized ' .. vim.lsp.get_client_by_id(client_id).name)

  -- 1. Opening the file: the check's diagnostics arrive (the example is clean: no errors).
  local opened = wait_publish(0, function() return true end, 20000, 'the diagnostics of the opened file')
  print_diagnostics('open', opened)

  -- 2. A mistake typed in (Neovim sends didChange): its error arrives, then goes when undone.
  local layer_line, layer_text = find_line('^%s*layer%s+hidden')
  local broken = layer_text:gsub('sigmoid', 'sigmoidd', 1)
  local mark = #published
  vim.api.nvim_buf_set_lines(bufnr, layer_line, layer_line + 1, false, { broken })
  local with_error = wait_publish(mark, function(d) return has(d, 1, 'sigmoidd') end, 20000,
    "an error about 'sigmoidd'")
  print_diagnostics('typo', with_error)
  mark = #published
  vim.api.nvim_buf_set_lines(bufnr, layer_line, layer_line + 1, false, { layer_text })
  local fixed = wait_publish(mark, function(d) return not has(d, 1, '') end, 20000, 'the error to clear')
  print_diagnostics('fixed', fixed)

  -- 3. nn.train through workspace/executeCommand; the result arrives as an Information diagnostic on `train`.
  local train_line = find_line('^%s*train%s')
  out('train_line ' .. train_line)
  for _, d in ipairs(published) do
    if has(d, 3, 'trained') then
      fail('a trained result arrived before nn.train was sent (autoTrain off was not honoured)')
    end
  end
  mark = #published
  local answer = request('workspace/executeCommand', { command = 'nn.train', arguments = { uri, train_line } }, 60000)
  if answer.err then
    out('command error ' .. vim.inspect(answer.err))
    fail('nn.train failed')
  end
  out('command ok ' .. vim.inspect(answer.result):gsub('%s+', ' '))
  local trained = wait_publish(mark, function(d) return has(d, 3, 'trained') end, 60000,
    "the 'trained' result diagnostic")
  print_diagnostics('trained', trained)

  -- 4. What else a learner sees: CodeLens above `train`, and the hover of the hidden layer.
  local lenses = request('textDocument/codeLens', { textDocument = { uri = uri } }, 20000)
  for _, lens in ipairs(lenses.result or {}) do
    local title = lens.command and lens.command.title
    if not title then
      local resolved = request('codeLens/resolve', lens, 20000)
      title = resolved.result and resolved.result.command and resolved.result.command.title or '(unresolved)'
    end
    out(string.format('lens %d %s', lens.range.start.line, title))
  end
  local hidden_col = layer_text:find('hidden') - 1
  local hover = request('textDocument/hover', {
    textDocument = { uri = uri },
    position = { line = layer_line, character = hidden_col },
  }, 20000)
  local contents = hover.result and hover.result.contents
  local text = type(contents) == 'table' and (contents.value or vim.inspect(contents)) or tostring(contents)
  out('hover ' .. text)

  out('done')
  vim.lsp.stop_client(client_id)
  vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
  vim.cmd('qall!')
end

vim.schedule(function()
  local ok, err = pcall(scenario)
  if not ok then fail('error in scenario: ' .. tostring(err)) end
end)
