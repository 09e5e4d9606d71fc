// The Try Out console: expand an operation, "Try it out" to edit its body, Execute through
// the portal's relay to the real gateway, and show status, latency, tokens, headers and body.
// With "stream": true the answer is drawn token by token as the server-sent events arrive.
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) { return ""; }
  }

  function part(panel, name) { return panel.querySelector("[" + name + "]"); }

  function announce(console_, text) {
    var region = console_.querySelector("[data-announce]");
    region.textContent = "";
    setTimeout(function () { region.textContent = text; }, 50);
  }

  function toggleOperation(op, open) {
    var button = op.querySelector("[data-op-toggle]");
    var panel = op.querySelector(".op-panel");
    button.setAttribute("aria-expanded", open ? "true" : "false");
    panel.hidden = !open;
    op.classList.toggle("open", open);
  }

  function setEditing(op, editing) {
    var body = part(op, "data-body");
    var usage = part(op, "data-include-usage");
    op.querySelectorAll("[data-param]").forEach(function (input) { input.readOnly = !editing; });
    if (body) {
      body.readOnly = !editing;
      if (!editing) body.value = body.getAttribute("data-example");
    }
    if (usage) usage.disabled = !editing;
    part(op, "data-try-it").hidden = editing;
    part(op, "data-cancel").hidden = !editing;
    part(op, "data-execute").hidden = !editing;
    if (editing) (op.querySelector("[data-param]") || body || part(op, "data-execute")).focus();
    else part(op, "data-try-it").focus();
  }

  // Returns [bodyText, error]; asks for the usage chunk of a stream when the box is ticked.
  function requestBody(op) {
    var field = part(op, "data-body");
    if (!field) return ["", null];
    var parsed;
    try { parsed = JSON.parse(field.value); } catch (e) { return [null, "The body is not valid JSON: " + e.message]; }
    var usage = part(op, "data-include-usage");
    if (parsed && parsed.stream === true && usage && usage.checked && !parsed.stream_options) {
      parsed.stream_options = { include_usage: true };
      return [JSON.stringify(parsed), null];
    }
    return [field.value, null];
  }

  // The operation's path with its parameters filled in, or null (and a field error) if one is empty.
  function concretePath(op) {
    var path = op.getAttribute("data-path");
    var missing = null;
    op.querySelectorAll("[data-param]").forEach(function (input) {
      var error = input.parentNode.querySelector("[data-param-error]");
      var value = input.value.trim();
      error.textContent = value ? "" : "Required.";
      if (value) input.removeAttribute("aria-invalid");
      else { input.setAttribute("aria-invalid", "true"); missing = missing || input; }
      path = path.replace("{" + input.getAttribute("data-param") + "}", encodeURIComponent(value));
    });
    if (missing) { missing.focus(); return null; }
    return path;
  }

  function showBodyError(op, message) {
    var field = part(op, "data-body");
    var error = part(op, "data-body-error");
    if (!field) return;
    error.textContent = message || "";
    if (message) { field.setAttribute("aria-invalid", "true"); field.focus(); }
    else field.removeAttribute("aria-invalid");
  }

  function upstreamHeaders(response) {
    var names = (response.headers.get("x-tryout-upstream-headers") || "").split(",").filter(Boolean);
    return names.map(function (name) { return name + ": " + response.headers.get(name); }).join("\n");
  }

  // Token counts in the vendors' shapes: OpenAI (usage.*_tokens), Anthropic (usage.input_tokens,
  // output_tokens; message_start carries the input, message_delta the output) and Gemini
  // (usageMetadata). Stream events are merged field by field, the latest count winning.
  function usageOf(payload) {
    var raw = payload && (payload.usage || payload.usageMetadata || (payload.message && payload.message.usage));
    if (!raw) return null;
    return {
      prompt: first(raw.prompt_tokens, raw.input_tokens, raw.promptTokenCount),
      completion: first(raw.completion_tokens, raw.output_tokens, raw.candidatesTokenCount),
      total: first(raw.total_tokens, raw.totalTokenCount),
    };
  }

  function first() {
    for (var i = 0; i < arguments.length; i++) if (typeof arguments[i] === "number") return arguments[i];
    return null;
  }

  function merged(into, usage) {
    if (!usage) return into;
    into = into || { prompt: null, completion: null, total: null };
    ["prompt", "completion", "total"].forEach(function (name) {
      if (usage[name] !== null) into[name] = usage[name];
    });
    return into;
  }

  function tokensText(usage) {
    if (!usage) return "Not reported";
    var prompt = usage.prompt || 0, completion = usage.completion || 0;
    var total = usage.total !== null ? usage.total : prompt + completion;
    return total + " total (" + prompt + " prompt, " + completion + " completion)";
  }

  function pretty(text) {
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
  }

  // Reads server-sent events as they arrive; calls onEvent with each parsed data payload.
  async function readEvents(response, onText, onEvent) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) break;
      var text = decoder.decode(chunk.value, { stream: true });
      onText(text);
      buffer += text;
      var lines = buffer.split(/\r?\n/);
      buffer = lines.pop();
      lines.forEach(function (line) {
        if (line.indexOf("data:") !== 0) return;
        var data = line.slice(5).trim();
        if (!data || data === "[DONE]") return;
        try { onEvent(JSON.parse(data)); } catch (e) { /* a partial or non-JSON event */ }
      });
    }
  }

  function streamedPiece(event) {
    var choice = event.choices && event.choices[0];
    if (choice && choice.delta && typeof choice.delta.content === "string") return choice.delta.content;
    if (event.delta && typeof event.delta.text === "string") return event.delta.text;  // Anthropic
    var candidate = event.candidates && event.candidates[0];  // Gemini
    var parts = candidate && candidate.content && candidate.content.parts;
    return parts ? parts.map(function (p) { return p.text || ""; }).join("") : "";
  }

  // The key stays for the browser session (sessionStorage: this tab only, gone when it
  // closes), one per endpoint type, so Get Test Key can hand the same live key back.
  function keyStore(console_) { return "tollgate.tryout." + console_.getAttribute("data-key-scope"); }

  function storedKeys(console_) {
    try { return JSON.parse(sessionStorage.getItem(keyStore(console_)) || "{}"); } catch (e) { return {}; }
  }

  function keyType(key) { return key.indexOf("tg_s_") === 0 ? "sandbox" : "production"; }

  function remember(console_, key) {
    var keys = storedKeys(console_);
    keys.last = key;
    if (/^tg_[ps]_/.test(key)) keys[keyType(key)] = key;
    try { sessionStorage.setItem(keyStore(console_), JSON.stringify(keys)); } catch (e) { /* storage off */ }
  }

  // After the key panel is drawn: keep a newly issued key, or put the session's key back.
  function syncKeyField(console_) {
    var field = document.getElementById("tryout-key");
    if (!field) return;
    var value = field.value.trim();
    if (value) remember(console_, value);
    else field.value = storedKeys(console_).last || "";
  }

  function showKeyMissing(op, missing) {
    var message = part(op, "data-key-missing");
    var field = document.getElementById("tryout-key");
    message.hidden = !missing;
    if (missing) field.setAttribute("aria-invalid", "true");
    else field.removeAttribute("aria-invalid");
  }

  async function execute(console_, op) {
    // The publisher's console holds no key: the portal adds its internal key server-side.
    var internal = console_.hasAttribute("data-key-internal");
    var key = internal ? "" : document.getElementById("tryout-key").value.trim();
    if (!internal) showKeyMissing(op, !key);
    if (!key && !internal) {
      announce(console_, "No API key: get a test key first, or paste a key.");
      (document.getElementById("get-test-key") || document.getElementById("tryout-key")).focus();
      return;
    }
    var built = requestBody(op);
    showBodyError(op, built[1]);
    if (built[1]) return;

    var path = concretePath(op);
    if (path === null) return;
    var method = op.getAttribute("data-method");
    var url = console_.getAttribute("data-relay-base") + path.replace(/^\//, "");
    var out = {
      section: part(op, "data-response"), status: part(op, "data-status"),
      latency: part(op, "data-latency"), tokens: part(op, "data-tokens"),
      body: part(op, "data-body-out"), headers: part(op, "data-headers"),
      streamBlock: part(op, "data-stream-block"), streamed: part(op, "data-streamed"),
    };
    var execButton = part(op, "data-execute");
    execButton.disabled = true;
    execButton.textContent = "Executing…";
    out.section.hidden = false;
    out.section.setAttribute("aria-busy", "true");
    out.status.textContent = "…"; out.latency.textContent = "…"; out.tokens.textContent = "…";
    out.body.textContent = ""; out.headers.textContent = ""; out.streamed.textContent = "";
    out.streamBlock.hidden = true;
    part(op, "data-clear").hidden = false;

    var started = performance.now();
    var usage = null;
    try {
      var init = { method: method, headers: { "X-CSRFToken": csrfToken() } };
      if (key) init.headers["X-Tryout-Key"] = key;
      if (method !== "GET") { init.body = built[0]; init.headers["Content-Type"] = "application/json"; }
      var response = await fetch(url, init);
      var firstByte = performance.now() - started;
      out.status.textContent = response.status + (response.statusText ? " " + response.statusText : "");
      out.status.className = response.ok ? "ok" : "bad";
      out.headers.textContent = upstreamHeaders(response);
      var type = response.headers.get("content-type") || "";
      if (type.indexOf("text/event-stream") === 0 && response.body) {
        out.streamBlock.hidden = false;
        await readEvents(response, function (text) { out.body.textContent += text; }, function (event) {
          out.streamed.textContent += streamedPiece(event);
          usage = merged(usage, usageOf(event));
        });
      } else {
        var text = await response.text();
        out.body.textContent = pretty(text);
        try { usage = merged(null, usageOf(JSON.parse(text))); } catch (e) { usage = null; }
      }
      var total = performance.now() - started;
      out.latency.textContent = Math.round(total) + " ms total, first byte after " + Math.round(firstByte) + " ms";
      out.tokens.textContent = tokensText(usage);
      announce(console_, "Response " + response.status + " in " + Math.round(total) + " milliseconds. Tokens: " + tokensText(usage) + ".");
    } catch (error) {
      out.status.textContent = "Failed";
      out.status.className = "bad";
      out.body.textContent = "The request did not complete: " + error.message;
      announce(console_, "The request did not complete.");
    } finally {
      out.section.removeAttribute("aria-busy");
      execButton.disabled = false;
      execButton.textContent = "Execute";
      out.section.querySelector("h4").focus();
    }
  }

  function clear(op) {
    part(op, "data-response").hidden = true;
    part(op, "data-clear").hidden = true;
    part(op, "data-execute").focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var console_ = document.querySelector("[data-tryout]");
    if (console_ && !console_.hasAttribute("data-key-internal")) syncKeyField(console_);
  });

  document.addEventListener("input", function (event) {
    var console_ = event.target.closest("[data-tryout]");
    if (console_ && event.target.id === "tryout-key") remember(console_, event.target.value.trim());
  });

  // Get Test Key sends the session's key of the chosen endpoint type, to have it back if live.
  document.addEventListener("htmx:configRequest", function (event) {
    var console_ = event.detail.elt.closest && event.detail.elt.closest("[data-tryout]");
    if (!console_ || !event.detail.elt.matches(".test-key-form")) return;
    event.detail.parameters.current_key = storedKeys(console_)[event.detail.parameters.key_type] || "";
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var console_ = document.querySelector("[data-tryout]");
    if (console_ && event.detail.elt && event.detail.elt.id === "key-panel") syncKeyField(console_);
  });

  document.addEventListener("click", function (event) {
    var console_ = event.target.closest("[data-tryout]");
    if (!console_) return;
    var op = event.target.closest("[data-op]");
    if (!op) return;
    if (event.target.closest("[data-op-toggle]")) {
      toggleOperation(op, op.querySelector(".op-panel").hidden);
    } else if (event.target.closest("[data-try-it]")) {
      setEditing(op, true);
    } else if (event.target.closest("[data-cancel]")) {
      showBodyError(op, "");
      setEditing(op, false);
    } else if (event.target.closest("[data-execute]")) {
      execute(console_, op);
    } else if (event.target.closest("[data-clear]")) {
      clear(op);
    }
  });
})();
