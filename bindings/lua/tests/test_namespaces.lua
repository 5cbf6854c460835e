-- Every namespace and method against the embedded emulator.
return function(t)
   local foil = require "foil"
   local env = require "env"

   t.test("every operation of the core's table has a method", function()
      local ops = foil.operations()
      t.ok(#ops >= 35, "operations: " .. #ops)
      local c = env.client()
      for _, name in ipairs(ops) do
         local ns = c
         local parts = {}
         for p in name:gmatch("[^.]+") do parts[#parts + 1] = p end
         for i = 1, #parts - 1 do ns = ns[parts[i]] end
         t.eq(type(ns[parts[#parts]]), "function", name)
      end
   end)

   t.test("sessions", function()
      local c = env.client()
      local page = assert(c.sessions:list{ limit = 5 })
      t.eq(#page.items, 5)
      t.eq(page.limit, 5)
      t.eq(page.has_more, true)
      t.ok(type(page.next_cursor) == "string")
      local first = page.items[1]
      t.eq(first.object, "session")
      t.ok(first.id:find("^sid_"))
      local verdicts = { bot = true, human = true, inconclusive = true }
      t.ok(verdicts[first.latest_decision.verdict])
      if math.type then t.eq(math.type(first.latest_decision.risk_score), "integer") end
      local nxt = assert(c.sessions:list{ limit = 5, cursor = page.next_cursor })
      local seen = {}
      for _, s in ipairs(page.items) do seen[s.id] = true end
      for _, s in ipairs(nxt.items) do t.ok(not seen[s.id], "pages overlap") end
      local bots = assert(c.sessions:list{ limit = 20, verdict = "bot" })
      for _, s in ipairs(bots.items) do t.eq(s.latest_decision.verdict, "bot") end
      local count, ids = 0, {}
      for s in c.sessions:iter{ limit = 200 } do
         count = count + 1
         ids[s.id] = true
      end
      t.eq(count, 600)
      local distinct = 0
      for _ in pairs(ids) do distinct = distinct + 1 end
      t.eq(distinct, 600)
      local detail = assert(c.sessions:get(first.id))
      t.eq(detail.id, first.id)
      t.ok(detail.request.url)
      local attached = assert(c.sessions:attach_client_user(first.id, "user_42"))
      t.eq(attached.client_user_id, "user_42")
      t.eq(assert(c.sessions:get(first.id)).client_user_id, "user_42")
      local cleared = assert(c.sessions:clear_client_user(first.id))
      t.ok(cleared.client_user_id == nil or cleared.client_user_id == foil.null)
      -- the same call spelled with the id in the table
      t.eq(assert(c.sessions:get{ session_id = first.id }).id, first.id)
   end)

   t.test("fingerprints", function()
      local c = env.client()
      local page = assert(c.fingerprints:list{ limit = 10, sort = "seen_count" })
      t.eq(#page.items, 10)
      local fp = page.items[1]
      t.ok(fp.id:find("^vid_"))
      t.eq(type(fp.storage.cookies), "boolean")
      local n = 0
      for _ in c.fingerprints:iter{ limit = 50 } do n = n + 1 end
      t.eq(n, 130)
      local detail = assert(c.fingerprints:get(fp.id))
      t.eq(detail.id, fp.id)
      for _, v in ipairs(detail.components.vector) do t.eq(type(v), "number") end
   end)

   t.test("organizations and api keys", function()
      local c = env.client()
      local emu = env.emulator()
      local slug = env.unique("acme")
      local org = assert(c.organizations:create{ name = "Acme", slug = slug })
      t.eq(org.slug, slug)
      t.eq(org.status, "active")
      t.fails("conflict", c.organizations:create{ name = "Acme again", slug = slug })
      t.eq(assert(c.organizations:get(org.id)).name, "Acme")
      t.eq(assert(c.organizations:update(org.id, { name = "Acme Inc" })).name, "Acme Inc")
      local org_id = emu.organization_id
      local issued = assert(c.organizations.api_keys:create(org_id, { name = "CI", type = "secret",
         environment = "test", scopes = { "sessions:list", "sessions:read" } }))
      t.ok(issued.revealed_key:find("^sk_"))
      t.same(issued.scopes, { "sessions:list", "sessions:read" })
      local scoped = foil.new{ secret_key = issued.revealed_key, base_url = emu.base_url }
      t.ok(#assert(scoped.sessions:list{ limit = 1 }).items == 1)
      local found = false
      for k in c.organizations.api_keys:iter(org_id, { limit = 2 }) do found = found or k.id == issued.id end
      t.ok(found, "iter finds the new key")
      t.eq(assert(c.organizations.api_keys:update(org_id, issued.id, { name = "CI renamed" })).name, "CI renamed")
      local rotated = assert(c.organizations.api_keys:rotate(org_id, issued.id))
      t.ok(rotated.revealed_key ~= issued.revealed_key)
      t.eq(assert(c.organizations.api_keys:revoke(org_id, issued.id)).status, "revoked")
   end)

   t.test("webhooks", function()
      local c = env.client()
      local org_id = env.emulator().organization_id
      local endpoint = assert(c.webhooks:create_endpoint(org_id, { name = "Alerts", url = "https://example.com/hook",
         event_types = { "session.result.persisted" } }))
      t.ok(endpoint.signing_secret)
      local found = false
      for _, e in ipairs(assert(c.webhooks:list_endpoints(org_id)).items) do found = found or e.id == endpoint.id end
      t.ok(found)
      found = false
      for e in c.webhooks:iter_endpoints(org_id) do found = found or e.id == endpoint.id end
      t.ok(found)
      local renamed = assert(c.webhooks:update_endpoint(org_id, endpoint.id, { name = "Renamed" }))
      t.eq(renamed.name, "Renamed")
      local rotated = assert(c.webhooks:rotate_secret(org_id, endpoint.id))
      t.ok(rotated.signing_secret ~= endpoint.signing_secret)
      local sent = assert(c.webhooks:send_test(org_id, endpoint.id))
      t.ok(sent.event_id)
      local events = assert(c.webhooks:list_events(org_id, { endpoint_id = endpoint.id, type = "webhook.test", limit = 10 }))
      found = false
      for _, e in ipairs(events.items) do found = found or e.id == sent.event_id end
      t.ok(found)
      t.eq(assert(c.webhooks:retrieve_event(org_id, sent.event_id)).type, "webhook.test")
      found = false
      for e in c.webhooks:iter_events(org_id, { type = "webhook.test" }) do found = found or e.id == sent.event_id end
      t.ok(found)
      t.eq(assert(c.webhooks:disable_endpoint(org_id, endpoint.id)).status, "disabled")
   end)

   t.test("gate registry and services", function()
      local c = env.client()
      local entries = assert(c.gate.registry:list())
      local found = false
      for _, e in ipairs(entries) do found = found or e.id == "foil" end
      t.ok(found)
      t.eq(assert(c.gate.registry:get("foil")).name, "Foil")
      t.fails("not_found", c.gate.registry:get("nope-nope"))
      local endpoint = assert(c.webhooks:create_endpoint(env.emulator().organization_id, { name = "Gate",
         url = "https://example.com/gate", event_types = { "gate.session.approved" } }))
      local id = env.unique("svc")
      local created = assert(c.gate.services:create{ id = id, name = "Svc", description = "A service",
         website = "https://example.com", webhook_endpoint_id = endpoint.id })
      t.eq(created.id, id)
      found = false
      for _, s in ipairs(assert(c.gate.services:list())) do found = found or s.id == id end
      t.ok(found)
      t.eq(assert(c.gate.services:get(id)).name, "Svc")
      t.eq(assert(c.gate.services:update(id, { name = "Svc 2" })).name, "Svc 2")
      t.eq(assert(c.gate.services:disable(id)).status, "disabled")
   end)

   t.test("gate sessions, login sessions and agent tokens", function()
      local c = env.client()
      local emu = env.emulator()
      local pair = foil.create_delivery_key_pair()
      local created = assert(c.gate.sessions:create{ service_id = "foil", account_name = "demo",
         delivery = pair.delivery, metadata = { plan = "pro" } })
      t.ok(created.poll_token:find("^gtpoll_"))
      local polled = assert(c.gate.sessions:poll(created.id, { poll_token = created.poll_token }))
      t.eq(polled.status, "pending")
      emu:approve(created.id)
      polled = assert(c.gate.sessions:poll(created.id, { poll_token = created.poll_token }))
      t.eq(polled.status, "approved")
      local integrator = assert(foil.decrypt_gate_delivery_envelope(pair.private_key,
                                                                    polled.delivery_bundle.integrator))
      local gate = assert(foil.decrypt_gate_delivery_envelope(pair.private_key, polled.delivery_bundle.gate))
      t.ok(integrator.outputs.FOIL_SECRET_KEY)
      t.ok(gate.ack_token)
      local agent_token = gate.outputs[foil.derive_gate_agent_token_env_key("foil")]
      local ack = assert(c.gate.sessions:acknowledge(created.id, { poll_token = created.poll_token,
         ack_token = gate.ack_token }))
      t.eq(ack.status, "acknowledged")
      t.fails("gone", c.gate.sessions:poll(created.id, { poll_token = created.poll_token }))
      local verified = assert(c.gate.agent_tokens:verify{ agent_token = agent_token })
      t.eq(verified.valid, true)
      local login = assert(c.gate.login_sessions:create{ service_id = "foil", agent_token = agent_token })
      t.ok(login.consent_url)
      local code = emu:approve_login(login.id)
      local dashboard = assert(c.gate.login_sessions:consume{ code = code })
      t.eq(dashboard.gate_account_id, verified.gate_account_id)
      t.fails("gone", c.gate.login_sessions:consume{ code = code })
      t.eq(c.gate.agent_tokens:revoke{ agent_token = agent_token }, true)
      t.eq(assert(c.gate.agent_tokens:verify{ agent_token = agent_token }).valid, false)
   end)

   t.test("client options, tostring and close", function()
      local emu = env.emulator()
      local c = foil.new{ secret_key = emu.secret_key, base_url = emu.base_url, timeout = 5, user_agent = "tests/1",
                          max_retries = 1, connect_timeout = 2 }
      t.eq(c:base_url(), emu.base_url)
      t.eq(c:is_closed(), false)
      t.ok(not tostring(c):find(emu.secret_key, 1, true), "tostring shows no secret")
      t.ok(tostring(c):find(emu.base_url, 1, true))
      t.ok(assert(c.sessions:list{ limit = 1 }))
      c:close()
      c:close()
      t.eq(c:is_closed(), true)
      t.eq(tostring(c), "foil.Client(closed)")
      t.raises(function() return c.sessions:list{ limit = 1 } end, "state")
   end)

   t.test("tostring hides credentials written in base_url", function()
      local c = foil.new{ secret_key = "sk_test_x", base_url = "https://user:hunter2@api.example.com/" }
      t.eq(c:base_url(), "https://user:hunter2@api.example.com")
      t.eq(tostring(c), "foil.Client(https://***@api.example.com)")
      c:close()
   end)
end
