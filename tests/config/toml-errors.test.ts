import { loadConfig } from '../../src/config/load';
import { configDir, problemsOf, type ConfigDir } from './config-files';

describe('a config file that is not valid TOML', () => {
  let tmp: ConfigDir;
  beforeEach(() => (tmp = configDir()));
  afterEach(() => tmp.remove());
  const problems = (text: string): string[] => problemsOf(() => loadConfig({ files: [tmp.write('c.toml', text)], env: {}, cwd: tmp.dir }));

  test('with an unterminated string points at where the string starts and says its closing quote is missing', () => {
    expect(problems('[app]\nroot_url = "http://gw.example\notp_ttl = 30\n')).toEqual([
      'c.toml: not valid TOML at line 2, column 12: the string that starts here is not closed: the line ends before its closing " ' +
        '(a "…" string ends on its own line; use """…""" for text over several lines)',
    ]);
    expect(problems("[app]\nsecret_key = 'abc\n")[0]).toMatch(/^c\.toml: not valid TOML at line 2, column 14: the string that starts here is not closed: the line ends before its closing '/);
    expect(problems('trusted_proxies = ["10.0.0.1", "10.0.0.2]\n')[0]).toMatch(/at line 1, column 32: the string that starts here is not closed/);
  });

  test('with a string still open at the end of the file says so', () => {
    expect(problems('[app]\nroot_url = "http://gw.example')).toEqual([
      'c.toml: not valid TOML at line 2, column 12: the string that starts here is not closed: the file ends before its closing quote',
    ]);
  });

  test('with a control character inside a string names the character and its escape', () => {
    expect(problems('[app]\nsecret_key = "ab\u0001cd"\n')).toEqual([
      'c.toml: not valid TOML at line 2, column 17: the control character U+0001 is not allowed in a string; write it as the escape \\u0001',
    ]);
  });

  test('with any other syntax error keeps the parser\'s reason with the line and column', () => {
    expect(problems('[app]\notp_ttl = = 30\n')).toEqual(['c.toml: not valid TOML at line 2, column 11: invalid value']);
  });
});
