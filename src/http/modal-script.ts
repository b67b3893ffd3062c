import { requirePackagedText } from '../assets';
import { shippedLanguages } from '../i18n/languages';

/** The line of static/otp.js that holds the modal's labels (English only on disk). */
const LABELS_LINE = /^( *var LABELS = ).*;$/m;

/**
 * static/otp.js as the gateway serves it: its LABELS line filled with the
 * modal's labels (close button, dialog title, direction) from every catalog,
 * so the modal speaks the host page's language with no second request.
 */
export function modalScript(): string {
  const source = requirePackagedText('static/otp.js');
  if (!LABELS_LINE.test(source)) throw new Error('static/otp.js has no "var LABELS = …;" line for the modal labels');
  const languages = shippedLanguages();
  const labels = Object.fromEntries(languages.tags.map((tag) => {
    const tr = languages.translator(tag);
    return [tag, { close: tr.t('modal.close'), title: tr.t('modal.title'), dir: tr.dir }];
  }));
  return source.replace(LABELS_LINE, (_line, start: string) => `${start}${JSON.stringify(labels)};`);
}
