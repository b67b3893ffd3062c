import type { ChildProcess } from 'node:child_process';

/** Resolve once the gateway child answers `GET /api/health` with 200; reject when it exits or after 15 s. */
export async function waitForHealth(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with code ${child.exitCode}`);
    const ok = await fetch(`${base}/api/health`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error('the gateway did not become healthy');
    await new Promise((r) => setTimeout(r, 50));
  }
}
