import type { TomlError } from 'smol-toml';

/**
 * A TOML syntax error as one sentence with its line and column, saying what is
 * wrong in words a config editor recognises. smol-toml reports a string whose
 * closing quote is missing as "control characters are not allowed in strings"
 * at the end of the line; here it is the string that is not closed, pointed at
 * where it starts.
 */
export function describeTomlError(err: TomlError, text: string): string {
  const reason = err.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') ?? err.message;
  const line = text.split(/\r?\n/)[err.line - 1] ?? '';
  const at = (column: number): string => `not valid TOML at line ${err.line}, column ${column}`;
  if (reason === 'unfinished string') {
    return `${at(err.column)}: the string that starts here is not closed: the file ends before its closing quote`;
  }
  if (reason.startsWith('control characters are not allowed')) {
    const offending = line.charAt(err.column - 1);
    if (offending === '') {
      // The end of the line: the string was never closed. Its opening quote is the last quote before the line end.
      const start = Math.max(line.lastIndexOf('"', err.column - 2), line.lastIndexOf("'", err.column - 2));
      const quote = start >= 0 ? line.charAt(start) : '"';
      return `${at(start >= 0 ? start + 1 : err.column)}: the string that starts here is not closed: the line ends before its closing ${quote} ` +
        `(a ${quote}…${quote} string ends on its own line; use ${quote.repeat(3)}…${quote.repeat(3)} for text over several lines)`;
    }
    const hex = offending.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return `${at(err.column)}: the control character U+${hex} is not allowed in a string; write it as the escape \\u${hex}`;
  }
  return `${at(err.column)}: ${reason}`;
}
