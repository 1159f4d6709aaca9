// Small progressive enhancements; every page works without them.
document.addEventListener("click", (e) => {
  const pick = e.target.closest("[data-pick-area]");
  if (pick) {
    const select = document.getElementById("lifeAreaId");
    if (select) { select.value = pick.dataset.pickArea; select.focus(); }
  }
  const confirmer = e.target.closest("[data-confirm]");
  if (confirmer && !window.confirm(confirmer.dataset.confirm)) e.preventDefault();
});
document.addEventListener("input", (e) => {
  if (e.target.id === "emotionalCharge") {
    const out = document.getElementById("charge-value");
    if (out) out.textContent = (e.target.value > 0 ? "+" : "") + e.target.value;
  }
});
document.addEventListener("DOMContentLoaded", () => {
  const tz = document.querySelector("[data-detect-timezone]");
  if (tz && (tz.value === "" || tz.value === "UTC")) {
    try { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || tz.value; } catch (_) {}
  }
});

// A slider's <output> shows its value as it moves (the onboarding's self-assessment).
document.addEventListener("input", (e) => {
  const t = e.target;
  if (t instanceof HTMLInputElement && t.type === "range") {
    const out = t.parentElement?.querySelector(`output[for="${t.id}"]`);
    if (out) out.value = t.value;
  }
});

// Knowledge: while documents are being read, the page updates itself (not while typing).
document.addEventListener("DOMContentLoaded", () => {
  const r = document.querySelector("[data-refresh]");
  if (!r) return;
  setTimeout(function again() {
    const busy = document.activeElement && ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
    if (busy) setTimeout(again, 3000); else location.reload();
  }, Number(r.dataset.refresh) * 1000);
});

// Knowledge: each chosen file is uploaded on its own, with a progress bar and its outcome.
document.addEventListener("submit", (e) => {
  const form = e.target.closest("form[data-upload]");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  const files = [...form.querySelectorAll('input[type="file"]')].flatMap((i) => [...i.files]);
  if (files.length === 0) return;
  e.preventDefault();
  const box = form.querySelector("[data-upload-progress]");
  const bar = box.querySelector("progress");
  const log = box.querySelector("[data-upload-log]");
  box.hidden = false;
  const total = files.reduce((n, f) => n + f.size, 0) || 1;
  let done = 0;
  const line = (text) => { const li = document.createElement("li"); li.textContent = text; log.appendChild(li); };
  const send = (i) => {
    if (i >= files.length) { line("All sent; reading them now…"); setTimeout(() => location.assign("/knowledge"), 800); return; }
    const f = files[i];
    const data = new FormData();
    data.append("_csrf", form.querySelector('input[name="_csrf"]').value);
    data.append("category", form.querySelector('input[name="category"]').value);
    data.append("tags", form.querySelector('input[name="tags"]').value);
    data.append("file", f, f.webkitRelativePath || f.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (p) => { bar.value = Math.round(((done + p.loaded) / total) * 100); };
    xhr.onload = () => {
      done += f.size;
      bar.value = Math.round((done / total) * 100);
      let o = null;
      try { o = JSON.parse(xhr.responseText); } catch (_) {}
      if (xhr.status === 200 && o) {
        o.added.forEach((n) => line(n + ": added"));
        o.already.forEach((n) => line(n + ": already here"));
        o.refused.forEach((r) => line(r));
      } else {
        line(f.name + ": not added (" + (xhr.status === 413 ? "too large" : "error " + xhr.status) + ")");
      }
      send(i + 1);
    };
    xhr.onerror = () => { line(f.name + ": not sent (network error)"); send(i + 1); };
    xhr.send(data);
  };
  send(0);
});

// The assistant: the answer streamed in as it is written (server-sent events over fetch), then
// the page shows the kept conversation. Without this the form posts and the page comes back.
document.addEventListener("submit", async (e) => {
  const form = e.target.closest("form[data-chat]");
  if (!form || !window.fetch || !window.TextDecoder) return;
  e.preventDefault();
  const input = form.querySelector("textarea");
  const list = document.querySelector("[data-testid=messages]");
  const button = form.querySelector("button[type=submit]");
  const text = input.value.trim();
  if (!text) return;
  const bubble = (who, body) => {
    const li = document.createElement("li");
    li.className = "message " + (who === "You" ? "mine" : "theirs");
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = who;
    const b = document.createElement("div");
    b.className = "bubble";
    b.textContent = body;
    li.append(meta, b);
    list.append(li);
    return b;
  };
  bubble("You", text);
  const answer = bubble("Assistant", "…");
  button.disabled = true;
  let shown = "";
  try {
    const resp = await fetch("/assistant/stream", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form)),
    });
    if (!resp.ok || !resp.body) throw new Error("status " + resp.status);
    const reader = resp.body.getReader();
    const dec = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let cut;
      while ((cut = buf.indexOf("\n\n")) >= 0) {
        const ev = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const kind = (ev.match(/^event:\s*(.*)$/m) || [])[1];
        const data = ev.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("");
        if (!data) continue;
        const v = JSON.parse(data);
        if (kind === "delta") {
          shown += v.text;
          answer.textContent = shown;
        } else if (kind === "done") {
          // A new query each time, so the browser loads the page rather than only scrolling.
          location.href = "/assistant?c=" + v.conversationId + "&m=" + v.messageId + "#m-" + v.messageId;
          return;
        } else if (kind === "error") {
          answer.textContent = v.message;
          answer.parentElement.classList.add("failed");
        }
      }
    }
  } catch (err) {
    form.submit();
    return;
  }
  button.disabled = false;
});
