import type { RequestHandler } from 'express';
import type { Outbox, OutboxMessage } from '../../outbox/outbox';
import { basicCredentials, secretMatcher } from '../../security/credentials';
import type { Tenant } from '../api/authenticate';
import { basePath } from './forms';
import type { RenderView } from './views';

/** How often the open page reloads itself (a meta refresh: no JavaScript needed). */
const REFRESH_SECONDS = 3;
/** Messages shown: the newest. */
const SHOWN = 100;

/** What the outbox page is built from. */
export interface OutboxPageDeps {
  outbox: Outbox;
  tenants: readonly Tenant[];
  render: RenderView;
  rootUrl: string;
  faviconUrl: string;
  logoUrl: string;
}

/** A stretch of a message body: the code is marked so the page can highlight it. */
interface BodyPart {
  text: string;
  code: boolean;
}

/**
 * `GET /outbox/<namespace>`: the namespace's outbox as a page (outbox.md),
 * behind the same Basic auth as the API (the browser asks for it), for a
 * developer to read codes as a user would read their phone.
 */
export function outboxPage(deps: OutboxPageDeps): RequestHandler {
  const matches = secretMatcher(new Map(deps.tenants.map((t) => [t.namespace, t.secret])));
  const base = basePath(deps.rootUrl);
  return async (req, res, next) => {
    try {
      const namespace = String(req.params.ns);
      const credentials = basicCredentials(req.headers.authorization);
      // The namespace of the URL must be the one that signed in: no reading another's outbox.
      if (!credentials || credentials.user !== namespace || !matches(credentials)) {
        res.status(401).set('WWW-Authenticate', 'Basic realm="otpgateway"').type('text/plain').send('Sign in with the namespace as the user and its secret as the password.\n');
        return;
      }
      const messages = await deps.outbox.list(namespace, { limit: SHOWN });
      res.type('html').send(deps.render('outbox.njk', {
        title: `Outbox · ${namespace}`,
        lang: 'en',
        dir: 'ltr',
        base,
        faviconUrl: deps.faviconUrl,
        logoUrl: deps.logoUrl,
        brandText: 'otpgateway outbox',
        footerText: 'Development, CI and load tests only: messages are kept here instead of being delivered.',
        popup: false,
        namespace,
        refreshSeconds: REFRESH_SECONDS,
        messages: messages.map((m) => ({ ...m, parts: bodyParts(m), link: `${base}/otp/${encodeURIComponent(m.namespace)}/${encodeURIComponent(m.id)}`, time: m.at.slice(11, 19) })),
      }));
    } catch (err) {
      next(err);
    }
  };
}

/** The body split around each occurrence of the code. */
export function bodyParts(message: Pick<OutboxMessage, 'body' | 'otp'>): BodyPart[] {
  if (!message.otp) return [{ text: message.body, code: false }];
  const parts: BodyPart[] = [];
  message.body.split(message.otp).forEach((text, i) => {
    if (i > 0) parts.push({ text: message.otp, code: true });
    if (text) parts.push({ text, code: false });
  });
  return parts;
}
