import type { Response } from 'express';

/** Answer `{"status":"success","data":…}` (api.md envelope). */
export function sendData(res: Response, data: unknown, status = 200): void {
  res.status(status).json({ status: 'success', data });
}

/** Answer `{"status":"error","message":…,"data"?:…}`. */
export function sendError(res: Response, status: number, message: string, data?: unknown): void {
  res.status(status).json(data === undefined ? { status: 'error', message } : { status: 'error', message, data });
}
