/**
 * Connect and idle limits of the download GET (transfer/timeouts.ts), shortened for the test: a
 * server that sends the head and part of the body and then nothing ends the download with a clear
 * error instead of holding the execution; a consumer slower than the limit, or a server sending in
 * trickles, is not a stall. Servers are raw TCP on 127.0.0.1.
 */
import { randomBytes } from 'crypto';
import { readdirSync } from 'fs';
import net from 'net';
import type { AddressInfo } from 'net';
import path from 'path';

import * as request from '../../nodes/OneFichier/api/request';
import { rawGet } from '../../nodes/OneFichier/transfer/rawHttp';
import { TransferTimeoutError, useTransferTimeoutsForTesting } from '../../nodes/OneFichier/transfer/timeouts';
import { runNode } from '../helpers/n8n';
import { useTestSimulator } from '../helpers/simulator';

const MiB = 1024 * 1024;
/** Long enough that a busy test machine's pauses are not taken for a stall. */
const IDLE_MS = 1000;
const limits = { connectMs: IDLE_MS, idleMs: IDLE_MS };
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

type Answer = (socket: net.Socket) => Promise<void> | void;
let answer: Answer = () => undefined;
const sockets = new Set<net.Socket>();
let server: net.Server;
let port: number;

beforeAll(async () => {
	server = net.createServer((socket) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
		socket.on('error', () => undefined);
		socket.once('data', () => void answer(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	port = (server.address() as AddressInfo).port;
});
afterEach(() => {
	for (const socket of sockets) socket.destroy();
});
afterAll(async () => await new Promise((resolve) => server.close(resolve)));

const url = (scheme = 'http') => new URL(`${scheme}://127.0.0.1:${port}/dl/token`);
const head = (size: number) => `HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\nContent-Disposition: attachment; filename="stall.bin"\r\n\r\n`;

/** Writes `bytes` as fast as the client takes them. */
async function send(socket: net.Socket, bytes: Buffer): Promise<void> {
	for (let at = 0; at < bytes.length && !socket.destroyed; at += 64 * 1024) {
		if (!socket.write(bytes.subarray(at, at + 64 * 1024))) await new Promise((resolve) => socket.once('drain', resolve));
	}
}

async function readAll(body: NodeJS.ReadableStream): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of body) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

describe('rawGet', () => {
	it('a server that sends the head and part of the body, then nothing: the body fails after the idle limit', async () => {
		answer = async (socket) => {
			socket.write(head(8 * MiB));
			await send(socket, randomBytes(3 * MiB));
		};
		const response = await rawGet(url(), { timeouts: limits });
		expect(response.statusCode).toBe(200);
		const failure = await readAll(response.body).catch((error: Error) => error);
		expect(failure).toBeInstanceOf(TransferTimeoutError);
		expect((failure as TransferTimeoutError).message).toBe(`no byte from 127.0.0.1:${port} for 1 s`);
		expect((failure as TransferTimeoutError).summary).toBe('no byte for 1 s');
	});

	it('a server that accepts the request and never answers: fails after the idle limit', async () => {
		answer = () => undefined;
		await expect(rawGet(url(), { timeouts: limits })).rejects.toThrow(`no byte from 127.0.0.1:${port} for 1 s`);
	});

	it('a connection that never completes (a TLS handshake without answer): fails after the connect limit', async () => {
		// The server accepts the TCP connection but never speaks TLS: https never connects.
		const silent = net.createServer((socket) => sockets.add(socket));
		await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
		const silentPort = (silent.address() as AddressInfo).port;
		try {
			const failure = await rawGet(new URL(`https://127.0.0.1:${silentPort}/dl/token`), { timeouts: limits }).catch((error: Error) => error);
			expect(failure).toBeInstanceOf(TransferTimeoutError);
			expect((failure as TransferTimeoutError).summary).toBe('no connection within 1 s');
		} finally {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => silent.close(resolve));
		}
	});

	it('a consumer that takes nothing for several idle limits is not a stall: the download completes', async () => {
		const content = randomBytes(8 * MiB);
		answer = async (socket) => {
			socket.write(head(content.length));
			await send(socket, content);
		};
		const response = await rawGet(url(), { timeouts: limits });
		await sleep(3 * IDLE_MS);
		expect((await readAll(response.body)).equals(content)).toBe(true);
	});

	it('a server sending small pieces more often than the limit is not a stall, though no chunk fills for longer', async () => {
		const content = randomBytes(64 * 1024);
		answer = async (socket) => {
			socket.write(head(content.length));
			for (let at = 0; at < content.length && !socket.destroyed; at += 8 * 1024) {
				socket.write(content.subarray(at, at + 8 * 1024));
				await sleep(IDLE_MS / 4);
			}
		};
		const response = await rawGet(url(), { timeouts: limits });
		expect((await readAll(response.body)).equals(content)).toBe(true);
	});
});

describe('the download operation', () => {
	const simulator = useTestSimulator();
	let restoreTimeouts: () => void;
	beforeAll(() => (restoreTimeouts = useTransferTimeoutsForTesting(limits)));
	afterAll(() => restoreTimeouts());

	const download = (link: string) => ({ resource: 'file', operation: 'download', file: { __rl: true, mode: 'url', value: link } });

	function storedBinaryFiles(): string[] {
		try {
			return readdirSync(process.env.N8N_BINARY_DATA_STORAGE_PATH!, { recursive: true, withFileTypes: true })
				.filter((entry) => entry.isFile())
				.map((entry) => path.join(entry.parentPath, entry.name));
		} catch {
			return [];
		}
	}

	it('a download server that stalls mid-file fails the item with "stalled: no byte for N s" and keeps nothing', async () => {
		const stored = simulator().state.addFile(0, 'stall.bin', randomBytes(8 * MiB));
		answer = async (socket) => {
			socket.write(head(stored.size));
			await send(socket, randomBytes(3 * MiB));
		};
		// get_token hands out the stalling server's URL instead of the simulator's (until the
		// simulator can stall a download itself); file/info still comes from the simulator.
		const apiRequest = request.apiRequest;
		const spy = jest.spyOn(request, 'apiRequest').mockImplementation(async (ctx, endpoint, ...rest) =>
			endpoint === 'download/get_token.cgi' ? { status: 'OK', url: url().href } : await apiRequest(ctx, endpoint, ...rest),
		);
		const before = storedBinaryFiles();
		try {
			const result = await runNode(simulator(), download(stored.url));
			expect(result.items).toHaveLength(0);
			expect(result.error?.message).toBe('The download of "stall.bin" stalled: no byte for 1 s');
			expect(result.error?.description).toMatch(/received nothing more from 1fichier's download server .* after \d+ of 8388608 bytes/);
			expect(result.error?.description).toContain('nothing of it was kept in n8n');
			expect(storedBinaryFiles()).toEqual(before);
		} finally {
			spy.mockRestore();
		}
	});

	it('a download server that never answers the GET fails the item the same way, naming the link', async () => {
		const stored = simulator().state.addFile(0, 'late.bin', randomBytes(MiB));
		const delayMs = 2 * IDLE_MS;
		simulator().faults.add({ kind: 'slow', match: '/dl/', delayMs });
		const started = Date.now();
		const result = await runNode(simulator(), download(stored.url));
		expect(result.items).toHaveLength(0);
		expect(result.error?.message).toBe(`The download of "${stored.url}" stalled: no byte for 1 s`);
		expect(simulator().stats.byEndpoint['file/info.cgi'] ?? 0).toBe(0);
		// The simulator's delay outlives the download: let it run out before the simulator closes.
		await sleep(delayMs - (Date.now() - started) + 100);
	});
});
