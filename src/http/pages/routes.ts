import express, { type ErrorRequestHandler, type RequestHandler, Router } from 'express';
import type { Logger } from '../../log/logger';
import { isValidId, MAX_CODE_LENGTH } from '../../otp/ids';
import type { OtpService } from '../../otp/service';
import { logError, toAppError } from '../classify-error';
import { PageFlow, say, type PageSettings } from './flow';
import { field } from './forms';

/** What the public page surface is built from. */
export interface PageDeps {
  service: OtpService;
  logger: Logger;
  settings: PageSettings;
  /** Run before every page load and form POST (the per-client rate limit); not before the status poll. */
  guards: readonly RequestHandler[];
}

/** The form bodies of the pages: a few short fields. */
const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });

/**
 * The public page route table (api.md "Public routes"). Handlers read the
 * form and call the core; flow.ts decides which page a state or an error calls for.
 */
export function pageRoutes(deps: PageDeps): Router {
  const flow = new PageFlow(deps.service, deps.settings, deps.logger);
  const guards = [...deps.guards];
  const router = Router();
  router.get('/otp/:ns/:id/status', statusPoll(deps)); // no guard: one request every 2 s per open page
  router.get('/otp/:ns/:id/address', ...guards, (req, res) => flow.addressPage(flow.open(req, res), 200));
  router.post('/otp/:ns/:id/address', ...guards, form, submitAddress(deps.service, flow));
  router.get('/otp/:ns/:id', ...guards, codePage(flow));
  router.post('/otp/:ns/:id', ...guards, form, submitCode(deps.service, flow));
  router.use((req, res) => flow.message(flow.bare(req, res), 'not_found', 404));
  router.use(errorPage(flow, deps.logger));
  return router;
}

/** `GET /otp/:ns/:id/status`: `{closed}` for the poll of an open code page, nothing else. */
function statusPoll(deps: PageDeps): RequestHandler {
  return async (req, res) => {
    const namespace = String(req.params.ns);
    const id = String(req.params.id);
    const found = deps.settings.namespaces.has(namespace) && isValidId(id) ? await deps.service.find({ namespace, id }) : null;
    if (found) res.json({ status: 'success', data: { closed: found.closed } });
    else res.status(404).json({ status: 'error', code: 'not_found', message: 'The OTP does not exist or has expired.' });
  };
}

/** `GET /otp/:ns/:id`; the e-mail link (`?action=check&otp=…`) never verifies on GET (mail scanners follow links): it fills the code in. */
function codePage(flow: PageFlow): RequestHandler {
  return (req, res) => {
    const link = req.query.action === 'check' ? field(req.query, 'otp').replace(/\s+/g, '') : '';
    return flow.codePage(flow.open(req, res), 200, link && link.length <= MAX_CODE_LENGTH ? { prefill: link } : {});
  };
}

/** `POST /otp/:ns/:id/address`: store the address, send the code, go on to the code page. */
function submitAddress(service: OtpService, flow: PageFlow): RequestHandler {
  return async (req, res) => {
    const p = flow.open(req, res);
    if (!p.key) return flow.message(p, 'expired', 404);
    const to = field(req.body, 'to').trim();
    if (!to) return flow.addressPage(p, 400, { error: (tr, labels) => tr.t('errors.enter_address', { label: labels.addressName }) });
    try {
      await service.setAddress(p.key, to);
      return flow.toCodePage(p);
    } catch (err) {
      return flow.reactTo(p, err, 'address', to);
    }
  };
}

/** `POST /otp/:ns/:id`: `action=check` verifies the code, `action=resend` sends it again; `cancel` and `return` are the redirect flow's. */
function submitCode(service: OtpService, flow: PageFlow): RequestHandler {
  return async (req, res) => {
    const p = flow.open(req, res);
    if (!p.key) return flow.message(p, 'expired', 404);
    const action = field(req.body, 'action') || 'check';
    const code = field(req.body, 'otp').replace(/\s+/g, '');
    try {
      if (action === 'resend') {
        const otp = await service.resend(p.key);
        return otp.closed ? flow.verified(p, otp) : flow.codePage(p, 200, { notice: say('code.sent_again') });
      }
      // The redirect flow: the user gives up; or the page's countdown ran out and asks where to go now.
      if (action === 'cancel') return flow.cancel(p);
      if (action === 'return') return flow.codePage(p, 200);
      if (action !== 'check') return flow.codePage(p, 400, { error: say('errors.unknown_action') });
      if (!code) return flow.codePage(p, 400, { error: say('errors.enter_code') });
      if (code.length > MAX_CODE_LENGTH) return flow.codePage(p, 400, { error: say('errors.code_too_long', { count: MAX_CODE_LENGTH }) });
      // skipDelete: the record stays closed so that the host backend can confirm with /api/otp/:id/status.
      const otp = await service.verify(p.key, code, { skipDelete: true });
      return flow.verified(p, otp);
    } catch (err) {
      return flow.reactTo(p, err, 'code');
    }
  };
}

/** Anything thrown on this surface (a guard's 429, the store down): the message page, never a stack trace. */
function errorPage(flow: PageFlow, logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const e = toAppError(err);
    logError(logger, { method: req.method, path: req.originalUrl, route: 'page' }, e, err);
    if (res.headersSent) return void res.end();
    if (e.retryAfter !== undefined) res.setHeader('Retry-After', String(e.retryAfter));
    return flow.message(flow.bare(req, res), e.status === 429 ? 'not_allowed' : 'error', e.status);
  };
}
