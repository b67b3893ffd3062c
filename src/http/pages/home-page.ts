import type { RequestHandler } from 'express';
import { VERSION } from '../../version';
import { basePath } from './forms';
import type { RenderView } from './views';

/** Where the README lives for people who found a gateway by its root URL. */
const README_URL = 'https://www.npmjs.com/package/otpgateway';

/**
 * `GET /`: the product's name, version and links (HTML, or JSON for
 * `Accept: application/json`). Deliberately nothing about namespaces,
 * providers or configuration: the root URL is public.
 */
export function homePage(options: { render: RenderView; rootUrl: string; faviconUrl: string; logoUrl: string }): RequestHandler {
  const base = basePath(options.rootUrl);
  const links = [
    { rel: 'health', title: 'Health: GET /api/health', href: `${base}/api/health` },
    { rel: 'openapi', title: 'API reference: GET /api/openapi.json', href: `${base}/api/openapi.json` },
    { rel: 'readme', title: 'README', href: README_URL },
  ];
  return (req, res) => {
    if (req.accepts(['html', 'json']) === 'json') {
      res.json({ name: 'otpgateway', version: VERSION, links: Object.fromEntries(links.map((l) => [l.rel, l.href])) });
      return;
    }
    res.type('html').send(options.render('home.njk', {
      title: 'otpgateway', lang: 'en', dir: 'ltr', base, faviconUrl: options.faviconUrl, logoUrl: options.logoUrl,
      brandText: 'otpgateway', footerText: '', popup: false, product: 'otpgateway', version: VERSION, links,
    }));
  };
}
