// The host page: ask our backend to start a verification, open the gateway's
// modal, and on finish let our backend confirm it with the gateway.
(function () {
  'use strict';
  var result = document.getElementById('result');
  // What happened, for people reading the page and for the browser tests.
  window.hostEvents = [];

  function post(url, data) {
    return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(data) })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); });
  }

  document.getElementById('signup').addEventListener('submit', function (e) {
    e.preventDefault();
    result.textContent = 'Starting verification…';
    post('/verify/start', { email: document.getElementById('email').value }).then(function (started) {
      if (!started.ok) { result.textContent = started.body.error; return; }
      var ns = started.body.namespace;
      var id = started.body.id;
      window.currentVerification = { namespace: ns, id: id };
      result.textContent = '';
      OTPGateway(ns, id,
        function (finishedNs, finishedId) {
          window.hostEvents.push('finish');
          result.textContent = 'Checking…';
          // The callback proves nothing: our backend asks the gateway.
          post('/verify/finish', { id: finishedId }).then(function (confirmed) {
            window.hostEvents.push(confirmed.body.verified ? 'confirmed' : 'rejected');
            result.textContent = confirmed.body.verified ? 'Verified: ' + confirmed.body.to : 'Not verified: ' + confirmed.body.error;
          });
        },
        function () {
          window.hostEvents.push('cancel');
          result.textContent = 'Verification cancelled.';
        });
    }).catch(function () { result.textContent = 'Could not reach the server.'; });
  });
})();
