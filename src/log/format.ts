/** How log lines are written: JSON for collectors, pretty lines for people. */
export type LogFormat = 'json' | 'pretty';

/** The formats `--log-format` accepts. */
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

/** The format asked for, else pretty when stdout is a terminal (a person reads it) and JSON otherwise (a collector does). */
export function chooseLogFormat(requested: LogFormat | undefined, stdoutIsTerminal: boolean): LogFormat {
  return requested ?? (stdoutIsTerminal ? 'pretty' : 'json');
}

/** `json` or `pretty`, else undefined. */
export function parseLogFormat(text: string): LogFormat | undefined {
  return LOG_FORMATS.find((f) => f === text);
}
