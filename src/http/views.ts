import path from 'node:path';
import nunjucks from 'nunjucks';
import { PACKAGE_ROOT } from '../paths';

/** Where the page templates live (views/ at the package root). */
export const VIEWS_DIR = path.join(PACKAGE_ROOT, 'views');

/** Where the public assets live (static/ at the package root). */
export const STATIC_DIR = path.join(PACKAGE_ROOT, 'static');

/** Renders a page template with its model. */
export type RenderView = (name: string, model: object) => string;

/**
 * The nunjucks environment of the pages. Autoescape is on: every value a
 * caller or user supplied (descriptions, addresses, codes in URLs) is
 * HTML-escaped; templates never use `| safe` on such values.
 */
export function createViewRenderer(options: { dir?: string } = {}): RenderView {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(options.dir ?? VIEWS_DIR, { noCache: false }), {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  return (name, model) => env.render(name, model);
}
