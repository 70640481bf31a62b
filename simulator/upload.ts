import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';

import type { Blob, BlobWriter } from './blobs';
import type { SimulatorContext } from './context';
import { withFirstByteFlipped, wrongChecksum } from './damage';
import { bearerKey, escapeHtml, headerValue, htmlPage, sendHtml, sendJson } from './http-util';
import { linkPace } from './link';
import { boundaryOf, MalformedMultipartError, parseMultipart, type PartHeaders, type PartSink } from './multipart';
import { FILE_DOMAINS, newRemovalCode, newUploadId, reservedCharacterProblem } from './names';
import { ROOT_FOLDER_ID, type StoredFile } from './state';
import type { Fault } from './types';

/**
 * Upload step 2 and 3 of §2.2: `POST /upload.cgi?id=<id>` (multipart, field `file[]`) answers
 * 302 → `/end.pl?xid=<id>`, and end.pl shows the links (JSON only with the `JSON: 1` header).
 */

interface UploadSession {
	id: string;
	createdAt: number;
	/** Set once upload.cgi stored files; an upload id serves one upload. */
	result?: { files: StoredFile[]; anonymous: boolean; expiresAt: number };
}

export class UploadSessions {
	private readonly sessions = new Map<string, UploadSession>();

	/** Upload ids come only from get_upload_server.cgi (§2.2 step 1). */
	open(now: number): UploadSession {
		const session: UploadSession = { id: newUploadId(), createdAt: now };
		this.sessions.set(session.id, session);
		return session;
	}

	get(id: string): UploadSession | undefined {
		return this.sessions.get(id);
	}

	clear(): void {
		this.sessions.clear();
	}
}

/** Upload failures answer an HTML page on HTTP 200 with no redirect, like the node's web pages. */
function sendUploadError(res: ServerResponse, status: number, text: string): void {
	sendHtml(res, status, htmlPage('1fichier.com: upload', `<div class="bloc2"><p>${escapeHtml(text)}</p></div>`));
}

/** "Pas de fichier": what the node says when it received no file (§2.2, SACGUI client). */
function sendNoFile(res: ServerResponse): void {
	sendUploadError(res, 200, 'Pas de fichier / No file');
}

interface ReceivedFile {
	filename: string;
	contentType?: string;
	writer: BlobWriter;
	blob?: Blob;
}

interface ReceivedUpload {
	fields: Map<string, string>;
	files: ReceivedFile[];
	/** More named file parts than MAX_FILES_PER_UPLOAD arrived: what was received is dropped. */
	tooManyFiles: boolean;
}

const MAX_FIELD_BYTES = 64 * 1024;
/** §5: at most 500 files per upload (DOC/SPEC3P). */
export const MAX_FILES_PER_UPLOAD = 500;

/** A text field is small: keep it in memory. */
function fieldSink(name: string, fields: Map<string, string>): PartSink {
	const chunks: Buffer[] = [];
	let size = 0;
	return {
		write(chunk) {
			size += chunk.length;
			if (size > MAX_FIELD_BYTES) throw new MalformedMultipartError(`field ${name} too large`);
			chunks.push(chunk);
		},
		end() {
			fields.set(name, Buffer.concat(chunks).toString('utf8'));
		},
	};
}

/** Whether a fault aimed at one file of a multi-file upload (`filename`, default the first) hits this one. */
function isTargetOf(fault: Fault | undefined, filename: string): boolean {
	return fault?.filename === undefined || fault.filename === filename;
}

/** The corruptUpload fault flips one byte of one upload: the first byte of its target file. */
class UploadCorruption {
	private pending: boolean;

	constructor(private readonly fault: Fault | undefined) {
		this.pending = fault?.kind === 'corruptUpload';
	}

	apply(filename: string, chunk: Buffer): Buffer {
		if (!this.pending || chunk.length === 0 || !isTargetOf(this.fault, filename)) return chunk;
		this.pending = false;
		return withFirstByteFlipped(chunk);
	}
}

/** A file part streams to a new blob on disk. */
function fileSink(headers: PartHeaders, received: ReceivedUpload, ctx: SimulatorContext, corruption: UploadCorruption): PartSink {
	const file: ReceivedFile = { filename: headers.filename ?? '', contentType: headers.contentType, writer: ctx.blobs.writer() };
	received.files.push(file);
	return {
		write: (chunk) => file.writer.write(corruption.apply(file.filename, chunk)),
		end: async () => {
			file.blob = await file.writer.finish();
		},
	};
}

/**
 * Past 500 named files the upload is refused as a whole (the real reaction is not documented):
 * the files received so far are dropped at once and the rest of the body is read and forgotten,
 * so disk use stays bounded and the client still gets an answer.
 */
async function refuseTooManyFiles(received: ReceivedUpload): Promise<PartSink> {
	if (!received.tooManyFiles) {
		received.tooManyFiles = true;
		await discardReceived(received);
		received.files = [];
	}
	return discardSink;
}

/** A part that is neither a known field nor a file: read and forget. */
const discardSink: PartSink = { write() {}, end() {} };

async function receiveUpload(req: IncomingMessage, boundary: string, ctx: SimulatorContext, fault?: Fault): Promise<ReceivedUpload> {
	const received: ReceivedUpload = { fields: new Map(), files: [], tooManyFiles: false };
	const corruption = new UploadCorruption(fault);
	let namedFiles = 0;
	try {
		const link = linkPace(ctx.limits.linkBytesPerSecond);
		// pipeline: a client gone mid-upload fails the paced body too, as it fails req.
		const body = link ? pipeline(req, link, () => {}) : req;
		await parseMultipart(body as AsyncIterable<Buffer>, boundary, (headers) => {
			if (headers.filename !== undefined) {
				// A browser's empty, nameless slot is not a file (isEmptyFormSlot).
				if (headers.filename !== '') namedFiles++;
				if (namedFiles > MAX_FILES_PER_UPLOAD || received.tooManyFiles) return refuseTooManyFiles(received);
				return fileSink(headers, received, ctx, corruption);
			}
			if (headers.name) return fieldSink(headers.name, received.fields);
			return discardSink;
		});
		return received;
	} catch (error) {
		await discardReceived(received);
		throw error;
	}
}

async function discardReceived(received: ReceivedUpload): Promise<void> {
	for (const file of received.files) await file.writer.abort();
}

/** A browser sends an empty, nameless `file[]` part when no file was chosen: that is "no file". */
function isEmptyFormSlot(file: ReceivedFile): boolean {
	return file.filename === '' && file.writer.bytesWritten === 0;
}

/** Checks the whole upload before storing anything: one bad file refuses the request. */
function uploadProblem(files: ReceivedFile[]): string | undefined {
	for (const file of files) {
		if (file.filename === '') return 'Nom de fichier manquant / Missing file name';
		const problem = reservedCharacterProblem(file.filename);
		// §5: the real reaction is unknown (strip, replace or error); the simulator refuses.
		if (problem) return `Nom de fichier invalide / Invalid file name "${file.filename}": ${problem}`;
		// §7 question 12: the server's reaction to 0 bytes is unknown (rclone refuses them); refuse.
		if (file.writer.bytesWritten === 0) return `Fichier vide / Empty file "${file.filename}" (0 byte)`;
	}
	return undefined;
}

/** `did` names the destination folder only when identified; an invalid one means root (§2.2). */
function destinationFolder(fields: Map<string, string>, ctx: SimulatorContext): number {
	const did = Number(fields.get('did'));
	return Number.isInteger(did) && ctx.state.getFolder(did) ? did : ROOT_FOLDER_ID;
}

function domainIndex(fields: Map<string, string>): number {
	const domain = Number(fields.get('domain') ?? 0);
	return Number.isInteger(domain) && domain >= 0 && domain < FILE_DOMAINS.length ? domain : 0;
}

export async function handleUploadCgi(
	req: IncomingMessage,
	res: ServerResponse,
	ctx: SimulatorContext,
	query: URLSearchParams,
	fault?: Fault,
): Promise<void> {
	const session = ctx.uploads.get(query.get('id') ?? '');
	if (req.method !== 'POST') return sendUploadError(res, 405, 'Méthode invalide / POST expected');
	if (!session) return sendUploadError(res, 404, 'Identifiant d\u2019upload invalide / Unknown upload id');
	if (session.result) return sendUploadError(res, 409, 'Upload déjà terminé / This upload id was already used');
	// §2.2: Content-Length is required ("full size of the upload"); no chunked uploads.
	if (req.headers['content-length'] === undefined) {
		return sendUploadError(res, 411, 'Content-Length requis / Content-Length required');
	}
	const key = bearerKey(req);
	// Bearer is optional on the node (anonymous upload); a wrong one is refused rather than
	// silently turned into an anonymous upload, so a client's key bug shows in tests.
	if (key !== undefined && !ctx.keys.has(key)) return sendUploadError(res, 401, 'Not authenticated');
	const boundary = boundaryOf(req.headers['content-type']);
	if (!boundary) return sendNoFile(res);

	let received: ReceivedUpload;
	try {
		received = await receiveUpload(req, boundary, ctx, fault);
	} catch (error) {
		if (error instanceof MalformedMultipartError) return sendUploadError(res, 400, `Requête invalide / Bad request: ${error.message}`);
		throw error;
	}
	if (received.tooManyFiles) {
		return sendUploadError(res, 200, `Trop de fichiers / Too many files: at most ${MAX_FILES_PER_UPLOAD} files per upload`);
	}
	const files = received.files.filter((file) => !isEmptyFormSlot(file));
	await discardReceived({ ...received, files: received.files.filter(isEmptyFormSlot) });
	if (files.length === 0) return sendNoFile(res);
	const problem = uploadProblem(files);
	if (problem) {
		await discardReceived({ ...received, files });
		return sendUploadError(res, 200, problem);
	}
	const anonymous = key === undefined;
	const stored = files.map((file) =>
		ctx.state.storeFile({
			folderId: anonymous ? ROOT_FOLDER_ID : destinationFolder(received.fields, ctx),
			filename: file.filename,
			blob: file.blob as Blob,
			contentType: file.contentType,
			anonymous,
			pass: received.fields.get('dpass') ?? '',
			domainIndex: domainIndex(received.fields),
			removalCode: anonymous ? newRemovalCode() : '',
		}),
	);
	if (fault?.kind === 'wrongChecksum') {
		const target = stored.find((file) => isTargetOf(fault, file.filename));
		if (target) target.checksum = wrongChecksum(target.checksum);
	}
	ctx.stats.countUploaded(stored.map((file) => file.size));
	session.result = { files: stored, anonymous, expiresAt: ctx.now() + ctx.scaled(ctx.limits.endResultTtlMs) };
	res.writeHead(302, { Location: `/end.pl?xid=${session.id}`, 'Content-Length': '0' });
	res.end();
}

/** JSON with header `JSON: 1` (any casing, rclone sends `Json: 1`) or query `JSON=1` (SPEC3P). */
function wantsJson(req: IncomingMessage, query: URLSearchParams): boolean {
	if (headerValue(req, 'json')?.trim() === '1') return true;
	for (const [name, value] of query) if (name.toLowerCase() === 'json' && value === '1') return true;
	return false;
}

/** Empty when the upload is tied to an account (§2.2); a removal link for anonymous uploads. */
function removeLink(file: StoredFile): string {
	return file.removalCode ? `https://1fichier.com/remove/${file.id}/${file.removalCode}` : '';
}

function endResultJson(files: StoredFile[]) {
	return {
		incoming: 0,
		links: files.map((file) => ({
			download: file.url,
			filename: file.filename,
			size: String(file.size), // a string in real answers (rclone parses it)
			remove: removeLink(file),
			whirlpool: file.checksum as string | undefined,
		})),
	};
}

function endResultHtml(files: StoredFile[]): string {
	const rows = files
		.map(
			(file) =>
				`<tr><td class="normal">${escapeHtml(file.filename)}</td><td class="normal">${file.size}</td>` +
				`<td class="normal"><a href="${escapeHtml(file.url)}">${escapeHtml(file.url)}</a></td>` +
				`<td class="normal">${escapeHtml(removeLink(file))}</td></tr>`,
		)
		.join('\n');
	return htmlPage(
		'1fichier.com: upload result',
		`<p>Within some minutes this page will not be accessible.</p>\n<table class="premium">\n` +
			`<tr><th>File name</th><th>Size</th><th>Download link</th><th>Remove link</th></tr>\n${rows}\n</table>`,
	);
}

/**
 * `GET /end.pl?xid=<id>`; the result expires after endResultTtlMs ("deleted 2 hours after the end").
 * Links come in the order the files were sent. What real clients met (§2.2), as faults: the HTML
 * page although JSON was asked (`endHtml`, rclone #4382, #7971), JSON with no link yet
 * (`endNoLinks`, #5152), decoy links before the real ones (`endSeveralLinks`), and links without
 * `whirlpool` (`endWithoutChecksum`: every link, or only the `filename` of the fault; §4).
 */
export function handleEndPl(req: IncomingMessage, res: ServerResponse, ctx: SimulatorContext, query: URLSearchParams, fault?: Fault): void {
	const variant = fault?.kind;
	const session = ctx.uploads.get(query.get('xid') ?? '');
	const result = session?.result;
	if (!result || result.expiresAt <= ctx.now()) {
		return sendUploadError(res, 404, 'Upload introuvable ou expiré / Upload not found or expired');
	}
	if (variant === 'endHtml' || !wantsJson(req, query)) return sendHtml(res, 200, endResultHtml(result.files));
	const answer = endResultJson(result.files);
	if (variant === 'endNoLinks') answer.links = [];
	if (variant === 'endSeveralLinks') answer.links.unshift(...decoyLinks(result.files));
	if (variant === 'endWithoutChecksum') {
		for (const link of answer.links) if (isTargetOf(fault, link.filename)) delete link.whirlpool;
	}
	sendJson(res, 200, answer);
}

/** Links that are not the uploaded file: same name with another size, and another name with the same size. */
function decoyLinks(files: StoredFile[]) {
	return files.flatMap((file) => [
		{ download: 'https://1fichier.com/?decoysamename00001', filename: file.filename, size: String(file.size + 1), remove: '', whirlpool: '' },
		{ download: 'https://1fichier.com/?decoysamesize00001', filename: `other-${file.filename}`, size: String(file.size), remove: '', whirlpool: '' },
	]);
}

/** The `drop` fault on upload.cgi: read part of the body, then cut the connection; nothing is stored. */
export function dropMidUpload(req: IncomingMessage): Promise<void> {
	const expected = Number(req.headers['content-length'] ?? 0);
	const readBeforeDrop = Math.max(1, Math.min(256 * 1024, Math.floor(expected / 2)));
	return new Promise((resolve) => {
		let seen = 0;
		const drop = () => {
			req.socket.destroy();
			resolve();
		};
		req.on('data', (chunk: Buffer) => {
			seen += chunk.length;
			if (seen >= readBeforeDrop) drop();
		});
		req.on('end', drop);
		req.on('error', () => resolve());
	});
}
