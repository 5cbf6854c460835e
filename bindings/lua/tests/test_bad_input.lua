-- Wrong types and values raise with error() (typed: invalid_argument tables or SWIG's
-- messages), data failures are nil, err; nothing crashes.
return function(t)
   local foil = require "foil"
   local env = require "env"

   local BAD = { 0, -1, 3.5, "", "\0", "a\0b", string.rep("x", 100000), {}, { 1, 2 }, true,
                 function() end, "é🙂", foil.null, coroutine.create(function() end) }

   local function call(f, ...)
      local ok, a, b = pcall(f, ...)
      if ok then
         -- a result, or nil, err
         if a == nil then assert(type(b) == "table" and getmetatable(b) == foil.Error, tostring(b)) end
         return
      end
      assert(type(a) == "string" or getmetatable(a) == foil.Error, "odd error value " .. tostring(a))
   end

   t.test("client methods with garbage never crash", function()
      local c = env.client()
      for _, bad in ipairs(BAD) do
         call(c.sessions.get, c.sessions, bad)
         call(c.sessions.list, c.sessions, { limit = bad })
         call(c.sessions.list, c.sessions, { cursor = bad })
         call(c.sessions.list, c.sessions, { verdict = bad })
         call(function() for _ in c.sessions:iter{ search = bad, limit = 5 } do end return true end)
         call(c.sessions.attach_client_user, c.sessions, "sid_x", bad)
         call(c.fingerprints.list, c.fingerprints, { sort = bad })
         call(c.fingerprints.get, c.fingerprints, bad)
         call(c.organizations.create, c.organizations, { name = bad, slug = bad })
         call(c.organizations.update, c.organizations, "org_x", { name = bad })
         call(c.organizations.api_keys.create, c.organizations.api_keys, "org_x", { name = "n", scopes = bad })
         call(c.webhooks.create_endpoint, c.webhooks, "org_x", { name = "n", url = bad, event_types = bad })
         call(c.gate.registry.get, c.gate.registry, bad)
         call(c.gate.services.create, c.gate.services, { id = bad })
         call(c.gate.sessions.create, c.gate.sessions, { service_id = "foil", account_name = "a", delivery = bad })
         call(c.gate.sessions.poll, c.gate.sessions, "gate_x", { poll_token = bad })
         call(c.gate.signup, c.gate, { service_id = bad, account_name = "a" })
         call(c.gate.signup, c.gate, { service_id = "foil", account_name = "a", metadata = bad })
         call(c.gate.agent_tokens.verify, c.gate.agent_tokens, { agent_token = bad })
         call(c.sessions.list, c.sessions, bad)
      end
   end)

   t.test("programmer errors raise", function()
      local c = env.client()
      t.raises(function() return c.sessions:get(42) end, "invalid_argument")
      t.raises(function() return c.sessions:list{ limit = "5" } end)
      t.raises(function() return c.sessions:list{ limit = 500 } end, "invalid_argument")
      t.raises(function() return c.sessions:list{ verdict = "robot" } end, "invalid_argument")
      t.raises(function() return c.sessions:get("sid\0x") end, "invalid_argument")
      t.raises(function() return c.sessions:get() end, "invalid_argument")
      t.raises(function() return c.sessions:get("a", "b") end, "invalid_argument")
      t.raises(function() return c.sessions.get("sid_x") end, "invalid_argument")
      t.raises(function() return c.gate.sessions:poll("gate_x") end, "invalid_argument")
      t.raises(function() return c.organizations:create{ slug = "x" } end, "invalid_argument")
      t.raises(function() return foil.new{ timeout = "slow" } end, "invalid_argument")
      t.raises(function() return foil.new{ timeout = -1 } end, "invalid_argument")
      t.raises(function() return foil.new{ secret = "typo" } end, "invalid_argument")
      t.raises(function() return foil.new("sk_x") end, "invalid_argument")
      t.raises(function() return foil.new{ base_url = "ftp://example.com" } end, "configuration")
      t.raises(function() return c.gate:signup("foil") end, "invalid_argument")
   end)

   t.test("helpers with garbage", function()
      for _, bad in ipairs(BAD) do
         call(foil.import_delivery_private_key_pkcs8, bad)
         call(foil.export_delivery_private_key_pkcs8, bad)
         call(foil.validate_gate_delivery_request, bad)
         call(foil.encrypt_gate_delivery_payload, bad, bad)
         call(foil.decrypt_gate_delivery_envelope, bad, bad)
         call(foil.create_gate_approved_webhook_response, bad)
         call(foil.validate_gate_approved_webhook_payload, bad)
         call(foil.verify_foil_token, bad, "sk_x")
         call(foil.verify_foil_token, "AAAA", bad)
         call(foil.safe_verify_foil_token, bad, "sk_x")
         call(foil.parse_webhook_event, bad)
         call(foil.verify_webhook_signature, { secret = bad, timestamp = bad, raw_body = bad, signature = bad })
         call(foil.derive_gate_agent_token_env_key, bad)
         call(foil.is_blocked_gate_env_var_key, bad)
         call(foil.key_id_for_public_key, bad)
         call(foil.json_decode, bad)
         call(foil.json_encode, bad)
      end
      local key = foil.create_delivery_key_pair()
      t.ok(foil.decrypt_gate_delivery_envelope(key, { version = 1 }) == nil)
      t.ok(foil.parse_webhook_event("{not json") == nil)
      t.ok(foil.parse_webhook_event(foil.json_encode{ object = "webhook_event", id = "x", type = "nope",
                                                      created = "t", data = {} }) == nil)
      t.fails("token_verification", foil.verify_foil_token("!!!!", "sk_x"))
      t.eq(foil.safe_verify_foil_token("", "sk_x").ok, false)
      t.raises(function() foil.verify_foil_token(42, "sk_x") end, "invalid_argument")
   end)

   t.test("emulator bad input", function()
      t.raises(function() foil.testing.emulator{ port = "80" } end, "invalid_argument")
      t.raises(function() foil.testing.emulator{ session_count = -1 } end, "invalid_argument")
      local emu = env.emulator()
      t.raises(function() emu:approve("gate_missing") end, "not_found")
      t.raises(function() emu:inject_fault("explode") end, "invalid_argument")
   end)
   -- Every programmer error is an error table (foil.Error), never a plain string from inside
   -- the binding (string.format's "number has no integer representation", error("...")).
   t.test("webhook timestamps as numbers and an empty secret raise invalid_argument tables", function()
      local function raised(fn)
         local ok, err = pcall(fn)
         t.ok(not ok, "expected an error")
         t.ok(foil.is_error(err), "a plain error instead of an error table: " .. tostring(err))
         t.eq(err.kind, "invalid_argument", tostring(err))
         return err
      end
      for _, ts in ipairs({ 1.5, 0 / 0, math.huge, 1e300 }) do
         raised(function()
            foil.verify_webhook_signature{ secret = "whsec_x", timestamp = ts, raw_body = "{}", signature = "v1=00" }
         end)
         raised(function() foil.compute_webhook_signature("whsec_x", ts, "{}") end)
      end
      t.ok(raised(function()
         foil.verify_webhook_signature{ secret = "", timestamp = "1", raw_body = "{}", signature = "v1=00" }
      end).message:find("secret", 1, true))
      -- A whole number still reads as its decimal text.
      t.eq(foil.compute_webhook_signature("whsec_x", 1700000000, "{}"),
           foil.compute_webhook_signature("whsec_x", "1700000000", "{}"))
   end)

   t.test("NaN where a number is expected is named as NaN", function()
      local err = t.raises(function() foil.new{ secret_key = "sk_test_x", timeout = 0 / 0 } end, "invalid_argument")
      t.ok(err.message:find("NaN", 1, true), err.message)
      err = t.raises(function() foil.new{ secret_key = "sk_test_x", max_response_bytes = 0 / 0 } end, "invalid_argument")
      t.ok(err.message:find("NaN", 1, true), err.message)
   end)
end
