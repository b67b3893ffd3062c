/*
 * Progressive enhancement of the verification pages: a live countdown, a
 * status poll (a code confirmed elsewhere closes the page), a double-submit
 * guard, and the messages to the otp.js modal. The pages work without it.
 */
(function () {
  'use strict';
  var body = document.body;
  var target = body.getAttribute('data-target');
  var namespace = body.getAttribute('data-namespace');
  var id = body.getAttribute('data-id');
  var framed = window.parent && window.parent !== window;

  function tellHost(type, height, token) {
    // Only popup pages opened by otp.js carry a target; "" means the host is not allowed.
    if (!framed || !target) return;
    var message = { type: type, namespace: namespace, id: id };
    if (height !== undefined) message.height = height;
    if (token) message.token = token;
    window.parent.postMessage(message, target);
  }

  // The modal sizes its iframe to this page: tell it the page's height now and whenever it changes
  // (an error shown, a font loaded). The body's height, not the document's, which is never below the iframe's.
  var toldHeight = 0;
  function tellHeight() {
    var height = Math.ceil(body.getBoundingClientRect().height);
    if (height > 0 && height !== toldHeight) tellHost('otpgateway:height', toldHeight = height);
  }
  tellHeight();
  if (framed && target && window.ResizeObserver) new ResizeObserver(tellHeight).observe(body);

  // In the modal the autofocus attribute is blocked (cross-origin frame): focus the input once the frame has focus.
  var autofocus = document.querySelector('[data-autofocus]');
  if (autofocus) {
    if (document.hasFocus()) autofocus.focus();
    else window.addEventListener('focus', function once() { window.removeEventListener('focus', once); autofocus.focus(); });
  }

  // Verified: the host page's OTPGateway finishes on this message (with the signed result token, when the
  // gateway signs); any other page says it is ready for input.
  var finished = document.querySelector('[data-finish]');
  if (finished) tellHost('otpgateway:verified', undefined, finished.getAttribute('data-token') || undefined);
  else tellHost('otpgateway:ready');

  // Escape inside the iframe: the host page cannot see the key, so ask it to cancel.
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' || e.key === 'Esc') tellHost('otpgateway:cancel');
  });

  // Double-submit guard: one submission per page load, for every form.
  var busy = false;
  var forms = document.querySelectorAll('form[data-guard]');
  for (var i = 0; i < forms.length; i++) {
    forms[i].addEventListener('submit', function (e) {
      if (busy) { e.preventDefault(); return; }
      busy = true;
      // Disable after the browser has collected the form (the buttons carry no values).
      setTimeout(function () {
        var buttons = document.querySelectorAll('form[data-guard] button');
        for (var j = 0; j < buttons.length; j++) buttons[j].disabled = true;
      }, 0);
    });
  }
  window.addEventListener('pageshow', function (e) {
    if (!e.persisted) return;
    busy = false;
    var buttons = document.querySelectorAll('form[data-guard] button');
    for (var j = 0; j < buttons.length; j++) buttons[j].disabled = false;
  });

  var poll = document.querySelector('[data-poll]');
  var pageUrl = poll ? poll.getAttribute('data-page') : null;
  // The redirect flow: ask the gateway where to go (back to the host with the token or error=expired).
  var back = document.querySelector('form[data-return]');
  function reload() {
    if (back) back.submit();
    else if (pageUrl) window.location.replace(pageUrl);
  }

  // Countdown to expiry, in the page's language: the server gives the sentences ("Expires in {time}").
  var countdown = document.querySelector('[data-countdown]');
  if (countdown) {
    var end = Date.now() + Number(countdown.getAttribute('data-countdown')) * 1000;
    var runningText = countdown.getAttribute('data-countdown-text');
    var expiredText = countdown.getAttribute('data-expired-text');
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      if (left <= 0) {
        countdown.textContent = expiredText;
        clearInterval(timer);
        setTimeout(reload, 1000);
        return;
      }
      var s = left % 60;
      countdown.textContent = runningText.replace('{time}', Math.floor(left / 60) + ':' + (s < 10 ? '0' : '') + s);
    };
    var timer = setInterval(tick, 1000);
    tick();
  }

  // Status poll every 2 s: closed elsewhere (the e-mail link) or gone → show the end state.
  if (poll && window.fetch) {
    var url = poll.getAttribute('data-poll');
    var stopped = false;
    var check = function () {
      if (stopped || busy) return;
      fetch(url, { cache: 'no-store', credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) {
          if (r.status === 404) return { gone: true };
          return r.ok ? r.json() : null;
        })
        .then(function (j) {
          if (!j) return;
          if (j.gone || (j.data && j.data.closed)) {
            stopped = true;
            reload();
          }
        })
        .catch(function () { /* offline for a moment: try again on the next tick */ });
    };
    setInterval(check, 2000);
  }
})();
