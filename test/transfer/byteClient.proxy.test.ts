/**
 * When n8n is given a proxy (HTTP_PROXY), byte transfers leave Node's plain http client and go
 * through n8n's own request helper, so they use the proxy like every API call does.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import type { IncomingMessage, ServerResponse } from 'http';
import { createServer, request as httpRequest } from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import path from 'path';

import { resetPacersForTesting } from '../../nodes/OneFichier/pacing/pacers';
import { runNode } from '../helpers/n8n';
import type { Simulator } from '../helpers/simulator';
import { startTestSimulator } from '../helpers/simulator';

let sim: Simulator;
const seen: string[] = [];

/** A minimal forward proxy for plain http that records what it forwards. */
const proxy = createServer((incoming: IncomingMessage, answer: ServerResponse) => {
	seen.push(`${incoming.method} ${new URL(incoming.url!).pathname}`);
	const target = new URL(incoming.url!);
	const forwarded = httpRequest(
		{ host: target.hostname, port: target.port, path: target.pathname + target.search, method: incoming.method, headers: incoming.headers },
		(response) => {
			answer.writeHead(response.statusCode ?? 502, response.headers);
			response.pipe(answer);
		},
	);
	forwarded.on('error', () => answer.destroy());
	incoming.pipe(forwarded);
});

beforeAll(async () => {
	sim = await startTestSimulator();
	await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
	process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
	delete process.env.HTTP_PROXY;
	proxy.close();
	await sim.close();
});
beforeEach(() => resetPacersForTesting());

it('uploads and downloads through the proxy', async () => {
	const file = path.join(mkdtempSync(path.join(tmpdir(), 'proxy-test-')), 'through-proxy.bin');
	const content = Buffer.alloc(3 * 1024 * 1024, 7);
	writeFileSync(file, content);
	const uploaded = await runNode(
		sim,
		{ resource: 'file', operation: 'upload', binaryPropertyName: 'data', folder: { __rl: true, mode: 'id', value: '0' } },
		{ items: [{ files: [{ path: file, fileName: 'through-proxy.bin' }] }] },
	);
	expect(uploaded.error).toBeUndefined();
	const url = String(uploaded.items[0].json.url);
	expect(sim.state.readFile(url).equals(content)).toBe(true);

	const downloaded = await runNode(sim, {
		resource: 'file',
		operation: 'download',
		file: { __rl: true, mode: 'url', value: url },
		binaryPropertyName: 'data',
	});
	expect(downloaded.error).toBeUndefined();
	expect(downloaded.items[0].binary?.data.fileName).toBe('through-proxy.bin');

	expect(seen).toEqual(expect.arrayContaining(['POST /upload.cgi', 'GET /end.pl', 'POST /v1/download/get_token.cgi']));
	expect(seen.some((line) => line.startsWith('GET /dl/'))).toBe(true);
});
