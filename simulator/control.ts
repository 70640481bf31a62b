import type { IncomingMessage, ServerResponse } from 'node:http';

import type { SimulatorContext } from './context';
import { readSmallBody, sendNotFound, sendPlainJson } from './http-util';
import { setLimits } from './limits';
import type { StoredFile } from './state';
import type { Fault, SeedFolder, SimulatorLimits } from './types';

/**
 * Test control over HTTP for out-of-process users (end-to-end tests against a CLI simulator).
 * No key needed; never counted in stats or rate limits. Answers are plain JSON (stable key order).
 */

const MAX_CONTROL_BODY = 512 * 1024 * 1024;

/** The SimFile fields only (no blob, no removal code). */
function publicFile(file: StoredFile): Omit<StoredFile, 'blob' | 'removalCode'> {
	const visible: Partial<StoredFile> = { ...file };
	delete visible.blob;
	delete visible.removalCode;
	return visible as Omit<StoredFile, 'blob' | 'removalCode'>;
}

export function stateSummary(ctx: SimulatorContext) {
	const folders = collectFolders(ctx);
	return {
		folders,
		files: ctx.state.allFiles().map(publicFile),
		anonymousFiles: ctx.state.anonymousFiles().map(publicFile),
		remoteJobs: ctx.state.remoteJobs().map((job) => ({ ...job, held: undefined })),
		stats: {
			requests: ctx.stats.requests,
			byEndpoint: ctx.stats.byEndpoint,
			transfers: ctx.stats.transfers,
			uploadedFiles: ctx.stats.uploadedFiles,
			uploadedBytes: ctx.stats.uploadedBytes,
			downloadedBytes: ctx.stats.downloadedBytes,
			floodEvents: ctx.stats.floodEvents,
			rateLimitEvents: ctx.stats.rateLimitEvents,
		},
		pendingFaults: ctx.faults.pending(),
		stalledConnections: ctx.stalls.count(),
		limits: ctx.limits,
		clockOffsetMs: ctx.clock.offsetMs(),
	};
}

function collectFolders(ctx: SimulatorContext) {
	const result = [ctx.state.getFolder(0)];
	for (let index = 0; index < result.length; index++) {
		result.push(...ctx.state.listFolders(result[index]?.id ?? 0));
	}
	return result;
}

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const optionalNumber = (value: unknown): number | undefined => (value === undefined || value === null ? undefined : Number(value));
const optionalDate = (value: unknown): Date | undefined => (typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined);

/** A `tree` entry of `/__simulator/seed`: JSON has no Buffer or Date, so content is base64 or text and dates ISO strings. */
function seedFolderOf(entry: unknown): SeedFolder {
	if (typeof entry !== 'object' || entry === null) throw new Error('tree: an array of {path, files?, count?, …}');
	const raw = entry as Record<string, unknown>;
	const files = Array.isArray(raw.files) ? raw.files.map((file: Record<string, unknown>) => ({
		filename: String(file.filename),
		content: typeof file.contentBase64 === 'string' ? Buffer.from(file.contentBase64, 'base64') : String(file.content ?? ''),
		date: optionalDate(file.date),
		contentType: optionalString(file.contentType),
	})) : undefined;
	return {
		path: String(raw.path ?? ''),
		files,
		count: optionalNumber(raw.count),
		bytes: optionalNumber(raw.bytes),
		namePrefix: optionalString(raw.namePrefix),
		distinct: raw.distinct === true,
		startDate: optionalDate(raw.startDate),
		stepMs: optionalNumber(raw.stepMs),
	};
}

type ControlAction = (ctx: SimulatorContext, body: Record<string, unknown>) => unknown;

const ACTIONS: Record<string, ControlAction> = {
	faults: (ctx, body) => {
		ctx.faults.add(body as unknown as Fault);
		return { ok: true, pending: ctx.faults.pending() };
	},
	reset: (ctx) => {
		resetEverything(ctx);
		return { ok: true };
	},
	seed: (ctx, body) => {
		if (Array.isArray(body.tree)) {
			const folders = ctx.state.seedTree(Number(body.parentId ?? 0), body.tree.map(seedFolderOf));
			return { ok: true, folders };
		}
		ctx.state.seedFiles(Number(body.folderId ?? 0), Number(body.count), {
			namePrefix: optionalString(body.namePrefix),
			bytes: optionalNumber(body.bytes),
			startDate: optionalDate(body.startDate),
			stepMs: optionalNumber(body.stepMs),
		});
		return { ok: true };
	},
	files: (ctx, body) => {
		const content = Buffer.from(String(body.contentBase64 ?? ''), 'base64');
		const options = { date: optionalDate(body.date), contentType: optionalString(body.contentType) };
		return publicFile(ctx.state.addFile(Number(body.folderId ?? 0), String(body.filename), content, options) as StoredFile);
	},
	folders: (ctx, body) => ctx.state.createFolder(Number(body.parentId ?? 0), String(body.name)),
	limits: (ctx, body) => {
		setLimits(ctx.limits, body as Partial<SimulatorLimits>);
		return { ok: true, limits: ctx.limits };
	},
	clock: (ctx, body) => {
		ctx.clock.setOffsetMs(Number(body.offsetMs));
		return { ok: true, offsetMs: ctx.clock.offsetMs(), now: ctx.clock.now() };
	},
	release: (ctx) => {
		const released = ctx.stalls.count();
		ctx.stalls.releaseAll();
		return { ok: true, released };
	},
	checksums: (ctx, body) => {
		const mode = String(body.mode);
		if (mode !== 'compute' && mode !== 'none' && mode !== 'given') throw new Error('mode: compute, none or given');
		ctx.blobs.setChecksumMode(mode, typeof body.checksum === 'string' ? body.checksum : undefined);
		return { ok: true, mode };
	},
	uploads: (ctx, body) => {
		const mode = String(body.mode);
		if (mode !== 'keep' && mode !== 'discard') throw new Error('mode: keep or discard');
		ctx.blobs.setUploadStorage(mode);
		return { ok: true, mode };
	},
};

/**
 * Reset the state, limits (memories, and values back to the start ones), clock offset, faults
 * (and stalled connections), stats, tokens and upload ids: a fresh simulator, same port.
 */
export function resetEverything(ctx: SimulatorContext): void {
	ctx.clock.setOffsetMs(ctx.initial.clockOffsetMs);
	ctx.state.reset();
	ctx.limiter.reset();
	setLimits(ctx.limits, ctx.initial.limits);
	ctx.faults.clear();
	ctx.stats.reset();
	ctx.tokens.clear();
	ctx.uploads.clear();
}

export async function handleControl(req: IncomingMessage, res: ServerResponse, ctx: SimulatorContext, action: string): Promise<void> {
	if (action === 'state' && req.method === 'GET') return sendPlainJson(res, 200, stateSummary(ctx));
	const run = ACTIONS[action];
	if (!run || req.method !== 'POST') return sendNotFound(res);
	let body: Record<string, unknown>;
	try {
		const text = (await readSmallBody(req, MAX_CONTROL_BODY)).toString('utf8').trim();
		body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
		sendPlainJson(res, 200, run(ctx, body));
	} catch (error) {
		sendPlainJson(res, 400, { ok: false, error: error instanceof Error ? error.message : String(error) });
	}
}
