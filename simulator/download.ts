import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';

import type { SimulatorContext } from './context';
import { flipFirstByte } from './damage';
import { htmlPage, sendHtml, sendNotFound } from './http-util';
import { linkPace } from './link';
import { newDownloadToken } from './names';
import { bytesBeforeStall } from './stalls';
import type { StoredFile } from './state';
import type { Fault } from './types';

interface DownloadToken {
	fileId: string;
	expiresAt: number;
	inline: boolean;
}

/** Temporary download links of download/get_token.cgi, valid 5 minutes (§2.3). */
export class TokenStore {
	private readonly tokens = new Map<string, DownloadToken>();

	issue(file: StoredFile, expiresAt: number, inline: boolean): string {
		const token = newDownloadToken();
		this.tokens.set(token, { fileId: file.id, expiresAt, inline });
		return token;
	}

	get(token: string): DownloadToken | undefined {
		return this.tokens.get(token);
	}

	clear(): void {
		this.tokens.clear();
	}
}

interface ByteRange {
	start: number;
	end: number;
}

/**
 * `Range: bytes=a-b`, `bytes=a-` or `bytes=-n` (one range; rclone sends one). Returns undefined
 * for no/ignored Range, 'unsatisfiable' when it cannot be served.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
	if (!header) return undefined;
	const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	if (!match || (match[1] === '' && match[2] === '')) return undefined;
	if (match[1] === '') {
		const suffix = Number(match[2]);
		if (suffix === 0 || size === 0) return 'unsatisfiable';
		return { start: Math.max(0, size - suffix), end: size - 1 };
	}
	const start = Number(match[1]);
	const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
	if (start >= size || end < start) return 'unsatisfiable';
	return { start, end };
}

/** `Content-Disposition` with a plain quoted name and an RFC 5987 one for non-ASCII names. */
function contentDisposition(filename: string, inline: boolean): string {
	const plain = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
	const encoded = encodeURIComponent(filename);
	return `${inline ? 'inline' : 'attachment'}; filename="${plain}"; filename*=UTF-8''${encoded}`;
}

/** `GET|HEAD /dl/<token>`: the file's bytes from disk, with Range support (§2.3 token facts). */
export async function serveDownload(
	req: IncomingMessage,
	res: ServerResponse,
	ctx: SimulatorContext,
	token: string,
	fault?: Fault,
): Promise<void> {
	const grant = ctx.tokens.get(token);
	const file = grant && ctx.state.findFileById(grant.fileId);
	if (!grant || !file) return sendNotFound(res);
	if (grant.expiresAt <= ctx.now()) {
		return sendHtml(res, 410, htmlPage('410 Gone', '<h1>Gone</h1><p>This download link has expired.</p>'));
	}
	const range = parseRange(req.headers.range, file.size);
	if (range === 'unsatisfiable') {
		res.writeHead(416, { 'Content-Range': `bytes */${file.size}` });
		return void res.end();
	}
	const start = range?.start ?? 0;
	const end = range?.end ?? file.size - 1;
	res.writeHead(range ? 206 : 200, {
		'Content-Type': file.contentType,
		'Content-Length': String(Math.max(0, end - start + 1)),
		'Content-Disposition': contentDisposition(file.filename, grant.inline || file.inline === 1),
		'Accept-Ranges': 'bytes',
		...(range ? { 'Content-Range': `bytes ${start}-${end}/${file.size}` } : {}),
	});
	const length = Math.max(0, end - start + 1);
	if (fault?.kind === 'stallDownload') {
		// Never the whole body: the client must be left waiting for bytes.
		const count = Math.min(bytesBeforeStall(fault.afterBytes, length), Math.max(0, length - 1));
		return stallAfterPart(req, res, ctx, file.blob.path, start, count);
	}
	if (req.method === 'HEAD' || file.size === 0) return void res.end();
	// 1 MiB reads: a third of the CPU that 64 KiB reads and socket writes cost (1.1 s, not 3 s, per GiB).
	const bytes = createReadStream(file.blob.path, { start, end, highWaterMark: 1 << 20 });
	const stages: NodeJS.ReadWriteStream[] = [];
	if (fault?.kind === 'corruptDownload') stages.push(flipFirstByte());
	const link = linkPace(ctx.limits.linkBytesPerSecond);
	if (link) stages.push(link);
	await pipeline([bytes, ...stages, res]);
	ctx.stats.countDownloaded(length);
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
	if (res.destroyed) return Promise.resolve();
	return new Promise((resolve) => {
		res.once('drain', resolve);
		res.once('close', resolve);
	});
}

/** stallDownload: the headers (already out) and `count` body bytes, then nothing; the connection stays open. */
async function stallAfterPart(req: IncomingMessage, res: ServerResponse, ctx: SimulatorContext, path: string, start: number, count: number): Promise<void> {
	res.flushHeaders();
	if (req.method !== 'HEAD' && count > 0) {
		for await (const chunk of createReadStream(path, { start, end: start + count - 1 }) as AsyncIterable<Buffer>) {
			if (res.destroyed) return;
			if (!res.write(chunk)) await drainedOrClosed(res);
		}
	}
	await ctx.stalls.hold(req);
}
