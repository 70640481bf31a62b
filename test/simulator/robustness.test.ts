import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Simulator } from '../../simulator';
import { parseCliArguments } from '../../simulator/cli';
import { api, DEMO_API_KEY, eventually, multipartBody, startRelaxed, uploadThroughNode } from './helpers';

describe('simulator: broken clients', () => {
	let sim: Simulator;
	let dataDir: string;
	beforeAll(async () => {
		dataDir = mkdtempSync(join(tmpdir(), 'sim-robust-'));
		sim = await startRelaxed({ dataDir });
	});
	afterAll(async () => {
		await sim.close();
		rmSync(dataDir, { recursive: true, force: true });
	});

	it('stores nothing and leaves no blob behind when the client aborts mid-upload', async () => {
		const server = await api(sim, 'upload/get_upload_server.cgi', {});
		const body = multipartBody({}, [{ filename: 'half.bin', content: Buffer.alloc(4 * 1024 * 1024, 1) }]);
		await new Promise<void>((resolve) => {
			const req = request(`http://${server.json.url}/upload.cgi?id=${server.json.id}`, {
				method: 'POST',
				headers: { 'Content-Type': body.contentType, 'Content-Length': String(body.length), Authorization: `Bearer ${DEMO_API_KEY}` },
			});
			req.on('error', () => resolve());
			req.on('close', () => resolve());
			let sent = 0;
			body.stream().on('data', (chunk: Buffer) => {
				sent += chunk.length;
				if (sent < 2 * 1024 * 1024) req.write(chunk);
				else req.destroy();
			});
		});
		await eventually(() => (readdirSync(join(dataDir, 'blobs')).length === 0 ? true : undefined));
		expect(sim.state.allFiles()).toHaveLength(0);
		// The upload id was not used up: a retry with the same id works.
		const links = await uploadThroughNode(sim, [{ filename: 'retry.txt', content: 'ok' }]);
		expect(links[0].filename).toBe('retry.txt');
	});

	it('rejects a malformed multipart body with an error page', async () => {
		const server = await api(sim, 'upload/get_upload_server.cgi', {});
		const response = await fetch(`http://${server.json.url}/upload.cgi?id=${server.json.id}`, {
			method: 'POST',
			headers: { 'Content-Type': 'multipart/form-data; boundary=abc' },
			body: '--abc\r\nContent-Disposition: form-data; name="file[]"; filename="x"\r\n\r\ntruncated',
			redirect: 'manual',
		});
		expect(response.status).toBe(400);
		expect(await response.text()).toMatch(/Bad request/);
	});
});

describe('simulator CLI arguments', () => {
	it('defaults to port 8765, demo seed, no keys (→ demo key)', () => {
		expect(parseCliArguments([], {})).toEqual({ port: 8765, host: '127.0.0.1', seed: 'demo', timeScale: 1, keys: [], quiet: false, checksums: true, limits: {}, clockOffsetMs: 0 });
		expect(parseCliArguments(['--no-checksums'], {})).toMatchObject({ checksums: false });
	});

	it('reads the environment and the flags; --key repeats and wins over SIMULATOR_KEYS', () => {
		const options = parseCliArguments(
			['--port', '9000', '--seed=empty', '--time-scale', '0.5', '--data-dir', '/tmp/x', '--key', 'k1', '--key=k2'],
			{ SIMULATOR_PORT: '7000', SIMULATOR_KEYS: 'a,b' },
		);
		expect(options).toMatchObject({ port: 9000, seed: 'empty', timeScale: 0.5, dataDir: '/tmp/x', keys: ['k1', 'k2'] });
		expect(parseCliArguments([], { SIMULATOR_PORT: '7000', SIMULATOR_KEYS: ' a , b ' })).toMatchObject({ port: 7000, keys: ['a', 'b'] });
	});

	it('turns the observed listing spacing on with --real-limits or --listings-every-ms, and skews the clock with --clock-offset-ms', () => {
		expect(parseCliArguments(['--real-limits'], {})).toMatchObject({ limits: { listingsEveryMs: 3000 } });
		expect(parseCliArguments(['--real-limits', '--listings-every-ms', '500'], {})).toMatchObject({ limits: { listingsEveryMs: 500 } });
		expect(parseCliArguments(['--clock-offset-ms=-300000'], {})).toMatchObject({ clockOffsetMs: -300_000, limits: {} });
	});
});
