/**
 * The Node.js runtime this process runs on, described for `--version` and the
 * startup log line: its version, whether it is an LTS release and until when
 * that line gets security fixes (https://github.com/nodejs/release#release-schedule).
 */

/** End of life of the LTS lines the gateway has been tested on or may meet (major → last day of support). */
const LTS_END_OF_LIFE: Readonly<Partial<Record<number, string>>> = {
  20: '2026-04-30',
  22: '2027-04-30',
  24: '2028-04-30',
  26: '2029-04-30',
};

/** What is known about a Node.js release. */
export interface RuntimeInfo {
  /** `v24.22.3` */
  version: string;
  /** The LTS codename (`Krypton`), undefined for a Current (non-LTS) release. */
  lts: string | undefined;
  /** The last day of support of its LTS line (YYYY-MM-DD), when known. */
  endOfLife: string | undefined;
  /** An LTS release whose line is still supported on `today`. */
  supported: boolean;
}

/** A Node.js release: its version and LTS codename (none for a Current release). */
export interface NodeRelease {
  version: string;
  lts: string | undefined;
}

/** Describe a release (by default the running one) as of `today`. */
export function runtimeInfo(
  release: NodeRelease = { version: process.version, lts: process.release.lts },
  today: Date = new Date(),
): RuntimeInfo {
  const { version, lts } = release;
  const major = Number(/^v?(\d+)/.exec(version)?.[1]);
  const endOfLife = lts ? LTS_END_OF_LIFE[major] : undefined;
  // An LTS line newer than this table is supported; a known one until its end-of-life day (inclusive).
  const supported = lts !== undefined && (endOfLife === undefined || today.toISOString().slice(0, 10) <= endOfLife);
  return { version, lts, endOfLife, supported };
}

/** One line for people: `Node.js v24.22.3 (LTS "Krypton", supported until 2028-04-30)`. */
export function describeRuntime(info: RuntimeInfo = runtimeInfo()): string {
  let status: string;
  if (!info.lts) status = 'a Current release, not LTS: use an LTS release in production';
  else if (!info.supported) status = `LTS "${info.lts}", END OF LIFE since ${info.endOfLife ?? '?'}: no more security fixes, upgrade`;
  else status = `LTS "${info.lts}"${info.endOfLife ? `, supported until ${info.endOfLife}` : ''}`;
  return `Node.js ${info.version} (${status})`;
}
