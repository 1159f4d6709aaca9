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
