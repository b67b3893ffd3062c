/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser: the DOM types describe them.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { basic, buildTestGateway, type RawConfig, type TestGateway } from '../helpers/gateway';
import { freePort } from '../helpers/redis-server';

/** The namespace the example host app uses in these tests. */
export const HOST_TENANT = { namespace: 'shop', secret: 'shop-secret-for-tests' } as const;

/**
 * Chromium flags from stack-notes.md: no sandbox in containers, no background traffic. Also no site
 * isolation: the modal's cross-origin frame then runs in the host page's process, as it does on Android
 * Chrome. In its own process, on a loaded 2-core machine, Chromium's routing of input across processes
 * lost events: a click on the frame's Verify button reached nothing in 8 of 120 tries (0 of 120 in
 * process), and a key-up sent into a frame being removed went unanswered (a CI run and a clean-clone
 * run timed out there).
 * The pages' scripts and the postMessage origin checks are the same either way.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-site-isolation-trials', '--disable-features=IsolateOrigins,site-per-process',
];

/** Debian's Chromium, headless, with the flags above. */
export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });

/** A gateway on http://localhost:P, the example host app on http://127.0.0.1:Q (another origin), one Chromium. */
export interface E2E {
  gw: TestGateway;
  gatewayUrl: string;
  hostUrl: string;
  browser: Browser;
  /** A fresh browser context that records every URL it requests. */
  newPage(options?: { javaScriptEnabled?: boolean; width?: number; height?: number }): Promise<{ page: Page; context: BrowserContext; requests: string[]; consoleErrors: string[] }>;
  /** The last code the `log` provider "sent" for this id (read from the gateway log). */
  codeFor(id: string): string;
  /** Create an OTP through the API as the host app's namespace (or `tenant`); returns the code. */
  create(id: string, fields: Record<string, string>, tenant?: { namespace: string; secret: string }): Promise<string>;
  /** POST /api/otp/:id/status as the host backend would: the HTTP status. */
  apiStatus(id: string): Promise<number>;
  close(): Promise<void>;
}

/** Start everything a browser test needs. */
export async function startE2E(options: { config?: (urls: { hostUrl: string }) => RawConfig } = {}): Promise<E2E> {
  const port = await freePort();
  const gatewayUrl = `http://localhost:${port}`;
  const hostPort = await freePort();
  const hostUrl = `http://127.0.0.1:${hostPort}`;
  const extra = options.config?.({ hostUrl }) ?? {};
  const gw = await buildTestGateway({
    store: 'memory',
    config: {
      ...extra,
      app: { root_url: gatewayUrl, ...extra.app },
      auth: { Shop: { ...HOST_TENANT }, ...extra.auth },
      // Browser tests load many pages from one address: the limits have their own tests.
      rate_limit: { pages_per_ip: 0, sends_per_address: 0, ...extra.rate_limit },
    },
  });
  const server: Server = await new Promise((resolve) => {
    const s = createServer(gw.app).listen(port, '127.0.0.1', () => resolve(s));
  });
  const child = await startHostApp({
    OTPGW_URL: gatewayUrl,
    OTPGW_NAMESPACE: HOST_TENANT.namespace,
    OTPGW_SECRET: HOST_TENANT.secret,
    OTPGW_PROVIDER: 'log',
    PORT: String(hostPort),
  });
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];

  const api = async (method: string, apiPath: string, body?: Record<string, string>, tenant: { namespace: string; secret: string } = HOST_TENANT): Promise<Response> =>
    fetch(`${gatewayUrl}/api${apiPath}`, {
      method,
      headers: { Authorization: basic(tenant), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: body ? new URLSearchParams(body).toString() : undefined,
    });

  return {
    gw,
    gatewayUrl,
    hostUrl,
    browser,
    async newPage(opts = {}) {
      const context = await browser.newContext({
        javaScriptEnabled: opts.javaScriptEnabled ?? true,
        viewport: { width: opts.width ?? 1024, height: opts.height ?? 720 },
      });
      context.setDefaultTimeout(30_000);
      contexts.push(context);
      const requests: string[] = [];
      const consoleErrors: string[] = [];
      context.on('request', (r) => requests.push(r.url()));
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      return { page, context, requests, consoleErrors };
    },
    codeFor(id) {
      const marker = `/${id}?action=check&otp=`;
      for (let i = gw.logs.length - 1; i >= 0; i--) {
        const line = gw.logs[i] as string;
        const at = line.indexOf(marker);
        if (at >= 0) return /^\w+/.exec(line.slice(at + marker.length))?.[0] ?? '';
      }
      throw new Error(`no code was sent for ${id}`);
    },
    async create(id, fields, tenant) {
      const res = await api('PUT', `/otp/${id}`, { provider: 'log', ...fields }, tenant);
      const body = (await res.json()) as { data?: { otp?: string }; message?: string };
      if (res.status !== 200 || !body.data?.otp) throw new Error(`create ${id}: ${res.status} ${body.message ?? ''}`);
      return body.data.otp;
    },
    async apiStatus(id) {
      return (await api('POST', `/otp/${id}/status`)).status;
    },
    async close() {
      await Promise.allSettled(contexts.map((c) => c.close()));
      await browser.close();
      child.kill('SIGTERM');
      await new Promise((r) => server.close(r));
      await gw.close();
    },
  };
}

/** Run examples/host-app/server.js exactly as a user would, configured by its environment variables. */
async function startHostApp(env: Record<string, string>): Promise<ChildProcess> {
  const script = path.join(__dirname, '..', '..', 'examples', 'host-app', 'server.js');
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env, HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`host app did not start: ${out}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`host app exited (${code}): ${out}`)));
  });
  return child;
}

/** Origins of every request that was not to one of `allowed`. */
export function foreignRequests(requests: string[], allowed: string[]): string[] {
  return requests.filter((u) => !u.startsWith('data:') && !allowed.includes(new URL(u).origin));
}

/** True when the page scrolls horizontally. */
export async function scrollsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

/** A guess that is certainly wrong. */
export function wrongCode(code: string): string {
  return code === '000000' ? '111111' : '000000';
}
