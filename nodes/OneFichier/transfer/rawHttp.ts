/**
 * An HTTP/1.1 GET whose body is read by the socket straight into the buffers handed on (Node's
 * `onread`), for download tokens: each chunk is a buffer of its own, filled by the kernel and never
 * written again once handed on. Node's http client allocates a fresh 64 KiB buffer for every socket
 * read and copies nothing bigger; here the kernel fills 1 MiB buffers directly, so a chunk costs one
 * allocation per MiB and no copy.
 *
 * Why not a reusable ring of buffers (which would allocate nothing per chunk, see streams.ts): a
 * chunk handed to n8n belongs to n8n. Its filesystem store writes each chunk as it comes, but its
 * database, S3 and Azure stores keep every chunk until the stream ends and join them then; a ring
 * would have overwritten them by that time (test/transfer/download.test.ts).
 *
 * Why a plain allocation per chunk and nothing cleverer: what fresh memory costs is the garbage
 * collections it brings, not the allocation. V8 counts every ArrayBuffer's bytes as external memory
 * and starts a full collection of n8n's whole heap each time that count has grown by 64 MiB (a V8
 * constant), whatever the buffers' size or origin. Views cut from larger slabs bring as many
 * collections and keep more memory waiting (a slab lives until its last view dies); zeroed memory
 * (`new ArrayBuffer`) adds a pass over every byte; larger or smaller chunks change neither.
 * SharedArrayBuffer memory is not counted, so it would start no collection, and nothing would bound
 * the memory waiting for one. Node's own http client, which n8n's HTTP Request node reads through,
 * brings more collections for the same bytes. bench/downloadBuffers.ts measures it.
 *
 * It speaks just what a download needs: one GET with `Connection: close`, a 1xx-skipping status
 * line and headers, then a body framed by Content-Length, chunked encoding, or the end of the
 * connection. Plain http and https (TLS through Node's tls, with its usual certificate checks).
 * Connect and idle limits: timeouts.ts.
 */
import net from 'net';
import { Readable } from 'stream';
import tls from 'tls';

import { TRANSFER_CHUNK_BYTES } from './streams';
import type { TransferTimeouts } from './timeouts';
import { ConnectionWatch, TransferTimeoutError, transferTimeouts } from './timeouts';

export interface RawResponse {
	statusCode: number;
	headers: Record<string, string>;
	body: Readable;
}

const MAX_HEAD_BYTES = 64 * 1024;
/** A chunk with less room than this is handed on: reads into a sliver of a buffer are wasteful. */
const MIN_READ_BYTES = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');

interface ParsedHead {
	statusCode: number;
	headers: Record<string, string>;
}

function parseHead(text: string): ParsedHead {
	const [statusLine, ...lines] = text.split('\r\n');
	const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
	if (!match) throw new Error(`not an HTTP/1.1 answer: ${statusLine.slice(0, 80)}`);
	const headers: Record<string, string> = {};
	for (const line of lines) {
		const colon = line.indexOf(':');
		if (colon <= 0) continue;
		const name = line.slice(0, colon).trim().toLowerCase();
		const value = line.slice(colon + 1).trim();
		headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
	}
	return { statusCode: Number(match[1]), headers };
}

/**
 * Chunked transfer coding decoded in place: the data bytes of [from, to) are moved down to `out`
 * (never past `from`), size lines and CRLFs dropped. Returns where the data now ends.
 */
class ChunkedDecoder {
	private state: 'size' | 'data' | 'dataEnd' | 'trailer' | 'done' = 'size';
	private line = '';
	private remaining = 0;

	get done(): boolean {
		return this.state === 'done';
	}

	decode(buffer: Buffer, out: number, from: number, to: number): number {
		let at = from;
		while (at < to && this.state !== 'done') {
			if (this.state === 'data') {
				const take = Math.min(this.remaining, to - at);
				if (out !== at) buffer.copyWithin(out, at, at + take);
				out += take;
				at += take;
				this.remaining -= take;
				if (this.remaining === 0) this.state = 'dataEnd';
				continue;
			}
			const byte = buffer[at++];
			if (byte !== 0x0a) {
				if (byte !== 0x0d) this.line += String.fromCharCode(byte);
				if (this.line.length > 4096) throw new Error('malformed chunked encoding');
				continue;
			}
			this.endOfLine();
		}
		return out;
	}

	private endOfLine(): void {
		const line = this.line;
		this.line = '';
		if (this.state === 'dataEnd') {
			this.state = 'size';
		} else if (this.state === 'size') {
			const size = parseInt(line.split(';')[0].trim(), 16);
			if (!Number.isFinite(size) || size < 0) throw new Error('malformed chunked encoding');
			this.remaining = size;
			this.state = size === 0 ? 'trailer' : 'data';
		} else if (this.state === 'trailer' && line === '') {
			this.state = 'done';
		}
	}
}

export interface RawGetOptions {
	headers?: Record<string, string>;
	signal?: AbortSignal;
	/** Size of each chunk handed on (tests use smaller ones). */
	chunkBytes?: number;
	/** Connect and idle limits; the defaults of timeouts.ts otherwise. */
	timeouts?: Pick<TransferTimeouts, 'connectMs' | 'idleMs'>;
}

/** GET `url`; resolves once the answer's head is in, with the body still streaming. */
export async function rawGet(url: URL, options: RawGetOptions = {}): Promise<RawResponse> {
	const chunkBytes = options.chunkBytes ?? TRANSFER_CHUNK_BYTES;
	const limits = options.timeouts ?? transferTimeouts();
	const host = url.hostname.replace(/^\[|\]$/g, '');
	const secure = url.protocol === 'https:';
	const port = Number(url.port) || (secure ? 443 : 80);

	return await new Promise<RawResponse>((resolve, reject) => {
		// The buffer being filled: it has not been handed on yet, so writing into it is safe. Once
		// handed on it is never touched again; the next bytes go into a new one.
		let chunk = Buffer.allocUnsafe(chunkBytes);
		let filled = 0;
		let head: ParsedHead | undefined;
		let bodyLeft = Infinity;
		let chunked: ChunkedDecoder | undefined;
		let finished = false;
		// Created when the head is in; `_read` resumes the socket when the consumer wants more.
		let body: Readable | undefined;
		let waitingForConsumer = false;
		const watch = new ConnectionWatch(limits, (phase, limitMs) => fail(new TransferTimeoutError(phase === 'idle' ? 'silent' : phase, limitMs, url.host)));

		const fail = (error: Error) => {
			watch.stop();
			if (body) body.destroy(error);
			else reject(error);
			socket.destroy();
		};

		const finish = () => {
			if (finished) return;
			finished = true;
			watch.stop();
			if (filled > 0) body!.push(chunk.subarray(0, filled));
			body!.push(null);
			socket.destroy();
		};

		/** Hands the chunk on when full (or nearly); false when the consumer wants no more for now. */
		const handOn = (): boolean => {
			if (chunkBytes - filled >= MIN_READ_BYTES) return true;
			const wantsMore = body!.push(chunk.subarray(0, filled));
			chunk = Buffer.allocUnsafe(chunkBytes);
			filled = 0;
			return wantsMore;
		};

		const startBody = (parsed: ParsedHead, bodyStart: number) => {
			head = parsed;
			const length = parsed.headers['content-length'];
			if (/\bchunked\b/i.test(parsed.headers['transfer-encoding'] ?? '')) chunked = new ChunkedDecoder();
			else if (length !== undefined && /^\d+$/.test(length)) bodyLeft = Number(length);
			body = new Readable({
				highWaterMark: chunkBytes,
				read: () => {
					if (waitingForConsumer) watch.waitForPeer();
					waitingForConsumer = false;
					socket.resume();
				},
				destroy: (error, callback) => {
					watch.stop();
					socket.destroy();
					callback(error);
				},
			});
			// Body bytes that came with the head move to the start of the chunk (nothing handed on yet).
			const early = filled - bodyStart;
			chunk.copyWithin(0, bodyStart, filled);
			filled = 0;
			resolve({ statusCode: parsed.statusCode, headers: parsed.headers, body });
			if (early > 0 || bodyLeft === 0) return receiveBody(early);
			return true;
		};

		const receiveHead = (): boolean => {
			const end = chunk.subarray(0, filled).indexOf(HEAD_END);
			if (end < 0) {
				if (filled >= MAX_HEAD_BYTES) throw new Error('answer head too long');
				return true;
			}
			const parsed = parseHead(chunk.toString('latin1', 0, end));
			if (parsed.statusCode >= 100 && parsed.statusCode < 200) {
				// An interim answer (103 Early Hints): drop it and read the real one.
				chunk.copyWithin(0, end + HEAD_END.length, filled);
				filled -= end + HEAD_END.length;
				return receiveHead();
			}
			return startBody(parsed, end + HEAD_END.length);
		};

		/** `count` new bytes sit in the chunk at `filled`. */
		const receiveBody = (count: number): boolean => {
			if (chunked) {
				filled = chunked.decode(chunk, filled, filled, filled + count);
				if (chunked.done) {
					finish();
					return false;
				}
			} else {
				const useful = Math.min(count, bodyLeft);
				filled += useful;
				bodyLeft -= useful;
				if (bodyLeft === 0) {
					finish();
					return false;
				}
			}
			return handOn();
		};

		const onread = {
			// Each read lands in the free part of the current chunk.
			buffer: () => chunk.subarray(filled),
			callback: (count: number): boolean => {
				if (finished) return false;
				let reading: boolean;
				try {
					if (head) reading = receiveBody(count);
					else {
						filled += count;
						reading = receiveHead();
					}
				} catch (error) {
					fail(error as Error);
					return false;
				}
				if (finished) return false;
				watch.heard();
				// Paused for the consumer: the silence until it asks for more is not the server's.
				if (!reading) {
					watch.pause();
					waitingForConsumer = true;
				}
				return reading;
			},
		};
		const connectOptions = { host, port, onread };
		const socket = secure
			? tls.connect({ ...connectOptions, servername: net.isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] })
			: net.connect(connectOptions);

		socket.on(secure ? 'secureConnect' : 'connect', () => {
			watch.connected();
			const lines = [
				`GET ${url.pathname}${url.search} HTTP/1.1`,
				`Host: ${url.host}`,
				'Connection: close',
				'Accept-Encoding: identity',
				...Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
			];
			socket.write(`${lines.join('\r\n')}\r\n\r\n`);
			watch.waitForPeer();
		});
		socket.on('error', (error) => fail(error));
		socket.on('end', () => {
			// A body without a length ends with the connection; a shorter one ends early, and the
			// caller, counting bytes, reports the truncation.
			if (head) finish();
			else fail(new Error('the server closed the connection before answering'));
		});
		const abort = () => fail(new Error('The operation was aborted'));
		if (options.signal?.aborted) abort();
		options.signal?.addEventListener('abort', abort, { once: true });
		socket.once('close', () => {
			watch.stop();
			options.signal?.removeEventListener('abort', abort);
		});
	});
}
