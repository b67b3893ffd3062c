import path from 'node:path';
import nunjucks from 'nunjucks';
import { isSingleExecutable, readPackagedText } from '../../assets';
import { PACKAGE_ROOT } from '../../paths';

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
  const env = new nunjucks.Environment(viewLoader(options.dir), {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  return (name, model) => env.render(name, model);
}

/** views/ on disk, or the executable's packaged views/ (the single executable has no folder to read). */
function viewLoader(dir: string | undefined): nunjucks.ILoader {
  if (dir !== undefined || !isSingleExecutable()) return new nunjucks.FileSystemLoader(dir ?? VIEWS_DIR, { noCache: false });
  return {
    getSource(name: string): nunjucks.LoaderSource {
      const key = `views/${name}`;
      const src = readPackagedText(key);
      // null (not a throw) lets nunjucks report "template not found: NAME" as it does on disk.
      return (src === undefined ? null : { src, path: key, noCache: false }) as nunjucks.LoaderSource;
    },
  };
}
