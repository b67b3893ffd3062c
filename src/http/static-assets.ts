import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { isSingleExecutable, readPackagedBytes } from '../assets';
import { modalScript } from './modal-script';
import { STATIC_DIR } from './pages/views';
import { assetHeaders } from '../security/headers';

/** The asset surface, /static: only scripts, styles and images, readable by host pages on any origin. */
export function staticAssets(): Router {
  const router = Router();
  router.use(assetHeaders);
  router.use((req, res, next) => {
    if (!/^\/[A-Za-z0-9_-]+\.(js|css|svg|png|ico)$/.test(req.path)) return void res.status(404).type('text').send('Not found.');
    next();
  });
  // otp.js carries the modal's labels of every catalog, filled in once here (modal-script.ts).
  router.get('/otp.js', sendFile(preparedFile(Buffer.from(modalScript())), 'otp.js', new Date().toUTCString()));
  router.use(staticFiles());
  router.use((_req, res) => void res.status(404).type('text').send('Not found.'));
  return router;
}

/**
 * The files of /static: express.static over static/ on disk; in the single
 * executable, the packaged static/ with the same headers (type, one-hour
 * cache, ETag, conditional GET), since there is no folder to serve from.
 * The caller has already checked that the path is one flat file name.
 */
function staticFiles(): RequestHandler {
  if (!isSingleExecutable()) return express.static(STATIC_DIR, { index: false, fallthrough: true, maxAge: '1h', etag: true });
  // The executable's own modification time stands for "when these files were packaged".
  const packagedAt = new Date(Math.floor(statSync(process.execPath).mtimeMs / 1000) * 1000).toUTCString();
  // Only hits are kept (bounded by what was packaged); remembering misses would let requests grow the map.
  const files = new Map<string, PackagedFile>();
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const name = req.path.slice(1);
    const file = files.get(name) ?? packagedFile(`static/${name}`);
    if (!file) return next();
    files.set(name, file);
    sendFile(file, name, packagedAt)(req, res, next);
  };
}

/** Answer with a file held in memory: its type, a one-hour cache, Last-Modified and its ETag. */
function sendFile(file: PackagedFile, name: string, lastModified: string): RequestHandler {
  return (_req, res) => {
    res.type(path.extname(name));
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.setHeader('Last-Modified', lastModified);
    res.setHeader('ETag', file.etag);
    // res.send answers 304 when If-None-Match matches the ETag (req.fresh), and no body to HEAD.
    res.send(file.bytes);
  };
}

/** A packaged static file with its ETag, computed once. */
interface PackagedFile {
  bytes: Buffer;
  etag: string;
}

function packagedFile(key: string): PackagedFile | null {
  const bytes = readPackagedBytes(key);
  return bytes ? preparedFile(bytes) : null;
}

function preparedFile(bytes: Buffer): PackagedFile {
  const digest = createHash('sha1').update(bytes).digest('base64').slice(0, 27);
  return { bytes, etag: `"${bytes.length.toString(16)}-${digest}"` };
}
