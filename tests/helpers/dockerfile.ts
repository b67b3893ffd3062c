import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A reader for the project's Dockerfile, so that tests run exactly what the
 * image runs (its COPY sources, ENV, ENTRYPOINT + CMD, HEALTHCHECK) without a
 * Docker engine. It understands the plain forms the Dockerfile uses and fails
 * loudly on anything else, so a new instruction cannot be silently skipped.
 */

/** The project's Dockerfile and .dockerignore. */
export const DOCKERFILE = path.join(__dirname, '..', '..', 'Dockerfile');
export const DOCKERIGNORE = path.join(__dirname, '..', '..', '.dockerignore');

/** One instruction: its keyword (upper case) and the rest of its (joined) line. */
export interface Instruction {
  op: string;
  args: string;
}

/** One build stage: `FROM image [AS name]` and what follows it. */
export interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** A COPY instruction: optional `--from` stage, sources, destination. */
export interface Copy {
  from: string | undefined;
  sources: string[];
  dest: string;
}

/** Parse a Dockerfile into stages (comments dropped, `\` continuations joined). */
export function parseDockerfile(text: string = readFileSync(DOCKERFILE, 'utf8')): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? '';
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${(lines[++i] ?? '').trim()}`;
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile: cannot read the line ${JSON.stringify(line)}`);
    const op = (m[1] as string).toUpperCase();
    const args = (m[2] as string).trim();
    if (op === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`Dockerfile: cannot read FROM ${args}`);
      stages.push({ image: from[1] as string, name: from[2], instructions: [] });
    } else {
      const stage = stages[stages.length - 1];
      if (!stage) throw new Error(`Dockerfile: ${op} before any FROM`);
      stage.instructions.push({ op, args });
    }
  }
  return stages;
}

/** The stage called `name`, or the last (runtime) stage when `name` is omitted. */
export function stageOf(stages: Stage[], name?: string): Stage {
  const stage = name === undefined ? stages[stages.length - 1] : stages.find((s) => s.name === name);
  if (!stage) throw new Error(`Dockerfile: no stage ${name ?? '(last)'}`);
  return stage;
}

/** The instructions of one kind in a stage. */
export function instructions(stage: Stage, op: string): string[] {
  return stage.instructions.filter((i) => i.op === op).map((i) => i.args);
}

/** A JSON-form (exec form) argument list: `["node", "x.js"]`. Shell forms are refused. */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`Dockerfile: expected the exec form ["…"], got ${args}`);
  return parsed;
}

/** The stage's environment: every `ENV K=V …` in order (values without quotes or spaces). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of instructions(stage, 'ENV')) {
    for (const pair of args.split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq < 1 || /["'$]/.test(pair)) throw new Error(`Dockerfile: expected ENV KEY=value pairs without quotes, got ${JSON.stringify(pair)}`);
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return env;
}

/** The stage's working directory (its last WORKDIR; `/` without one). */
export function workdirOf(stage: Stage): string {
  return instructions(stage, 'WORKDIR').pop() ?? '/';
}

/** The stage's COPY instructions. */
export function copiesOf(stage: Stage): Copy[] {
  return instructions(stage, 'COPY').map((args) => {
    const words = args.split(/\s+/);
    let from: string | undefined;
    while (words[0]?.startsWith('--')) {
      const flag = words.shift() as string;
      if (!flag.startsWith('--from=')) throw new Error(`Dockerfile: unsupported COPY flag ${flag}`);
      from = flag.slice('--from='.length);
    }
    const dest = words.pop();
    if (!dest || words.length === 0) throw new Error(`Dockerfile: COPY needs sources and a destination: ${args}`);
    return { from, sources: words, dest };
  });
}

/** What a container of the stage runs: ENTRYPOINT followed by CMD. */
export function commandOf(stage: Stage): string[] {
  const entrypoint = instructions(stage, 'ENTRYPOINT').pop();
  const cmd = instructions(stage, 'CMD').pop();
  return [...(entrypoint ? execForm(entrypoint) : []), ...(cmd ? execForm(cmd) : [])];
}

/** The HEALTHCHECK's command (`HEALTHCHECK [--options] CMD [...]`). */
export function healthcheckOf(stage: Stage): string[] {
  const args = instructions(stage, 'HEALTHCHECK').pop();
  const m = args ? /\bCMD\s+(\[.*\])\s*$/.exec(args) : null;
  if (!m) throw new Error('Dockerfile: expected HEALTHCHECK … CMD ["…"] in the stage');
  return execForm(m[1] as string);
}

/** The paths a `.dockerignore` allowlist (`*` then `!path` lines) lets into the build context. */
export function contextAllowlist(text: string = readFileSync(DOCKERIGNORE, 'utf8')): string[] {
  const patterns = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (patterns[0] !== '*') throw new Error('.dockerignore: expected an allowlist starting with "*"');
  const rest = patterns.slice(1);
  const bad = rest.filter((p) => !p.startsWith('!'));
  if (bad.length > 0) throw new Error(`.dockerignore: expected only "!path" lines after "*", got ${bad.join(', ')}`);
  return rest.map((p) => p.slice(1).replace(/\/+$/, ''));
}

/** Whether a context path (e.g. `docker/config.toml`) is inside the allowlist. */
export function inContext(allowlist: string[], source: string): boolean {
  const normal = path.posix.normalize(source).replace(/^\.\//, '').replace(/\/+$/, '');
  return allowlist.some((allowed) => normal === allowed || normal.startsWith(`${allowed}/`));
}
