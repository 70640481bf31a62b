/**
 * rawGet: the download client that reads the socket straight into the chunks it hands on. Served by a raw
 * TCP server on 127.0.0.1, so every framing the client claims to handle is sent byte for byte, in
 * small writes that split heads, chunk-size lines and bodies across reads.
 */
import { randomBytes } from 'crypto';
import net from 'net';
import type { AddressInfo } from 'net';

import { rawGet } from '../../nodes/OneFichier/transfer/rawHttp';

let server: net.Server;
let port: number;
/** What the server answers next: the raw bytes, written in pieces of `piece` bytes. */
let answer: { bytes: Buffer; piece: number; hangUp: boolean } = { bytes: Buffer.alloc(0), piece: 1, hangUp: true };
let lastRequest = '';

beforeAll(async () => {
	server = net.createServer((socket) => {
		socket.once('data', async (request) => {
			lastRequest = request.toString('latin1');
			const { bytes, piece, hangUp } = answer;
			for (let at = 0; at < bytes.length && !socket.destroyed; at += piece) {
				if (!socket.write(bytes.subarray(at, at + piece))) await new Promise((resolve) => socket.once('drain', resolve));
			}
			if (hangUp) socket.end();
		});
		socket.on('error', () => undefined);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	port = (server.address() as AddressInfo).port;
});
afterAll(async () => await new Promise((resolve) => server.close(resolve)));

function serve(head: string, body: Buffer | string = '', piece = 7001, hangUp = true): void {
	answer = { bytes: Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(body)]), piece, hangUp };
}

async function readAll(url = `http://127.0.0.1:${port}/dl/token?x=1`, signal?: AbortSignal) {
	const response = await rawGet(new URL(url), { signal, chunkBytes: 256 * 1024 });
	const chunks: Buffer[] = [];
	for await (const chunk of response.body) chunks.push(Buffer.from(chunk as Buffer));
	return { ...response, chunks, body: Buffer.concat(chunks) };
}

it('sends one GET with the path, Host and Connection: close', async () => {
	serve('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n', 'ok');
	await readAll();
	expect(lastRequest).toMatch(/^GET \/dl\/token\?x=1 HTTP\/1\.1\r\n/);
	expect(lastRequest).toContain(`Host: 127.0.0.1:${port}\r\n`);
	expect(lastRequest).toContain('Connection: close\r\n');
});

it('reads a Content-Length body larger than the ring, in slot-sized chunks, byte for byte', async () => {
	const content = randomBytes(3 * 1024 * 1024 + 5);
	serve(`HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: ${content.length}\r\n\r\n`, content, 65_536);
	const { statusCode, headers, body, chunks } = await readAll();
	expect(statusCode).toBe(200);
	expect(headers['content-type']).toBe('video/mp4');
	expect(body.equals(content)).toBe(true);
	expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(256 * 1024);
});

it('ignores bytes past Content-Length', async () => {
	serve('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', 'hello, and more', 3);
	expect((await readAll()).body.toString()).toBe('hello');
});

it('decodes a chunked body (extensions, a trailer), split at every awkward place', async () => {
	const parts = [randomBytes(1), randomBytes(30_000), randomBytes(17), randomBytes(7_000)];
	const encoded = `${parts.map((p, i) => `${p.length.toString(16)}${i === 1 ? ';name=x' : ''}\r\n${p.toString('latin1')}\r\n`).join('')}0\r\nX-Trailer: y\r\n\r\n`;
	for (const piece of [1, 3, 4096]) {
		serve('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', Buffer.from(encoded, 'latin1'), piece);
		expect((await readAll()).body.equals(Buffer.concat(parts))).toBe(true);
	}
});

it('skips an interim 103 answer', async () => {
	serve('HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n', 'abc', 5);
	const { statusCode, body } = await readAll();
	expect(statusCode).toBe(200);
	expect(body.toString()).toBe('abc');
});

it('reads a body without length until the connection ends', async () => {
	serve('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n', 'until the end');
	expect((await readAll()).body.toString()).toBe('until the end');
});

it('ends a body cut short without an error: the caller counts and reports the shortfall', async () => {
	serve('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n', 'only this');
	expect((await readAll()).body.toString()).toBe('only this');
});

it('gives the status and the body of an error answer', async () => {
	serve('HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\n', 'not found');
	const { statusCode, body } = await readAll();
	expect(statusCode).toBe(404);
	expect(body.toString()).toBe('not found');
});

it('rejects when the server closes before answering', async () => {
	serve('');
	await expect(readAll()).rejects.toThrow(/closed the connection/);
});

it('stops a transfer at once when its signal is aborted', async () => {
	serve('HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n', randomBytes(1024 * 1024), 65_536, false);
	const controller = new AbortController();
	const response = await rawGet(new URL(`http://127.0.0.1:${port}/`), { signal: controller.signal, chunkBytes: 256 * 1024 });
	const started = Date.now();
	setTimeout(() => controller.abort(), 50);
	await expect(
		(async () => {
			for await (const chunk of response.body) void chunk;
		})(),
	).rejects.toThrow(/aborted/);
	expect(Date.now() - started).toBeLessThan(5000);
});

describe('every chunk handed on is memory of its own, never written again (n8n\'s database, S3 and Azure stores keep them all)', () => {
	const content = randomBytes(4 * 1024 * 1024 + 333);
	const chunkedEncoding = (bytes: Buffer, size: number) => {
		const parts: Buffer[] = [];
		for (let at = 0; at < bytes.length; at += size) {
			const part = bytes.subarray(at, at + size);
			parts.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'));
		}
		return Buffer.concat([...parts, Buffer.from('0\r\n\r\n')]);
	};

	it.each([
		['Content-Length', `HTTP/1.1 200 OK\r\nContent-Length: ${content.length}\r\n\r\n`, content],
		['chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', chunkedEncoding(content, 100_003)],
	])('%s body: 16 chunks and more, kept to the end', async (_framing, head, body) => {
		serve(head, body, 65_536);
		const response = await rawGet(new URL(`http://127.0.0.1:${port}/`), { chunkBytes: 256 * 1024 });
		// 'data' sees each chunk as rawGet hands it on (a paused reader may get several joined in a copy).
		const kept: Buffer[] = [];
		const asHandedOn: Buffer[] = [];
		response.body.on('data', (chunk: Buffer) => {
			kept.push(chunk);
			asHandedOn.push(Buffer.from(chunk));
		});
		await new Promise((resolve, reject) => response.body.once('end', resolve).once('error', reject));
		expect(kept.length).toBeGreaterThanOrEqual(16);
		expect(Buffer.concat(kept).equals(content)).toBe(true);
		kept.forEach((chunk, index) => expect(chunk.equals(asHandedOn[index])).toBe(true));
		// No two chunks share a byte of memory.
		const regions = kept.map((chunk) => ({ memory: chunk.buffer, from: chunk.byteOffset, to: chunk.byteOffset + chunk.length }));
		for (const [index, region] of regions.entries()) {
			const overlapping = regions.filter((other, at) => at !== index && other.memory === region.memory && other.from < region.to && region.from < other.to);
			expect(overlapping).toHaveLength(0);
		}
	});
});
