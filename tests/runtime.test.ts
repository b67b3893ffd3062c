import { describeRuntime, runtimeInfo } from '../src/runtime';

describe('the Node.js runtime description', () => {
  const today = new Date('2026-12-02T00:00:00Z');

  it('calls an LTS release supported until the end of life of its line', () => {
    const info = runtimeInfo({ version: 'v24.22.3', lts: 'Krypton' }, today);
    expect(info).toEqual({ version: 'v24.22.3', lts: 'Krypton', endOfLife: '2028-04-30', supported: true });
    expect(describeRuntime(info)).toBe('Node.js v24.22.3 (LTS "Krypton", supported until 2028-04-30)');
  });

  it('calls an LTS release past the end of life of its line unsupported, and says so loudly', () => {
    const info = runtimeInfo({ version: 'v20.20.2', lts: 'Iron' }, today);
    expect(info.supported).toBe(false);
    expect(describeRuntime(info)).toBe('Node.js v20.20.2 (LTS "Iron", END OF LIFE since 2026-04-30: no more security fixes, upgrade)');
  });

  it('calls a Current release unsupported, and an LTS line newer than its table supported', () => {
    expect(runtimeInfo({ version: 'v26.12.1', lts: undefined }, today).supported).toBe(false);
    expect(describeRuntime(runtimeInfo({ version: 'v26.12.1', lts: undefined }, today))).toMatch(/^Node\.js v26\.12\.1 \(a Current release, not LTS/);
    expect(runtimeInfo({ version: 'v30.1.0', lts: 'Zeta' }, today)).toMatchObject({ supported: true, endOfLife: undefined });
  });

  it('counts the end-of-life day itself as supported', () => {
    expect(runtimeInfo({ version: 'v24.0.0', lts: 'Krypton' }, new Date('2028-04-30T23:00:00Z')).supported).toBe(true);
    expect(runtimeInfo({ version: 'v24.0.0', lts: 'Krypton' }, new Date('2028-05-01T00:00:00Z')).supported).toBe(false);
  });
});
