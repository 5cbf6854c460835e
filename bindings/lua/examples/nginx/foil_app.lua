--- The Lua side of nginx.conf: one Foil client per nginx worker, and the handlers.
local foil = require "foil"

local app = {}

-- One per worker, shared by all of the worker's requests: created when the worker starts
-- (init_worker_by_lua) or on first use (bindings/lua/README.md, "One client per worker").
local client

function app.init_worker()
   client = foil.new{ timeout = 10, connect_timeout = 3 }
end

function app.client()
   if not client then app.init_worker() end
   return client
end

local function reply(status, body)
   ngx.status = status
   ngx.header["Content-Type"] = "application/json"
   ngx.say(foil.json_encode(body))
end

local function failure(err)
   -- err is a foil.Error: kind, status, code, message, request_id (never a secret).
   local status = (err.kind == "not_found" and 404) or (err:is("api") and 502) or 503
   return reply(status, { error = err.kind, code = err.code, message = err.message,
                          request_id = err.request_id })
end

--- GET /check with X-Foil-Token: the sealed token's session, verified then read.
function app.check()
   local token = ngx.var.http_x_foil_token
   if not token then return reply(400, { error = "missing X-Foil-Token" }) end
   local data, err = foil.verify_foil_token(token, os.getenv("FOIL_SECRET_KEY"))
   if not data then return reply(401, { error = err.kind, message = err.message }) end
   local session, serr = app.client().sessions:get(data.session_id)
   if not session then return failure(serr) end
   return reply(200, { session_id = session.id, verdict = session.decision.verdict,
                       client_user_id = session.client_user_id })
end

--- GET /sessions/<id>
function app.session(id)
   local session, err = app.client().sessions:get(id)
   if not session then return failure(err) end
   return reply(200, { id = session.id, verdict = session.decision.verdict })
end

return app
