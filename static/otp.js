/*
 * otp.js: the embeddable verification modal of the OTP gateway.
 * No build step, no dependencies. Include it with
 *   <script id="otpgateway-script" src="https://gw.example/static/otp.js"></script>
 * and call OTPGateway(namespace, id, onFinish, onCancel).
 * The finish callback proves nothing by itself: the host backend must check the
 * result token it receives (onFinish(namespace, id, token), when the gateway has
 * [signing] keys) or confirm with POST /api/otp/<id>/status before trusting the result.
 */
(function () {
  'use strict';
  // Loaded twice (two script tags, a SPA re-inserting it): keep the first copy.
  if (typeof window.OTPGateway === 'function' && window.OTPGateway.isOTPGateway) return;

  var script = document.currentScript || document.getElementById('otpgateway-script');
  if (!script || !script.src) {
    throw new Error('otp.js: cannot find its own <script> element; give it id="otpgateway-script".');
  }
  var src = new URL(script.src, window.location.href);
  // The gateway root: everything before /static/otp.js (root_url may have a path prefix).
  var root = src.origin + src.pathname.replace(/\/static\/otp\.js$/, '');
  var gatewayOrigin = src.origin;
  var openModal = null;
  // The modal's own labels by language tag. The gateway serves this file with every catalog's
  // (locales/*.json "modal"); this English line is what the file holds on disk.
  var LABELS = {"en":{"close":"Close verification","title":"Verification","dir":"ltr"}};

  // The labels for the `lang` option, else the host page's <html lang>, else English; as the
  // gateway matches tags: exactly, then by language ("pt-BR" finds "pt"; "pt" finds "pt-BR").
  function labelsFor(lang) {
    var wanted = [lang, document.documentElement.lang];
    for (var i = 0; i < wanted.length; i++) {
      var tag = typeof wanted[i] === 'string' ? wanted[i].toLowerCase() : '';
      var language = tag.split('-')[0];
      var found = tag && (labelTag(function (k) { return k === tag; }) || labelTag(function (k) { return k === language; }) ||
        labelTag(function (k) { return tag === language && k.split('-')[0] === language; }));
      if (found) return LABELS[found];
    }
    return LABELS.en;
  }
  function labelTag(matches) {
    for (var k in LABELS) if (Object.prototype.hasOwnProperty.call(LABELS, k) && matches(k.toLowerCase())) return k;
    return null;
  }

  // How long the modal shows the page's Verified state before it closes and calls onFinish.
  var VERIFIED_MS = 1200;

  function loadStyles() {
    if (document.getElementById('otpgateway-css')) return;
    var link = document.createElement('link');
    link.id = 'otpgateway-css';
    link.rel = 'stylesheet';
    link.href = root + '/static/otp.css';
    (document.head || document.documentElement).appendChild(link);
  }
  loadStyles();

  function el(tag, attrs) {
    var node = document.createElement(tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) node.setAttribute(k, attrs[k]);
    return node;
  }

  // Built with DOM calls, not innerHTML, so host pages with Trusted Types keep working.
  function crossIcon() {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '20');
    svg.setAttribute('height', '20');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('fill', 'currentColor');
    path.setAttribute('d', 'M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6 6.4 5Z');
    svg.appendChild(path);
    return svg;
  }

  function open(namespace, id, onFinish, onCancel, options) {
    if (openModal) openModal.close();
    var labels = labelsFor(options && options.lang);
    var previousFocus = document.activeElement;
    var previousOverflow = document.documentElement.style.overflow;
    var ended = false;
    var verified = false;
    var token;

    var backdrop = el('div', { class: 'otpgw-backdrop' });
    var dialog = el('div', { class: 'otpgw-dialog', role: 'dialog', 'aria-modal': 'true', 'aria-label': labels.title, tabindex: '-1', dir: labels.dir });
    var close = el('button', { type: 'button', class: 'otpgw-close', 'aria-label': labels.close });
    close.appendChild(crossIcon());
    var frame = el('iframe', {
      class: 'otpgw-frame',
      title: labels.title,
      src: root + '/otp/' + encodeURIComponent(namespace) + '/' + encodeURIComponent(id) +
        '?view=popup&origin=' + encodeURIComponent(window.location.origin),
    });
    dialog.appendChild(close);
    dialog.appendChild(frame);
    backdrop.appendChild(dialog);

    function teardown() {
      ended = true;
      window.removeEventListener('message', onMessage);
      document.removeEventListener('keydown', onKey, true);
      if (backdrop.parentNode) backdrop.parentNode.removeChild(backdrop);
      document.documentElement.style.overflow = previousOverflow;
      if (openModal === handle) openModal = null;
      if (previousFocus && typeof previousFocus.focus === 'function') {
        try { previousFocus.focus(); } catch (e) { /* the element is gone */ }
      }
    }
    function cancel() {
      if (ended) return;
      // Closed while it shows Verified: the user is verified, so that is a finish, not a cancel.
      if (verified) return finish();
      teardown();
      if (typeof onCancel === 'function') onCancel();
    }
    function finish() {
      if (ended) return;
      teardown();
      if (typeof onFinish === 'function') onFinish(namespace, id, token);
    }
    function onMessage(e) {
      // Only the gateway's own page in this modal's iframe may finish or cancel it.
      if (e.origin !== gatewayOrigin || e.source !== frame.contentWindow) return;
      var d = e.data;
      if (!d || typeof d !== 'object' || d.namespace !== namespace || d.id !== id) return;
      if (d.type === 'otpgateway:cancel') cancel();
      // The gateway page is shown (not refused by frame-ancestors): let the user type into it.
      else if (d.type === 'otpgateway:ready') { if (dialog.contains(document.activeElement)) frame.focus(); }
      else if (d.type === 'otpgateway:verified') showVerified(typeof d.token === 'string' ? d.token : undefined);
      else if (d.type === 'otpgateway:height') fit(d.height);
    }
    // The page's own height: no empty space below it on a phone (otp.css caps it at the viewport; the page scrolls beyond).
    function fit(height) {
      if (typeof height !== 'number' || !(height > 0) || height > 100000) return;
      frame.style.height = Math.ceil(height) + 'px';
    }
    // The page shows its Verified state: let the user see it for a moment, then close and finish.
    function showVerified(resultToken) {
      if (verified) return;
      verified = true;
      token = resultToken;
      dialog.className += ' otpgw-verified';
      setTimeout(finish, VERIFIED_MS);
    }
    function onKey(e) {
      if (e.key === 'Escape' || e.key === 'Esc') {
        e.preventDefault();
        cancel();
      } else if (e.key === 'Tab') {
        // Keep keyboard focus inside the dialog: the close button and the iframe.
        if (e.shiftKey && document.activeElement === close) { e.preventDefault(); frame.focus(); }
        else if (!e.shiftKey && document.activeElement === frame) { e.preventDefault(); close.focus(); }
        else if (!dialog.contains(document.activeElement)) { e.preventDefault(); close.focus(); }
      }
    }

    close.addEventListener('click', cancel);
    backdrop.addEventListener('click', function (e) { if (e.target === backdrop) cancel(); });
    window.addEventListener('message', onMessage);
    document.addEventListener('keydown', onKey, true);

    document.documentElement.style.overflow = 'hidden';
    document.body.appendChild(backdrop);
    dialog.focus();

    // A modal always ends exactly once, by finish or by cancel: close() from the page (or opening
    // another modal) cancels, so onCancel runs and a promise never stays pending.
    var handle = { close: cancel };
    openModal = handle;
    return handle;
  }

  /**
   * OTPGateway(namespace, id, onFinish, onCancel, options) → {close()}.
   * onFinish(namespace, id, token): `token` is the signed result token when the gateway has
   * [signing] keys (check it on your backend), else undefined.
   * Without callbacks: a Promise that resolves {namespace, id, token} on finish and
   * rejects on cancel; the promise also has close(). close() is a cancel.
   * options.lang: the language of the modal's own labels (default: the page's <html lang>);
   * OTPGateway(namespace, id, options) is the promise form with options.
   */
  function OTPGateway(namespace, id, onFinish, onCancel, options) {
    if (onFinish && typeof onFinish === 'object') { options = onFinish; onFinish = undefined; }
    if (typeof namespace !== 'string' || typeof id !== 'string' || !namespace || !id) {
      throw new TypeError('OTPGateway(namespace, id, onFinish, onCancel): namespace and id must be non-empty strings.');
    }
    if (onFinish === undefined && onCancel === undefined && typeof Promise === 'function') {
      var handle;
      var promise = new Promise(function (resolve, reject) {
        handle = open(namespace, id,
          function (ns, otpId, token) { resolve({ namespace: namespace, id: id, token: token }); },
          function () { reject(new Error('The user closed the verification.')); }, options);
      });
      promise.close = handle.close;
      return promise;
    }
    return open(namespace, id, onFinish, onCancel, options);
  }
  OTPGateway.isOTPGateway = true;
  OTPGateway.root = root;
  window.OTPGateway = OTPGateway;
})();
