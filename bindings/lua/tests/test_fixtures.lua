-- Every golden vector of the official foil-spec (read in place from FOIL_SPEC_DIR or
-- ../shared/foil-spec): delivery crypto, env policy, webhook signatures, sealed tokens,
-- and every API fixture of the manifest through a canned loopback server.
return function(t)
   local foil = require "foil"
   local canned = require "canned"

   local function load(name) return foil.json_decode(t.fixture(name)) end

   t.test("delivery vector: import, decrypt, tamper, round trip", function()
      local v = load("gate-delivery/vector.v1.json")
      local key = assert(foil.import_delivery_private_key_pkcs8(v.private_key_pkcs8))
      t.eq(key.public_key, v.delivery.public_key)
      t.eq(key.key_id, v.delivery.key_id)
      t.eq(foil.export_delivery_private_key_pkcs8(key), v.private_key_pkcs8)
      local payload = assert(foil.decrypt_gate_delivery_envelope(key, v.envelope))
      t.same(payload, v.payload)
      local text_payload = assert(foil.decrypt_gate_delivery_envelope(key, foil.json_encode(v.envelope)))
      t.same(text_payload, v.payload)
      local tampered = {}
      for k, x in pairs(v.envelope) do tampered[k] = x end
      tampered.tag = (tampered.tag:sub(1, 1) == "A" and "B" or "A") .. tampered.tag:sub(2)
      t.fails("crypto", foil.decrypt_gate_delivery_envelope(key, tampered))
      local envelope = assert(foil.encrypt_gate_delivery_payload(v.delivery, v.payload))
      t.same(assert(foil.decrypt_gate_delivery_envelope(key, envelope)), v.payload)
      t.ok(not tostring(key):find(v.private_key_pkcs8, 1, true), "tostring shows no private key")
      key:close()
      t.raises(function() return key.public_key end, "state")
   end)

   t.test("delivery request: validate and derive the key id", function()
      local v = load("gate-delivery/delivery-request.json")
      t.same(assert(foil.validate_gate_delivery_request(v.delivery)), v.delivery)
      t.eq(assert(foil.key_id_for_public_key(v.delivery.public_key)), v.derived_key_id)
      local bad = {}
      for k, x in pairs(v.delivery) do bad[k] = x end
      bad.key_id = string.rep("x", 43)
      local _, err = foil.validate_gate_delivery_request(bad)
      t.ok(err and err:is("error"), "a wrong key id is refused")
   end)

   t.test("approved webhook payload and response", function()
      local v = load("gate-delivery/approved-webhook-payload.valid.json")
      local p = assert(foil.validate_gate_approved_webhook_payload(v))
      t.eq(p.service_id, v.service_id)
      t.eq(p.foil.score, 0.12)
      local bad = {}
      for k, x in pairs(v) do bad[k] = x end
      bad.event = "gate.session.approved"
      t.eq(foil.validate_gate_approved_webhook_payload(bad), nil)
      local reply = assert(foil.create_gate_approved_webhook_response{ delivery = v.delivery, outputs = { A = "1" } })
      t.eq(reply.encrypted_delivery.key_id, v.delivery.key_id)
      local keys = {}
      for k in pairs(reply) do keys[#keys + 1] = k end
      t.same(keys, { "encrypted_delivery" })
   end)

   t.test("env policy", function()
      local v = load("gate-delivery/env-policy.json")
      for _, case in ipairs(v.derive_agent_token_env_key) do
         t.eq(foil.derive_gate_agent_token_env_key(case.service_id), case.expected)
      end
      for _, case in ipairs(v.is_gate_managed_env_var_key) do
         t.eq(foil.is_gate_managed_env_var_key(case.key), case.managed, case.key)
      end
      for _, case in ipairs(v.is_blocked_gate_env_var_key) do
         t.eq(foil.is_blocked_gate_env_var_key(case.key), case.blocked, case.key)
      end
      t.fails("invalid_argument", foil.derive_gate_agent_token_env_key("---"))
   end)

   t.test("webhook signature and event", function()
      local v = load("gate-delivery/webhook-signature.json")
      local function check(ts, sig)
         return foil.verify_webhook_signature{ secret = v.secret, timestamp = ts, raw_body = v.raw_body,
                                              signature = sig, now = v.now_seconds }
      end
      t.eq(check(v.timestamp, v.signature), true)
      t.fails("signature", check(v.timestamp, v.invalid_signature))
      t.fails("signature", check(v.expired_timestamp, v.signature))
      -- An empty secret is the caller's mistake: it raises, never a plain "not valid".
      local err = t.raises(function()
         return foil.verify_webhook_signature{ secret = "", timestamp = v.timestamp,
                                              raw_body = v.raw_body, signature = v.signature }
      end, "invalid_argument")
      t.ok(err.message:find("secret must be a non-empty string", 1, true), err.message)
      t.eq(foil.compute_webhook_signature(v.secret, v.timestamp, v.raw_body), v.signature)
      local event = assert(foil.parse_webhook_event(v.raw_body))
      t.eq(event.type, "gate.session.approved")
      t.eq(event.object, "webhook_event")
      t.fails("validation", foil.parse_webhook_event("{"))
   end)

   for _, name in ipairs({ "vector.v1.json", "vector.v2.json" }) do
      t.test("sealed token " .. name, function()
         local v = load("sealed-token/" .. name)
         local secrets = {}
         for _, s in ipairs(v.secretKeys or { v.secretKey }) do secrets[#secrets + 1] = s end
         for _, s in ipairs(v.secretHashes or { v.secretHash }) do
            secrets[#secrets + 1] = s
            secrets[#secrets + 1] = s:upper()
         end
         for _, secret in ipairs(secrets) do
            local data = assert(foil.verify_foil_token(v.token, secret))
            t.same(data, v.payload)
         end
         local r = foil.safe_verify_foil_token(v.token, "sk_live_someone_else")
         t.eq(r.ok, false)
         t.eq(r.error.kind, "token_verification")
         local good = foil.safe_verify_foil_token(v.token, secrets[1])
         t.eq(good.ok, true)
         t.eq(good.data.session_id, v.payload.session_id)
      end)
   end

   t.test("sealed token invalid", function()
      local v = load("sealed-token/invalid.json")
      local err = t.fails("token_verification", foil.verify_foil_token(v.token, "sk_live_fixture_secret"))
      t.ok(err.code:find(v.reason, 1, true), err.code)
      t.ok(not tostring(err):find("sk_live_fixture_secret", 1, true), "no secret in the message")
   end)

   -- ---- API fixtures through a canned server
   local SID, ORG, KEY = "sid_x", "org_x", "key_x"
   local DELIVERY = { version = 1, algorithm = "x25519-hkdf-sha256/aes-256-gcm",
                      key_id = "LyGqfpvB0SCaX4P0inVpMJTAjCNJVWq_3OE87it2ZYo",
                      public_key = "bn6szfMIS-7pLl01PqvssrrGRoW1SVTkUuqeg0hfrW0" }
   local CASES = {
      ["api/sessions/list.json get"] = { "GET", "/v1/sessions", function(c) return c.sessions:list() end },
      ["api/sessions/detail.json get"] = { "GET", "/v1/sessions/[^/]+", function(c) return c.sessions:get(SID) end },
      ["api/sessions/detail.json patch"] = { "PATCH", "/v1/sessions/[^/]+",
         function(c) return c.sessions:attach_client_user(SID, "u") end },
      ["api/fingerprints/list.json get"] = { "GET", "/v1/fingerprints", function(c) return c.fingerprints:list() end },
      ["api/fingerprints/detail.json get"] = { "GET", "/v1/fingerprints/[^/]+",
         function(c) return c.fingerprints:get("vid_x") end },
      ["api/organizations/organization.json get"] = { "GET", "/v1/organizations/[^/]+",
         function(c) return c.organizations:get(ORG) end },
      ["api/organizations/organization-create.json post"] = { "POST", "/v1/organizations",
         function(c) return c.organizations:create{ name = "Acme", slug = "acme" } end },
      ["api/organizations/organization-update.json patch"] = { "PATCH", "/v1/organizations/[^/]+",
         function(c) return c.organizations:update(ORG, { name = "N" }) end },
      ["api/organizations/api-key-create.json post"] = { "POST", "/v1/organizations/[^/]+/api%-keys",
         function(c) return c.organizations.api_keys:create(ORG, { name = "k", type = "secret", scopes = { "*" } }) end },
      ["api/organizations/api-key-list.json get"] = { "GET", "/v1/organizations/[^/]+/api%-keys",
         function(c) return c.organizations.api_keys:list(ORG) end },
      ["api/organizations/api-key-rotate.json post"] = { "POST", "/v1/organizations/[^/]+/api%-keys/[^/]+/rotations",
         function(c) return c.organizations.api_keys:rotate(ORG, KEY) end },
      ["api/organizations/api-key-revoke.json delete"] = { "DELETE", "/v1/organizations/[^/]+/api%-keys/[^/]+",
         function(c) return c.organizations.api_keys:revoke(ORG, KEY) end },
      ["api/organizations/api-key-update.json patch"] = { "PATCH", "/v1/organizations/[^/]+/api%-keys/[^/]+",
         function(c) return c.organizations.api_keys:update(ORG, KEY, { name = "n" }) end },
      ["api/gate/registry-list.json get"] = { "GET", "/v1/gate/registry", function(c) return c.gate.registry:list() end },
      ["api/gate/registry-detail.json get"] = { "GET", "/v1/gate/registry/[^/]+",
         function(c) return c.gate.registry:get("foil") end },
      ["api/gate/services-list.json get"] = { "GET", "/v1/gate/services", function(c) return c.gate.services:list() end },
      ["api/gate/service-detail.json get"] = { "GET", "/v1/gate/services/[^/]+",
         function(c) return c.gate.services:get("acme") end },
      ["api/gate/service-create.json post"] = { "POST", "/v1/gate/services",
         function(c) return c.gate.services:create{ id = "acme", name = "Acme", description = "d",
            website = "https://acme.example", webhook_endpoint_id = "we_0123456789abcdef0123456789abcdef" } end },
      ["api/gate/service-update.json patch"] = { "PATCH", "/v1/gate/services/[^/]+",
         function(c) return c.gate.services:update("acme", { name = "A" }) end },
      ["api/gate/service-disable.json delete"] = { "DELETE", "/v1/gate/services/[^/]+",
         function(c) return c.gate.services:disable("acme") end },
      ["api/gate/session-create.json post"] = { "POST", "/v1/gate/sessions",
         function(c) return c.gate.sessions:create{ service_id = "foil", account_name = "a", delivery = DELIVERY } end },
      ["api/gate/session-poll.json get"] = { "GET", "/v1/gate/sessions/[^/]+",
         function(c) return c.gate.sessions:poll("gate_x", { poll_token = "gtpoll_x" }) end },
      ["api/gate/session-ack.json post"] = { "POST", "/v1/gate/sessions/[^/]+/ack",
         function(c) return c.gate.sessions:acknowledge("gate_x", { poll_token = "gtpoll_x", ack_token = "gtack_x" }) end },
      ["api/gate/login-session-create.json post"] = { "POST", "/v1/gate/login%-sessions",
         function(c) return c.gate.login_sessions:create{ service_id = "foil", agent_token = "agt_x" } end },
      ["api/gate/login-session-consume.json post"] = { "POST", "/v1/gate/login%-sessions/consume",
         function(c) return c.gate.login_sessions:consume{ code = "482931" } end },
      ["api/gate/agent-token-verify.json post"] = { "POST", "/v1/gate/agent%-tokens/verify",
         function(c) return c.gate.agent_tokens:verify{ agent_token = "agt_x" } end },
      ["api/gate/agent-token-revoke.json post"] = { "POST", "/v1/gate/agent%-tokens/revoke",
         function(c) return c.gate.agent_tokens:revoke{ agent_token = "agt_x" } end },
   }

   local function manifest()
      local dir = t.spec_dir()
      if not dir then return nil end
      return load("manifest.json").fixtures
   end

   t.test("every API fixture of the manifest has a case", function()
      local entries = manifest()
      if not entries then t.skip("foil-spec not found (set FOIL_SPEC_DIR)") end
      for _, e in ipairs(entries) do
         if e.file:find("^api/") then t.ok(CASES[e.file .. " " .. e.method], "no case for " .. e.file) end
      end
   end)

   local entries = manifest()
   if not entries then
      t.test("API fixtures", function() t.skip("foil-spec not found (set FOIL_SPEC_DIR)") end)
      return
   end
   for _, e in ipairs(entries) do
      t.test("API fixture " .. e.method .. " " .. e.file, function()
         local dir = t.spec_dir()
         local status = tonumber(e.status)
         local fixture = load(e.file)
         if e.file:find("^errors/") then
            local server = canned.start("GET", "/v1/sessions.*", dir .. "/fixtures/" .. e.file, status)
            local c = foil.new{ secret_key = "sk_test_x", base_url = server.base_url }
            local v, err
            if e.path:find("{sessionId}", 1, true) then v, err = c.sessions:get(SID) else v, err = c.sessions:list() end
            server:stop()
            t.eq(v, nil)
            t.ok(err:is("api"), tostring(err))
            t.eq(err.status, status)
            t.eq(err.code, fixture.error.code)
            t.eq(err.message, fixture.error.message)
            t.eq(err.request_id, "req_0123456789abcdef0123456789abcdef")
            t.same(foil.json_decode(err.body), fixture)
            t.ok(tostring(err):find("req_0123456789abcdef0123456789abcdef", 1, true))
            return
         end
         local case = CASES[e.file .. " " .. e.method]
         local no_body = e.body == "none"
         local server = canned.start(case[1], case[2], (not no_body) and (dir .. "/fixtures/" .. e.file) or nil, status)
         local c = foil.new{ secret_key = "sk_test_x", base_url = server.base_url }
         local ours, err = case[3](c)
         server:stop()
         t.ok(ours ~= nil, tostring(err))
         if no_body then
            t.eq(ours, true)
            return
         end
         if fixture.pagination then
            t.same(ours.items, fixture.data)
            t.eq(ours.limit, fixture.pagination.limit)
            t.eq(ours.has_more, fixture.pagination.has_more)
            local cursor = fixture.pagination.next_cursor
            if cursor == foil.null then cursor = nil end
            t.eq(ours.next_cursor, cursor)
         else
            t.same(ours, fixture.data)
         end
      end)
   end
end
