-- C10k peer: a Lua 5.4 + luv (libuv) echo server.
--
--   lua5.4 luv_server.lua [PORT=0 [LIFETIME_SECONDS=120]]
--
-- Listens on 127.0.0.1:PORT, prints "port N" on its first line, echoes whatever each
-- connection sends, and exits by itself after LIFETIME_SECONDS.
local uv = require("luv")

local port = tonumber(arg[1] or "0")
local lifetime = tonumber(arg[2] or "120")

local server = uv.new_tcp()
assert(server:bind("127.0.0.1", port))
assert(server:listen(4096, function(err)
  assert(not err, err)
  local client = uv.new_tcp()
  server:accept(client)
  client:nodelay(true)
  client:read_start(function(err2, data)
    if err2 or not data then
      client:close()
    else
      client:write(data)
    end
  end)
end))
io.stdout:write("port ", server:getsockname().port, "\n")
io.stdout:flush()

local timer = uv.new_timer()
timer:start(math.floor(lifetime * 1000), 0, function()
  uv.stop()
end)
uv.run()
