import { buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';

describe('the log provider', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({ store: 'memory' });
  });
  afterAll(() => gw.close());

  test('writes one line per message that names the provider once (its logger already carries it)', async () => {
    await gw.service.create(TENANTS.a.namespace, 'log-line-1', { provider: 'log', to: 'john@example.com', channelDescription: '', addressDescription: '', extra: {} });
    const lines = gw.logs.filter((l) => l.includes('"msg":"log provider: message"'));
    expect(lines).toHaveLength(1);
    // JSON.parse would keep only one of two equal keys: count them in the raw line.
    expect(lines[0]?.match(/"provider":/g)).toEqual(['"provider":']);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ provider: 'log', to: 'john@example.com' });
  });
});
