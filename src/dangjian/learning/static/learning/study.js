// Heartbeats of a lesson page (learning/study_time.py decides what they are worth).
// A heartbeat goes out every BEAT seconds only while the tab is visible and the learner was
// active (pointer, keyboard, scroll, touch or a playing video) in the last IDLE seconds. When
// the page comes back (visible again, or active again after idling) a heartbeat with
// active=false restarts the server's clock, so the time away is never credited.
(function () {
  "use strict";
  var page = document.getElementById("lesson");
  if (!page || !page.dataset.heartbeatUrl) return;
  var url = page.dataset.heartbeatUrl;
  var csrf = page.dataset.csrf;
  var beat = (parseInt(page.dataset.beatSeconds, 10) || 15) * 1000;
  var idle = (parseInt(page.dataset.idleSeconds, 10) || 60) * 1000;
  var video = page.querySelector("[data-study-video]");
  var minutes = page.querySelector("[data-study-minutes]");
  var bar = page.querySelector("[data-study-bar]");
  var lastActivity = Date.now();
  var away = true; // the first heartbeat only starts the clock

  function visible() { return document.visibilityState === "visible"; }
  function playing() { return video && !video.paused && !video.ended; }
  function active() { return playing() || Date.now() - lastActivity < idle; }

  function send(isActive) {
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ visible: visible(), active: isActive })
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data) return;
      if (minutes) minutes.textContent = minutes.textContent.replace(/\d+/, String(Math.floor(data.total_seconds / 60)));
      if (bar) bar.value = Math.min(100, Math.round(100 * data.total_seconds / data.lesson_seconds));
    }).catch(function () {});
  }

  function tick() {
    if (!visible() || !active()) { away = true; return; }
    if (away) { away = false; send(false); return; }
    send(true);
  }

  function touched() { lastActivity = Date.now(); }
  ["pointermove", "pointerdown", "keydown", "scroll", "touchstart", "wheel"].forEach(function (name) {
    window.addEventListener(name, touched, { passive: true });
  });
  document.addEventListener("visibilitychange", function () {
    if (visible()) { touched(); tick(); } else { away = true; }
  });
  if (video) video.addEventListener("play", touched);
  tick();
  window.setInterval(tick, beat);
})();
