import { loadConfig } from '../../src/config/load';
import { selfSignedCert } from '../helpers/smtp-peer';
import { configDir, problemsOf, type ConfigDir } from './config-files';

const TENANT = '[auth.MyApp]\nsecret = "file-secret-of-16-chars"\n';

describe('[store.redis] topology, URL and TLS keys', () => {
  let tmp: ConfigDir;
  beforeEach(() => {
    tmp = configDir();
  });
  afterEach(() => tmp.remove());

  /** Load a config whose [store.redis] table holds `lines`, with `env` on top. */
  const load = (lines: string, env: NodeJS.ProcessEnv = {}) =>
    loadConfig({ files: [tmp.write('config.toml', `[store.redis]\n${lines}\n${TENANT}`)], env });
  const problems = (lines: string, env: NodeJS.ProcessEnv = {}): string[] => problemsOf(() => load(lines, env));

  it('defaults to one server without TLS, Cluster or Sentinel', () => {
    expect(load('').config.store.redis).toMatchObject({ url: '', tls: false, tls_ca_file: '', cluster_nodes: [], sentinels: [], sentinel_name: '' });
  });

  it('accepts a cluster, a sentinel setup, a rediss:// URL and a readable CA file', () => {
    const ca = tmp.write('ca.pem', selfSignedCert().cert);
    expect(load('cluster_nodes = ["10.0.0.1:6379", "[::1]:7000"]\ntls = true').config.store.redis).toMatchObject({ cluster_nodes: ['10.0.0.1:6379', '[::1]:7000'], tls: true });
    expect(load('sentinels = ["s1:26379", "s2:26379"]\nsentinel_name = "mymaster"\ndb = 2').config.store.redis.sentinels).toEqual(['s1:26379', 's2:26379']);
    expect(load(`url = "rediss://user:p%40ss@redis.example:6380/1"\ntls_ca_file = ${JSON.stringify(ca)}`).config.store.redis).toMatchObject({ tls_ca_file: ca });
  });

  it.each([
    ['text that is not a URL', 'not a url', /not a URL/],
    ['an http:// URL', 'http://redis.example:6379', /redis:\/\/ or rediss:\/\/ URL, got a http:\/\/ URL/],
    ['a URL whose path is not a database number', 'redis://redis.example:6379/cache', /database number 0-15/],
    ['a URL with database 16', 'redis://redis.example/16', /database number 0-15/],
  ])('refuses %s as store.redis.url, without repeating the URL (it may hold a password)', (_name, url, message) => {
    const found = problems(`url = "${url.replace('redis.example', 'user:hunter2@redis.example')}"`);
    expect(found).toEqual([expect.stringMatching(/^store\.redis\.url: /)]);
    expect(found[0]).toMatch(message);
    expect(found[0]).not.toContain('hunter2');
  });

  it('refuses a url together with cluster_nodes or sentinels, naming store.redis.url', () => {
    expect(problems('url = "redis://r:6379"\ncluster_nodes = ["a:1"]')).toEqual([expect.stringMatching(/^store\.redis\.url: a url names one server/)]);
    expect(problems('url = "redis://r:6379"\nsentinels = ["a:1"]\nsentinel_name = "m"')).toEqual([expect.stringMatching(/^store\.redis\.url: /)]);
  });

  it('refuses cluster_nodes and sentinels together', () => {
    expect(problems('cluster_nodes = ["a:1"]\nsentinels = ["b:2"]\nsentinel_name = "m"')).toEqual([
      'store.redis.sentinels: set either cluster_nodes (Redis Cluster) or sentinels (Sentinel), not both',
    ]);
  });

  it('requires sentinel_name with sentinels', () => {
    expect(problems('sentinels = ["b:26379"]')).toEqual([expect.stringMatching(/^store\.redis\.sentinel_name: expected the name of the primary/)]);
  });

  it.each([
    ['cluster_nodes', '["redis.example"]'],
    ['cluster_nodes', '["redis.example:0"]'],
    ['cluster_nodes', '["a:6379", "b:70000"]'],
    ['sentinels', '["redis://s1:26379"]'],
    ['sentinels', '[":26379"]'],
  ])('refuses %s entries that are not "host:port" (%s), listing them', (key, value) => {
    const found = problems(`${key} = ${value}${key === 'sentinels' ? '\nsentinel_name = "m"' : ''}`);
    expect(found).toEqual([expect.stringMatching(new RegExp(`^store\\.redis\\.${key}: expected "host:port" entries`))]);
  });

  it('refuses a database other than 0 on a Redis Cluster', () => {
    expect(problems('cluster_nodes = ["a:6379"]\ndb = 3')).toEqual(['store.redis.db: a Redis Cluster has only database 0: remove db or set it to 0']);
  });

  it('refuses a key_prefix with braces, which would break the hash tags', () => {
    expect(problems('key_prefix = "{otp}"')).toEqual([expect.stringMatching(/^store\.redis\.key_prefix: expected no \{ or \}/)]);
  });

  it('refuses a tls_ca_file that cannot be read or holds no certificate, naming the key', () => {
    expect(problems(`tls_ca_file = ${JSON.stringify(`${tmp.dir}/missing.pem`)}`)).toEqual([expect.stringMatching(/^store\.redis\.tls_ca_file: ".*missing\.pem": file not found/)]);
    expect(problems(`tls_ca_file = ${JSON.stringify(tmp.dir)}`)).toEqual([expect.stringMatching(/^store\.redis\.tls_ca_file: .*is a folder/)]);
    const notPem = tmp.write('key.txt', 'just text');
    expect(problems(`tls_ca_file = ${JSON.stringify(notPem)}`)).toEqual([expect.stringMatching(/^store\.redis\.tls_ca_file: .* holds no PEM certificate/)]);
  });

  it('reports every problem of the table in one start', () => {
    expect(problems('cluster_nodes = ["x"]\ndb = 1\nkey_prefix = "a{b}"\nurl = "ftp://x"').map((p) => p.split(':')[0]).sort()).toEqual([
      'store.redis.cluster_nodes', 'store.redis.db', 'store.redis.key_prefix', 'store.redis.url',
    ]);
  });

  describe('from the environment', () => {
    it('reads the URL, TLS switch and node lists (comma-separated or a TOML array)', () => {
      const redis = load('', {
        OTP_GATEWAY_STORE__REDIS__URL: 'rediss://redis.example:6380',
        OTP_GATEWAY_STORE__REDIS__TLS: 'true',
      }).config.store.redis;
      expect(redis).toMatchObject({ url: 'rediss://redis.example:6380', tls: true });
      expect(load('', { OTP_GATEWAY_STORE__REDIS__CLUSTER_NODES: '10.0.0.1:6379, 10.0.0.2:6379' }).config.store.redis.cluster_nodes).toEqual(['10.0.0.1:6379', '10.0.0.2:6379']);
      const sentinel = load('', { OTP_GATEWAY_STORE__REDIS__SENTINELS: '["s1:26379","s2:26379"]', OTP_GATEWAY_STORE__REDIS__SENTINEL_NAME: 'mymaster' }).config.store.redis;
      expect(sentinel).toMatchObject({ sentinels: ['s1:26379', 's2:26379'], sentinel_name: 'mymaster' });
    });

    it('names the variable behind a bad value', () => {
      expect(problems('', { OTP_GATEWAY_STORE__REDIS__URL: 'http://redis.example' })).toEqual([
        expect.stringMatching(/^store\.redis\.url: .*\(set by the environment variable OTP_GATEWAY_STORE__REDIS__URL\)$/),
      ]);
      expect(problems('', { OTP_GATEWAY_STORE__REDIS__CLUSTER_NODES: 'a:1,b' })).toEqual([
        expect.stringMatching(/^store\.redis\.cluster_nodes: expected "host:port" entries .*\["b"\] \(set by the environment variable OTP_GATEWAY_STORE__REDIS__CLUSTER_NODES\)$/),
      ]);
    });
  });
});
