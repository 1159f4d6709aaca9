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
