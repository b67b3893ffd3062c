import { loadConfig, validate } from '../../src/config/load';
import { problemsOf } from './config-files';

describe('the language keys', () => {
  it('default to English for the app and to none for a namespace, canonicalised when set', () => {
    expect(validate({ auth: { a: { secret: 'a-secret-of-16-chars' } } }).config).toMatchObject({ app: { default_language: 'en' }, auth: { a: { default_language: '' } } });
    const { config } = validate({ app: { default_language: 'pt-br' }, auth: { a: { secret: 'a-secret-of-16-chars', default_language: 'HI' } } });
    expect([config.app.default_language, config.auth.a?.default_language]).toEqual(['pt-BR', 'hi']);
  });

  it('stop the start naming the key when a value is not a language tag', () => {
    const problems = problemsOf(() => loadConfig({ files: [], env: { OTP_GATEWAY_APP__DEFAULT_LANGUAGE: 'en_US', OTP_GATEWAY_AUTH__SHOP__SECRET: 'a-secret-of-16-chars', OTP_GATEWAY_AUTH__SHOP__DEFAULT_LANGUAGE: 'de_DE' } }));
    expect(problems.sort()).toEqual([
      'app.default_language: expected a language tag such as "de" or "pt-BR", got "en_US" (set by the environment variable OTP_GATEWAY_APP__DEFAULT_LANGUAGE)',
      'auth.shop.default_language: expected a language tag such as "de" or "pt-BR" (or "" for none), got "de_DE" (set by the environment variable OTP_GATEWAY_AUTH__SHOP__DEFAULT_LANGUAGE)',
    ]);
  });
});
