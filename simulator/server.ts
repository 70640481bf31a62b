import type { IncomingMessage, ServerResponse } from 'node:http';

import { API_ROUTES, type ApiRoute } from './api/routes';
import { RateLimitedError, type ApiCall } from './api/call';
import type { SimulatorContext } from './context';
import { handleControl } from './control';
import { serveDownload } from './download';
import { KoError } from './errors';
import { applyFault } from './faults-http';
import { bearerKey, BodyTooLargeError, readSmallBody, sendJson, sendNotFound } from './http-util';
import { INVENTED, REAL } from './messages';
import { serveSharedFolder } from './shared-folders';
import type { RequestLogEntry } from './types';
import { handleEndPl, handleUploadCgi } from './upload';

const API_PREFIX = '/v1/';
const CONTROL_PREFIX = '/__simulator/';
const MAX_API_BODY = 1024 * 1024;

/** The one request listener: control calls, API calls and the node's byte transfers. */
export function createRequestListener(ctx: SimulatorContext, log?: (entry: RequestLogEntry) => void) {
	return (req: IncomingMessage, res: ServerResponse): void => {
		const url = new URL(req.url ?? '/', 'http://simulator.invalid');
		const path = url.pathname;
		if (path.startsWith(CONTROL_PREFIX)) {
			void handleControl(req, res, ctx, path.slice(CONTROL_PREFIX.length)).catch((error) => failRequest(res, error));
			return;
		}
		const started = Date.now();
		if (log) {
			const kind = path.startsWith(API_PREFIX) ? 'api' : isNodePath(path) ? 'node' : 'other';
			res.on('finish', () => log({ kind, method: req.method ?? '?', path, status: res.statusCode, ms: Date.now() - started }));
		}
		void route(req, res, ctx, url).catch((error) => failRequest(res, error));
	};
}

function isNodePath(path: string): boolean {
	return path === '/upload.cgi' || path === '/end.pl' || path.startsWith('/dl/');
}

/** Last resort: a bug or a broken connection must not kill the simulator. */
function failRequest(res: ServerResponse, error: unknown): void {
	if (res.headersSent || res.destroyed) {
		res.destroy();
		return;
	}
	sendJson(res, 500, { status: 'KO', message: `Simulator internal error: ${error instanceof Error ? error.message : String(error)} #999` });
}

/** Byte transfers are counted apart, so a test can tell "nothing was uploaded" from the stats. */
function countTransfer(ctx: SimulatorContext, req: IncomingMessage, path: string): void {
	if (path === '/upload.cgi' || path === '/end.pl') ctx.stats.countTransfer(path.slice(1));
	else if (path.startsWith('/dl/') && req.method === 'GET') ctx.stats.countTransfer('download');
}

async function route(req: IncomingMessage, res: ServerResponse, ctx: SimulatorContext, url: URL): Promise<void> {
	const path = url.pathname;
	const isApi = path.startsWith(API_PREFIX);
	const endpoint = path.slice(API_PREFIX.length);
	// Byte transfers (upload.cgi, end.pl, /dl/) are not API calls: not counted, not paced (§3).
	if (isApi) ctx.stats.countRequest(endpoint);
	else countTransfer(ctx, req, path);
	const fault = ctx.faults.take(path);
	if (fault) {
		const key = bearerKey(req);
		const lockKey = () => {
			ctx.stats.countRefusal(ctx.now(), endpoint, 'fault: flood');
			if (key && ctx.keys.has(key)) ctx.limiter.lock(key);
		};
		if ((await applyFault(fault, req, res, path, { lockKey, stalls: ctx.stalls })) === 'answered') return;
	}
	if (isApi) return handleApi(req, res, ctx, endpoint);
	if (path === '/upload.cgi') return handleUploadCgi(req, res, ctx, url.searchParams, fault);
	if (path === '/end.pl') return handleEndPl(req, res, ctx, url.searchParams, fault);
	if (path.startsWith('/dl/') && (req.method === 'GET' || req.method === 'HEAD')) return serveDownload(req, res, ctx, path.slice(4), fault);
	if (path.startsWith('/dir/')) return serveSharedFolder(req, res, ctx, `${ctx.publicUrl()}${path}`, url.searchParams);
	sendNotFound(res);
}

function sendKo(res: ServerResponse, status: number, message: string): void {
	sendJson(res, status, { status: 'KO', message });
}

/** Order of checks: known path (else 404, §6) → Bearer key (401) → pacing (403) → verb → body → handler. */
async function handleApi(req: IncomingMessage, res: ServerResponse, ctx: SimulatorContext, endpoint: string): Promise<void> {
	const route = API_ROUTES[endpoint];
	if (!route) return sendNotFound(res);
	const key = bearerKey(req);
	const knownKey = key !== undefined && ctx.keys.has(key);
	if (!knownKey && !(route.keyOptional && key === undefined)) return sendKo(res, 401, REAL.notAuthenticated);
	if (knownKey) {
		const refusal = ctx.limiter.checkGeneral(key);
		if (refusal) {
			ctx.stats.countRefusal(ctx.now(), endpoint, refusal.reason);
			return sendKo(res, 403, refusal.message);
		}
	}
	// The real API's answer to a wrong verb is unknown (§7 question 2): a KO keeps clients honest.
	if (req.method !== 'POST' && !(route.allowsGet && req.method === 'GET')) return sendKo(res, 200, INVENTED.methodNotAllowed);
	let body: Record<string, unknown>;
	try {
		body = await readJsonBody(req);
	} catch (error) {
		if (error instanceof KoError) return sendKo(res, error.httpStatus, error.message);
		throw error;
	}
	const call: ApiCall = { ctx, body, key: knownKey ? key : undefined, ip: req.socket.remoteAddress ?? '', method: req.method };
	await answerCall(res, route, call, endpoint);
}

async function answerCall(res: ServerResponse, route: ApiRoute, call: ApiCall, endpoint: string): Promise<void> {
	const pretty = call.body.pretty === 1 || call.body.pretty === '1' || call.body.pretty === true;
	try {
		sendJson(res, 200, await route.handler(call), pretty);
	} catch (error) {
		if (error instanceof RateLimitedError) call.ctx.stats.countRefusal(call.ctx.now(), endpoint, error.refusal.reason);
		if (error instanceof KoError) return sendKo(res, error.httpStatus, error.message);
		throw error;
	}
}

/** Empty body = `{}` (rclone sends none to user/info, §1 "Body"); anything else must be a JSON object. */
async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
	let raw: Buffer;
	try {
		raw = await readSmallBody(req, MAX_API_BODY);
	} catch (error) {
		if (error instanceof BodyTooLargeError) throw new KoError(INVENTED.bodyTooLarge, 413);
		throw error;
	}
	const text = raw.toString('utf8').trim();
	if (text === '') return {};
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new KoError(INVENTED.invalidJson);
	}
	if (parsed === null) return {};
	if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new KoError(INVENTED.invalidJson);
	return parsed as Record<string, unknown>;
}
