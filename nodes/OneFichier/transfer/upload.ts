/**
 * The three-step upload: get_upload_server → multipart POST to upload.cgi on the node → end.pl.
 * The file's bytes stream from their source through the byte client; nothing holds the whole file.
 */
import { randomBytes } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';
import { Readable } from 'stream';

import type { MultipartBody, UploadNodeAnswer } from './byteClient';
import { postToUploadNode, readEndPl } from './byteClient';
import { noteCall } from '../api/callCounter';
import type { ApiFailure } from '../api/errors';
import { messageFromBody, toNodeApiError } from '../api/errors';
import { apiRequest } from '../api/request';
import { endPlDelay, RetryBudget, UPLOAD_ATTEMPTS } from '../api/retryPolicy';
import { rateLimitsOf } from '../pacing/rateLimits';
import { cancelSignalOf, throwIfCancelled } from '../api/context';
import { getOneFichierCredentials } from '../api/credentials';
import { formatParisDate } from '../api/dates';
import { listFolderFiles, newestFirst } from '../api/listing';
import { getClock } from '../installation/clock';
import type { SizedRead } from './streams';
import { progressLogger, sizedChunks, SlotRing, zeros } from './streams';
import { startWhirlpool } from './whirlpool';
import { TransferTimeoutError } from './timeouts';
import type { EndUploadLink, EndUploadResponse, UploadServerResponse } from '../api/types';
import { toNumber } from '../api/types';

/** rclone enforces the same limit (300e9 bytes); the service refuses larger files. */
export const MAX_FILE_SIZE = 300e9;

export interface UploadSource {
	fileName: string;
	size: number;
	/** Returns a fresh stream of the bytes; called again when an interrupted upload is retried. */
	open(): Promise<Readable>;
}

export interface UploadOptions {
	folderId: number;
	itemIndex: number;
	/**
	 * The wait between two listings of one folder. When the POST went through but end.pl never
	 * named the file within the wait budget, the destination folder is listed to look for it, so a
	 * stored file is not reported as a failure.
	 */
	listingIntervalMs: number;
}

export interface StoredUpload {
	url: string;
	filename: string;
	size: number;
	checksum?: string;
}

export async function uploadFile(
	ctx: IExecuteFunctions,
	source: UploadSource,
	options: UploadOptions,
): Promise<StoredUpload> {
	let lastFailure: ApiFailure | undefined;
	for (let attempt = 1; attempt <= UPLOAD_ATTEMPTS; attempt++) {
		const server = await getUploadServer(ctx, options.itemIndex);
		const nodeBase = await uploadNodeBase(ctx, server.url);
		const startedAt = getClock().now();
		const sent = await postMultipart(ctx, nodeBase, server.id, source, options);
		// The POST is never retried blindly: end.pl tells whether the file was stored anyway.
		const postSucceeded = sent.failure === undefined;
		const stored = await readUploadResult(ctx, nodeBase, server.id, source, options, postSucceeded, startedAt);
		if (stored) return verifySize(ctx, stored, source, options.itemIndex);
		lastFailure = sent.failure ?? {
			endpoint: 'upload.cgi',
			message: 'the upload node did not confirm the file',
			kind: 'retryable',
		};
		if (cancelSignalOf(ctx)?.aborted) break;
		ctx.logger.warn(
			`1fichier: upload of "${source.fileName}" failed (${lastFailure.message}); attempt ${attempt} of ${UPLOAD_ATTEMPTS}`,
		);
	}
	throw toNodeApiError(ctx.getNode(), lastFailure!, options.itemIndex);
}

async function getUploadServer(ctx: IExecuteFunctions, itemIndex: number): Promise<UploadServerResponse> {
	const server = await apiRequest(ctx, 'upload/get_upload_server.cgi', {}, { itemIndex });
	// rclone refuses ids that are not up to 10 alphanumerics: they end up in a URL.
	if (!/^[A-Za-z0-9]{1,10}$/.test(String(server.id)) || !/^[A-Za-z0-9.:-]+$/.test(String(server.url))) {
		throw toNodeApiError(
			ctx.getNode(),
			{ endpoint: 'upload/get_upload_server.cgi', message: 'invalid upload server answer', kind: 'fatal' },
			itemIndex,
		);
	}
	return server;
}

/** The node is a bare host name; it is reached with the same scheme as the API base URL. */
async function uploadNodeBase(ctx: IExecuteFunctions, host: string): Promise<string> {
	const { baseUrl } = await getOneFichierCredentials(ctx);
	const scheme = new URL(baseUrl).protocol;
	return `${scheme}//${host}`;
}

interface PostOutcome {
	failure?: ApiFailure;
}

async function postMultipart(
	ctx: IExecuteFunctions,
	nodeBase: string,
	uploadId: string,
	source: UploadSource,
	options: UploadOptions,
): Promise<PostOutcome> {
	const boundary = `----n8n1fichier${randomBytes(12).toString('hex')}`;
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="did"\r\n\r\n${options.folderId}\r\n` +
			`--${boundary}\r\nContent-Disposition: form-data; name="file[]"; filename="${source.fileName}"\r\n` +
			'Content-Type: application/octet-stream\r\n\r\n',
		'utf8',
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
	const fileStream = await source.open();
	// Piped, not listened to: a 'data' listener would start the flow before the request exists.
	const counted = fileStream.pipe(progressLogger(ctx, source));
	fileStream.on('error', (error) => counted.destroy(error));
	const body: MultipartBody = { head, file: counted, tail };
	noteCall(ctx, 'upload.cgi');
	try {
		const answer = await postToUploadNode(
			ctx,
			`${nodeBase}/upload.cgi?id=${uploadId}`,
			{
				'Content-Type': `multipart/form-data; boundary=${boundary}`,
				// Exact length: the node refuses chunked uploads, and it bounds the request.
				'Content-Length': String(head.length + source.size + tail.length),
			},
			body,
		);
		return postOutcome(answer);
	} catch (error) {
		fileStream.destroy();
		throwIfCancelled(ctx);
		// A stall leaves the outcome unknown like a dropped connection: end.pl tells whether the file arrived.
		return { failure: { endpoint: 'upload.cgi', message: postFailureText(error, `"${source.fileName}"`), kind: 'retryable' } };
	}
}

/** upload.cgi redirects to end.pl when it stored the upload; anything else is an error page. */
function postOutcome(answer: UploadNodeAnswer): PostOutcome {
	if (answer.statusCode === 302 || answer.statusCode === 303) return {};
	return {
		failure: {
			endpoint: 'upload.cgi',
			httpCode: answer.statusCode,
			message: messageFromBody(answer.page, answer.statusCode),
			kind: answer.statusCode >= 500 ? 'retryable' : 'fatal',
			origin: 'service',
		},
	};
}

/** Why a POST failed; `what` names what was being read (a file's name, or "12 file(s)"). */
function postFailureText(error: unknown, what: string): string {
	if (!(error instanceof TransferTimeoutError)) return (error as Error).message ?? 'connection lost';
	if (error.stall === 'source') return `reading ${what} stalled: ${error.message}`;
	if (error.stall === 'connect') return `the upload node could not be reached: ${error.message}`;
	return `the upload node stopped answering: ${error.message}`;
}

/**
 * Reads end.pl until it names the file that was sent. Real nodes have answered an HTML page although
 * JSON was asked (rclone #4382, #7971), JSON without a link yet (#5152), several links, or "Veuillez
 * patienter" / "Please wait" while the antivirus runs: each is read or waited out, within the node's
 * "Max Wait on Rate Limits" budget. Returns undefined only when the POST failed and end.pl knows no
 * file (the caller then uploads again); never a link that is not the file sent.
 */
async function readUploadResult(
	ctx: IExecuteFunctions,
	nodeBase: string,
	uploadId: string,
	source: UploadSource,
	options: UploadOptions,
	postSucceeded: boolean,
	startedAt: number,
): Promise<EndUploadLink | undefined> {
	const itemIndex = options.itemIndex;
	const settings = rateLimitsOf(ctx);
	const budget = new RetryBudget(settings);
	for (let attempt = 0; ; attempt++) {
		const answer = await askEndPl(ctx, nodeBase, uploadId);
		const link = pickUploadedLink(answer.links, source);
		if (link) return link;
		if (!postSucceeded) return undefined;

		const delay = endPlDelay(attempt, settings);
		const waitedMs = budget.waitedMs;
		if (!answer.worthWaiting || !budget.spend(delay)) {
			const found = await findStoredSince(ctx, source, options, startedAt);
			if (found) {
				ctx.logger.warn(
					`1fichier: end.pl never confirmed "${source.fileName}" (${answer.state}), but the folder holds it: ${found.download}`,
				);
				return found;
			}
			throw toNodeApiError(
				ctx.getNode(),
				{
					endpoint: 'end.pl',
					httpCode: answer.statusCode || undefined,
					message: `the upload node did not confirm "${source.fileName}" after ${Math.round(waitedMs / 1000)} s (${answer.state}); check the folder before uploading it again`,
					kind: 'fatal',
				},
				itemIndex,
			);
		}
		ctx.logger.info(`1fichier: end.pl answered ${answer.state}; asking again in ${(delay / 1000).toFixed(1)} s`);
		await getClock().sleep(delay, cancelSignalOf(ctx));
	}
}

/**
 * For an upload whose end.pl never named the file: the newest file of that name and size the folder
 * received since the upload began (a minute earlier: 1fichier's dates are whole seconds in Paris
 * time, and clocks differ). Its checksum is then compared with the bytes sent like end.pl's.
 */
async function findStoredSince(
	ctx: IExecuteFunctions,
	source: UploadSource,
	options: UploadOptions,
	sinceMs: number,
): Promise<EndUploadLink | undefined> {
	const window = { sentAfter: formatParisDate(sinceMs - 60_000) };
	const listing = { itemIndex: options.itemIndex, intervalMs: options.listingIntervalMs };
	const files = await listFolderFiles(ctx, options.folderId, window, listing);
	const match = files
		.filter((file) => file.filename === source.fileName && toNumber(file.size) === source.size)
		.sort(newestFirst)[0];
	return match && { download: match.url, filename: match.filename, size: match.size, whirlpool: match.checksum };
}

interface EndPlAnswer {
	statusCode: number;
	links: EndUploadLink[];
	/** What end.pl said, for the log and the error. */
	state: string;
	/** True while the file may still show up: processing, no link yet, a dropped connection, a 5xx. */
	worthWaiting: boolean;
}

async function askEndPl(ctx: IExecuteFunctions, nodeBase: string, uploadId: string): Promise<EndPlAnswer> {
	let response: { statusCode: number; body: unknown };
	noteCall(ctx, 'end.pl');
	try {
		response = await readEndPl(ctx, `${nodeBase}/end.pl?xid=${uploadId}`);
	} catch (error) {
		throwIfCancelled(ctx);
		const reason = error instanceof TransferTimeoutError ? `end.pl stopped answering: ${error.message}` : (error as Error).message;
		return { statusCode: 0, links: [], state: `no answer: ${reason}`, worthWaiting: true };
	}
	const { statusCode, body } = response;
	if (statusCode === 0 || statusCode >= 500) {
		return { statusCode, links: [], state: messageFromBody(body, statusCode), worthWaiting: true };
	}
	if (statusCode !== 200) return { statusCode, links: [], state: messageFromBody(body, statusCode), worthWaiting: false };
	if (typeof body === 'string') {
		const links = linksFromHtml(body);
		if (links.length > 0) return { statusCode, links, state: 'the HTML result page', worthWaiting: true };
		const processing = /patienter|please wait/i.test(body);
		return { statusCode, links, state: processing ? 'still processing' : messageFromBody(body, statusCode), worthWaiting: processing };
	}
	const links = (body as EndUploadResponse | undefined)?.links;
	if (!Array.isArray(links) || links.length === 0) return { statusCode, links: [], state: 'no link yet', worthWaiting: true };
	return { statusCode, links, state: `${links.length} links, none of them the file sent`, worthWaiting: true };
}

/**
 * The link of the file that was sent. One link is that file (its size is checked afterwards); among
 * several, the one with the name and size sent, else the only one with that name.
 */
export function pickUploadedLink(links: EndUploadLink[], source: Pick<UploadSource, 'fileName' | 'size'>): EndUploadLink | undefined {
	if (links.length <= 1) return links[0];
	const named = links.filter((link) => link.filename === source.fileName);
	return named.find((link) => toNumber(link.size) === source.size) ?? (named.length === 1 ? named[0] : undefined);
}

/** The HTML result page (`<table class="premium">`, a row per file: name, size, link, removal link). */
export function linksFromHtml(html: string): EndUploadLink[] {
	const links: EndUploadLink[] = [];
	for (const row of html.match(/<tr[^>]*>[\s\S]*?<\/tr>/gi) ?? []) {
		const cells = [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/gi)].map((cell) => cell[1]);
		const href = /href="([^"]+)"/i.exec(row)?.[1];
		if (cells.length < 3 || !href) continue;
		links.push({ filename: htmlText(cells[0]), size: htmlText(cells[1]), download: htmlText(href) });
	}
	return links;
}

function htmlText(html: string): string {
	return html
		.replace(/<[^>]*>/g, '')
		.replace(/&#(\d+);/g, (_match, code: string) => String.fromCharCode(Number(code)))
		.replace(/&quot;/g, '"')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&')
		.trim();
}

function verifySize(
	ctx: IExecuteFunctions,
	link: EndUploadLink,
	source: UploadSource,
	itemIndex: number,
): StoredUpload {
	// end.pl sends `size` as a string.
	const storedSize = toNumber(link.size);
	if (storedSize !== source.size) {
		throw toNodeApiError(
			ctx.getNode(),
			{
				endpoint: 'end.pl',
				message: `1fichier stored ${storedSize ?? 'an unknown number of'} bytes of "${source.fileName}" but ${source.size} were sent; the upload is incomplete (file ${link.download})`,
				kind: 'fatal',
			},
			itemIndex,
		);
	}
	return { url: link.download, filename: link.filename, size: storedSize, checksum: link.whirlpool };
}

// ---- several files in one upload ----------------------------------------------------------------

/** 1fichier takes up to 500 files in one upload, all into one folder (docs/1fichier-api.md §5). */
export const MAX_FILES_PER_UPLOAD = 500;

export interface BatchUploadOptions extends UploadOptions {
	/** Hash each file's bytes with Whirlpool on their way out, to compare with 1fichier's checksum. */
	hash: boolean;
	/** Told of the bytes of file contents sent, as they go. */
	onBytes?: (count: number) => void;
}

export interface BatchFileResult {
	/** The copy 1fichier stored, once end.pl (or, failing it, the folder's listing) named it. */
	stored?: StoredUpload;
	/** The Whirlpool of the bytes sent (lowercase hex), when hashing. */
	sentChecksum?: string;
	/**
	 * Set when the bytes sent are not the file as planned: it could not be opened, or it had fewer
	 * or more bytes than its size when read. Its stored copy (if any) is then not the file.
	 */
	readProblem?: string;
	/** The file could not be opened at all (its part was sent as zeros): sending it again will not help. */
	unreadable?: boolean;
	/** Why no copy was stored. */
	failure?: string;
}

/**
 * Uploads several files into one folder in one upload session: one get_upload_server, one POST
 * with `file[]` repeated, one end.pl naming each file with its `whirlpool` (docs/1fichier-api.md §2.2).
 * Files are opened one after the other as the body streams, and each is sent with exactly the size
 * announced in Content-Length: a file that changed size since it was listed is cut or padded and
 * flagged (`readProblem`), never allowed to break the whole upload. Returns one result per source,
 * in order; only failures of the account (a refused key, a rate limit beyond its wait) throw.
 */
export async function uploadBatch(
	ctx: IExecuteFunctions,
	sources: UploadSource[],
	options: BatchUploadOptions,
): Promise<BatchFileResult[]> {
	const results: BatchFileResult[] = sources.map(() => ({}));
	let remaining = sources.map((_, index) => index);
	let lastFailure = 'the upload did not start';
	for (let attempt = 1; attempt <= UPLOAD_ATTEMPTS && remaining.length > 0; attempt++) {
		const server = await getUploadServer(ctx, options.itemIndex);
		const nodeBase = await uploadNodeBase(ctx, server.url);
		const startedAt = getClock().now();
		const batch = remaining.map((index) => sources[index]);
		const sent: BatchFileResult[] = batch.map(() => ({}));
		const post = await postBatch(ctx, nodeBase, server.id, batch, sent, options);
		const links = await readBatchResult(ctx, nodeBase, server.id, batch, options, post.failure === undefined, startedAt);
		const stillMissing: number[] = [];
		remaining.forEach((sourceIndex, batchIndex) => {
			const link = links[batchIndex];
			if (link) results[sourceIndex] = { ...sent[batchIndex], stored: storedUpload(link) };
			else stillMissing.push(sourceIndex);
		});
		remaining = stillMissing;
		if (post.failure === undefined) {
			// The POST went through but end.pl and the folder never named these: sending them again could
			// store them twice. They are reported, and the next run sends them if they are still missing.
			for (const index of remaining) {
				results[index].failure = `the upload node did not confirm "${sources[index].fileName}"; it may appear in the folder later`;
			}
			return results;
		}
		lastFailure = post.failure.message;
		if (cancelSignalOf(ctx)?.aborted) break;
		if (remaining.length > 0) {
			ctx.logger.warn(
				`1fichier: upload of ${remaining.length} file(s) into folder ${options.folderId} failed (${lastFailure}); attempt ${attempt} of ${UPLOAD_ATTEMPTS}`,
			);
		}
	}
	throwIfCancelled(ctx);
	for (const index of remaining) results[index].failure = `the upload failed ${UPLOAD_ATTEMPTS} times: ${lastFailure}`;
	return results;
}

function storedUpload(link: EndUploadLink): StoredUpload {
	return { url: link.download, filename: link.filename, size: toNumber(link.size) ?? -1, checksum: link.whirlpool };
}

/** The part header of one file (names are sent encoded: no quote, CR or LF can reach it). */
function filePartHead(boundary: string, fileName: string): Buffer {
	return Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="file[]"; filename="${fileName}"\r\n` +
			'Content-Type: application/octet-stream\r\n\r\n',
		'utf8',
	);
}

const CRLF = Buffer.from('\r\n');

async function postBatch(
	ctx: IExecuteFunctions,
	nodeBase: string,
	uploadId: string,
	batch: UploadSource[],
	sent: BatchFileResult[],
	options: BatchUploadOptions,
): Promise<PostOutcome> {
	const boundary = `----n8n1fichier${randomBytes(12).toString('hex')}`;
	const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="did"\r\n\r\n${options.folderId}\r\n`, 'utf8');
	const tail = Buffer.from(`--${boundary}--\r\n`, 'utf8');
	const partHeads = batch.map((source) => filePartHead(boundary, source.fileName));
	const length =
		head.length + tail.length + batch.reduce((sum, source, index) => sum + partHeads[index].length + source.size + CRLF.length, 0);
	const files = Readable.from(batchParts(batch, partHeads, sent, options), { objectMode: false, highWaterMark: 1 });
	noteCall(ctx, 'upload.cgi');
	try {
		const answer = await postToUploadNode(
			ctx,
			`${nodeBase}/upload.cgi?id=${uploadId}`,
			{
				'Content-Type': `multipart/form-data; boundary=${boundary}`,
				// Exact length: the node refuses chunked uploads, and it bounds the request.
				'Content-Length': String(length),
			},
			{ head, file: files, tail },
		);
		return postOutcome(answer);
	} catch (error) {
		files.destroy();
		throwIfCancelled(ctx);
		// A stall leaves the outcome unknown like a dropped connection: end.pl tells which files arrived.
		return { failure: { endpoint: 'upload.cgi', message: postFailureText(error, `${batch.length} file(s)`), kind: 'retryable' } };
	}
}

/** The body after the `did` field: each file's part head, its bytes (exactly its size), CRLF. */
async function* batchParts(
	batch: UploadSource[],
	partHeads: Buffer[],
	sent: BatchFileResult[],
	options: BatchUploadOptions,
): AsyncGenerator<Buffer> {
	const ring = new SlotRing();
	for (let index = 0; index < batch.length; index++) {
		const source = batch[index];
		yield partHeads[index];
		const hashing = options.hash ? startWhirlpool() : undefined;
		try {
			const reading: SizedRead = { extra: false, short: 0 };
			let stream: Readable | undefined;
			try {
				stream = await source.open();
			} catch (error) {
				sent[index].readProblem = `it could not be opened: ${(error as Error).message}`;
				sent[index].unreadable = true;
			}
			const chunks = stream ? sizedChunks(stream, source.size, ring, reading) : zeros(source.size, ring);
			for await (const chunk of chunks) {
				const hashed = hashing?.update(chunk);
				if (hashed) await hashed;
				options.onBytes?.(chunk.length);
				yield chunk;
			}
			if (stream && reading.short > 0) {
				sent[index].readProblem = `it had ${reading.short} bytes fewer than its size ${source.size} when read`;
				for await (const chunk of zeros(reading.short, ring)) {
					const hashed = hashing?.update(chunk);
					if (hashed) await hashed;
					yield chunk;
				}
			}
			if (reading.extra) sent[index].readProblem = `it had more bytes than its size ${source.size} when read`;
			if (hashing) sent[index].sentChecksum = await hashing.digest();
		} finally {
			hashing?.abort();
		}
		yield CRLF;
	}
}

/**
 * Reads end.pl until it names every file sent (by name and size, each link used once), within the
 * Max Wait on Rate Limits budget; files it never names are looked for in the folder. Returns one
 * link (or undefined) per file; after a failed POST, only what end.pl names.
 */
async function readBatchResult(
	ctx: IExecuteFunctions,
	nodeBase: string,
	uploadId: string,
	batch: UploadSource[],
	options: BatchUploadOptions,
	postSucceeded: boolean,
	startedAt: number,
): Promise<Array<EndUploadLink | undefined>> {
	const settings = rateLimitsOf(ctx);
	const budget = new RetryBudget(settings);
	let found: Array<EndUploadLink | undefined> = batch.map(() => undefined);
	for (let attempt = 0; ; attempt++) {
		const answer = await askEndPl(ctx, nodeBase, uploadId);
		found = matchLinks(answer.links, batch);
		const missing = found.filter((link) => link === undefined).length;
		if (missing === 0 || !postSucceeded) return found;
		const delay = endPlDelay(attempt, settings);
		if (!answer.worthWaiting || !budget.spend(delay)) break;
		ctx.logger.info(`1fichier: end.pl named ${batch.length - missing} of ${batch.length} files (${answer.state}); asking again in ${(delay / 1000).toFixed(1)} s`);
		await getClock().sleep(delay, cancelSignalOf(ctx));
	}
	const missing = batch.filter((_, index) => found[index] === undefined);
	ctx.logger.warn(`1fichier: end.pl never named ${missing.length} of ${batch.length} files; looking for them in folder ${options.folderId}`);
	const window = { sentAfter: formatParisDate(startedAt - 60_000) };
	const files = await listFolderFiles(ctx, options.folderId, window, { itemIndex: options.itemIndex, intervalMs: options.listingIntervalMs });
	const fromListing = matchLinks(
		files.sort(newestFirst).map((file) => ({ download: file.url, filename: file.filename, size: file.size, whirlpool: file.checksum })),
		batch,
	);
	return found.map((link, index) => link ?? fromListing[index]);
}

/** Each file's link: same name and size, each link given to one file only (decoys and duplicates skipped). */
export function matchLinks(links: EndUploadLink[], batch: Array<Pick<UploadSource, 'fileName' | 'size'>>): Array<EndUploadLink | undefined> {
	const used = new Set<EndUploadLink>();
	return batch.map((source) => {
		const link = links.find((candidate) => !used.has(candidate) && candidate.filename === source.fileName && toNumber(candidate.size) === source.size);
		if (link) used.add(link);
		return link;
	});
}
