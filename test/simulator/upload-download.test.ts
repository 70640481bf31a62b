import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';

import type { Simulator } from '../../simulator';
import { opensslWhirlpool, opensslWhirlpools } from '../helpers/whirlpool';
import { api, DEMO_API_KEY, eventually, multipartBody, postUpload, rawRequest, sleep, startRelaxed, uploadThroughNode } from './helpers';

describe('simulator: 3-step upload (§2.2)', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startRelaxed({ timeScale: 0.01 });
	});
	afterAll(() => sim.close());
	afterEach(() => sim.faults.clear());

	it('uploads a multi-MiB file into `did` with its bytes and checksum intact', async () => {
		const folder = sim.state.createFolder(0, 'uploads');
		const content = randomBytes(5 * 1024 * 1024 + 123);
		const links = await uploadThroughNode(sim, [{ filename: 'big.bin', content }], { fields: { did: String(folder.id) } });
		expect(links).toHaveLength(1);
		const [link] = links;
		expect(link.download).toMatch(/^https:\/\/1fichier\.com\/\?[a-z0-9]{20}$/);
		expect(link.size).toBe(String(content.length));
		expect(link.whirlpool).toBe(opensslWhirlpool(content));
		expect(link.remove).toBe('');
		const file = sim.state.findFile(link.download);
		expect(file?.folderId).toBe(folder.id);
		expect(sim.state.readFile(link.download).equals(content)).toBe(true);
	});

	it('takes several file[] parts in one upload; an invalid did means root', async () => {
		const links = await uploadThroughNode(
			sim,
			[
				{ filename: 'one.txt', content: 'first' },
				{ filename: 'two.txt', content: 'second', contentType: 'text/x-custom' },
			],
			{ fields: { did: '999999999' } },
		);
		expect(links.map((link) => link.filename)).toEqual(['one.txt', 'two.txt']);
		expect(sim.state.findFile(links[0].download)?.folderId).toBe(0);
		expect(sim.state.findFile(links[1].download)?.contentType).toBe('text/x-custom');
	});

	it('answers 302 to /end.pl, JSON only with the JSON header (any casing) or ?JSON=1', async () => {
		const { response, nodeHost, uploadId } = await postUpload(sim, [{ filename: 'x.txt', content: 'xx' }]);
		expect(response.status).toBe(302);
		expect(response.headers.location).toBe(`/end.pl?xid=${uploadId}`);
		const endUrl = `http://${nodeHost}/end.pl?xid=${uploadId}`;
		const html = await rawRequest(endUrl, {});
		expect(html.headers['content-type']).toMatch(/text\/html/);
		expect(html.body.toString()).toContain('<table class="premium">');
		for (const headers of [{ JSON: '1' }, { Json: '1' }, { json: '1' }] as Array<Record<string, string>>) {
			const answer = await rawRequest(endUrl, { headers });
			expect(JSON.parse(answer.body.toString())).toMatchObject({ incoming: 0, links: [{ filename: 'x.txt', size: '2' }] });
		}
		const byQuery = await rawRequest(`${endUrl}&JSON=1`, {});
		expect(JSON.parse(byQuery.body.toString()).links).toHaveLength(1);
	});

	it('expires the end.pl result after endResultTtlMs', async () => {
		const expiring = await startRelaxed({ timeScale: 0.001, limits: { endResultTtlMs: 250_000 } });
		try {
			const { nodeHost, uploadId } = await postUpload(expiring, [{ filename: 'x.txt', content: 'xx' }]);
			const endUrl = `http://${nodeHost}/end.pl?xid=${uploadId}`;
			expect((await rawRequest(endUrl, { headers: { JSON: '1' } })).status).toBe(200);
			await sleep(300);
			const gone = await rawRequest(endUrl, { headers: { JSON: '1' } });
			expect(gone.status).toBe(404);
		} finally {
			await expiring.close();
		}
	});

	it('pleaseWait fault: end.pl answers an HTML "Veuillez patienter" page once', async () => {
		const { nodeHost, uploadId } = await postUpload(sim, [{ filename: 'w.txt', content: 'wait' }]);
		sim.faults.add({ match: 'end.pl', kind: 'pleaseWait' });
		const endUrl = `http://${nodeHost}/end.pl?xid=${uploadId}`;
		const waiting = await rawRequest(endUrl, { headers: { JSON: '1' } });
		expect(waiting.status).toBe(200);
		expect(waiting.body.toString()).toMatch(/Veuillez patienter/);
		expect(() => JSON.parse(waiting.body.toString())).toThrow();
		const ready = await rawRequest(endUrl, { headers: { JSON: '1' } });
		expect(JSON.parse(ready.body.toString()).links[0].filename).toBe('w.txt');
		expect(sim.faults.pending()).toBe(0);
	});

	it('drop fault: the connection dies mid-upload and nothing is stored', async () => {
		const before = sim.state.allFiles().length;
		sim.faults.add({ match: 'upload.cgi', kind: 'drop' });
		await expect(postUpload(sim, [{ filename: 'dropped.bin', content: randomBytes(2 * 1024 * 1024) }])).rejects.toThrow();
		expect(sim.state.allFiles().length).toBe(before);
	});

	it('answers "Pas de fichier" when no file part arrives', async () => {
		const { response } = await postUpload(sim, [], { fields: { did: '0' } });
		expect(response.status).toBe(200);
		expect(response.body.toString()).toContain('Pas de fichier');
	});

	it('refuses empty files and reserved characters with an HTML page, storing nothing', async () => {
		const before = sim.state.allFiles().length;
		const empty = await postUpload(sim, [{ filename: 'empty.txt', content: '' }]);
		expect(empty.response.status).toBe(200);
		expect(empty.response.body.toString()).toMatch(/Empty file/);
		for (const name of ['a\\b.txt', 'a<b.txt', 'a>b', 'quote\'s.txt', 'dollar$.txt', 'back`tick', 'acute\u00b4.txt', ' leading.txt']) {
			const { response } = await postUpload(sim, [{ filename: name, content: 'data' }]);
			expect(response.status).toBe(200);
			expect(response.body.toString()).toMatch(/Invalid file name/);
		}
		expect(sim.state.allFiles().length).toBe(before);
	});

	it('refuses unknown upload ids, reused ids, wrong keys and chunked bodies', async () => {
		const unknown = await postUpload(sim, [{ filename: 'a.txt', content: 'a' }], { uploadId: 'NOPE000000' });
		expect(unknown.response.status).toBe(404);
		const first = await postUpload(sim, [{ filename: 'a.txt', content: 'a' }]);
		const again = await postUpload(sim, [{ filename: 'a.txt', content: 'a' }], { uploadId: first.uploadId });
		expect(again.response.status).toBe(409);
		const wrongKey = await postUpload(sim, [{ filename: 'a.txt', content: 'a' }], { key: 'WRONG' });
		expect(wrongKey.response.status).toBe(401);
		const server = await api(sim, 'upload/get_upload_server.cgi', {});
		const body = multipartBody({}, [{ filename: 'c.txt', content: 'chunked' }]);
		const chunked = await rawRequest(`http://${server.json.url}/upload.cgi?id=${server.json.id}`, {
			method: 'POST',
			headers: { 'Content-Type': body.contentType, 'Transfer-Encoding': 'chunked' },
			body: body.stream(),
		});
		expect(chunked.status).toBe(411);
	});

	it('stores anonymous uploads apart from the account, with a removal link', async () => {
		const accountFiles = sim.state.allFiles().length;
		const links = await uploadThroughNode(sim, [{ filename: 'anon.txt', content: 'anonymous' }], { key: null });
		expect(links[0].remove).not.toBe('');
		expect(sim.state.allFiles().length).toBe(accountFiles);
		expect(sim.state.anonymousFiles().map((file) => file.filename)).toContain('anon.txt');
	});

	describe('Whirlpool checksums and integrity faults', () => {
		it('keeps the real Whirlpool of uploaded and added files, the same in end.pl, file/info and file/ls', async () => {
			const uploaded = randomBytes(3 * 1024 * 1024 + 7);
			const [link] = await uploadThroughNode(sim, [{ filename: 'w.bin', content: uploaded }]);
			const added = sim.state.addFile(0, 'added.txt', 'abc');
			const [uploadedHash, abc] = opensslWhirlpools([uploaded, Buffer.from('abc')]);
			expect(link.whirlpool).toBe(uploadedHash);
			expect((await api(sim, 'file/info.cgi', { url: link.download })).json.checksum).toBe(uploadedHash);
			expect(added.checksum).toBe(abc);
			const listed = (await api(sim, 'file/ls.cgi', { folder_id: 0 })).json.items as Array<{ url: string; checksum: string }>;
			expect(listed.find((item) => item.url === added.url)?.checksum).toBe(abc);
		});

		it('corruptUpload stores the next upload with its first byte flipped, and the checksum of what it stored', async () => {
			const content = randomBytes(200_000);
			sim.faults.add({ kind: 'corruptUpload' });
			// The fault waits for an upload: the API calls before it do not use it up.
			const [damaged] = await uploadThroughNode(sim, [{ filename: 'bad.bin', content }]);
			const stored = sim.state.readFile(damaged.download);
			expect(stored.equals(content)).toBe(false);
			expect(stored[0]).toBe(content[0] ^ 0xff);
			expect(stored.subarray(1).equals(content.subarray(1))).toBe(true);
			const [sent, kept] = opensslWhirlpools([content, stored]);
			expect(damaged.whirlpool).toBe(kept);
			expect(damaged.whirlpool).not.toBe(sent);
			const [next] = await uploadThroughNode(sim, [{ filename: 'good.bin', content }]);
			expect(next.whirlpool).toBe(sent);
		});

		it('wrongChecksum stores the right bytes under a wrong checksum, everywhere it is shown', async () => {
			const content = randomBytes(100_000);
			sim.faults.add({ kind: 'wrongChecksum' });
			const [link] = await uploadThroughNode(sim, [{ filename: 'lie.bin', content }]);
			expect(sim.state.readFile(link.download).equals(content)).toBe(true);
			const truth = opensslWhirlpool(content);
			expect(link.whirlpool).toMatch(/^[0-9a-f]{128}$/);
			expect(link.whirlpool).not.toBe(truth);
			expect((await api(sim, 'file/info.cgi', { url: link.download })).json.checksum).toBe(link.whirlpool);
		});

		it('corruptDownload flips the first byte of the next download only', async () => {
			const content = randomBytes(100_000);
			const file = sim.state.addFile(0, 'served.bin', content);
			sim.faults.add({ kind: 'corruptDownload' });
			const token = await api(sim, 'download/get_token.cgi', { url: file.url });
			const damaged = await rawRequest(token.json.url, {});
			expect(damaged.body[0]).toBe(content[0] ^ 0xff);
			expect(damaged.body.subarray(1).equals(content.subarray(1))).toBe(true);
			expect((await rawRequest(token.json.url, {})).body.equals(content)).toBe(true);
		});

		it('endWithoutChecksum leaves whirlpool out of the next end.pl answer; file/info still has it', async () => {
			const content = randomBytes(50_000);
			sim.faults.add({ kind: 'endWithoutChecksum' });
			const [link] = await uploadThroughNode(sim, [{ filename: 'quiet.bin', content }]);
			expect(link).not.toHaveProperty('whirlpool');
			expect((await api(sim, 'file/info.cgi', { url: link.download })).json.checksum).toBe(opensslWhirlpool(content));
		});

		it('computes no checksums when started with checksums: false', async () => {
			const plain = await startRelaxed({ checksums: false });
			try {
				const [link] = await uploadThroughNode(plain, [{ filename: 'n.bin', content: 'no hash' }]);
				expect(link.whirlpool).toBe('');
				expect(plain.state.addFile(0, 'm.txt', 'x').checksum).toBe('');
			} finally {
				await plain.close();
			}
		});

		it('switches how uploads get their checksum over /__simulator/checksums (benchmarks)', async () => {
			const other = await startRelaxed();
			const setMode = (body: unknown) =>
				fetch(`${other.url}/__simulator/checksums`, { method: 'POST', body: JSON.stringify(body) });
			try {
				// More than the writer's four 1 MiB slots: each is reused while earlier writes may be in flight.
				const content = randomBytes(9 * 1024 * 1024 + 5);
				const given = 'ab'.repeat(64);
				expect((await setMode({ mode: 'given', checksum: given })).status).toBe(200);
				const [told] = await uploadThroughNode(other, [{ filename: 'g.bin', content }]);
				expect(told.whirlpool).toBe(given);
				await setMode({ mode: 'none' });
				const [none] = await uploadThroughNode(other, [{ filename: 'n.bin', content }]);
				expect(none.whirlpool).toBe('');
				expect(other.state.readFile(none.download).equals(content)).toBe(true);
				await setMode({ mode: 'compute' });
				const [hashed] = await uploadThroughNode(other, [{ filename: 'h.bin', content }]);
				expect(hashed.whirlpool).toBe(opensslWhirlpool(content));
				expect((await setMode({ mode: 'sometimes' })).status).toBe(400);
			} finally {
				await other.close();
			}
		});

		it('receives and counts uploads without writing them with /__simulator/uploads discard (benchmarks)', async () => {
			const other = await startRelaxed();
			const setUploads = (mode: string) =>
				fetch(`${other.url}/__simulator/uploads`, { method: 'POST', body: JSON.stringify({ mode }) });
			try {
				const content = randomBytes(6 * 1024 * 1024 + 9);
				expect((await setUploads('discard')).status).toBe(200);
				const [dropped] = await uploadThroughNode(other, [{ filename: 'd.bin', content }]);
				expect(dropped.size).toBe(String(content.length));
				expect(dropped.whirlpool).toBe(opensslWhirlpool(content));
				expect(existsSync(other.state.filePath(dropped.download))).toBe(false);
				await setUploads('keep');
				const [kept] = await uploadThroughNode(other, [{ filename: 'k.bin', content }]);
				expect(other.state.readFile(kept.download).equals(content)).toBe(true);
				expect((await setUploads('sometimes')).status).toBe(400);
				// A reset is a fresh simulator: uploads kept and hashed again.
				await setUploads('discard');
				await fetch(`${other.url}/__simulator/reset`, { method: 'POST', body: '{}' });
				const [afterReset] = await uploadThroughNode(other, [{ filename: 'r.bin', content }]);
				expect(afterReset.whirlpool).toBe(opensslWhirlpool(content));
				expect(other.state.readFile(afterReset.download).equals(content)).toBe(true);
			} finally {
				await other.close();
			}
		});
	});
});

describe('simulator: a link of limited speed (linkBytesPerSecond, benchmarks)', () => {
	// Larger than the download's 1 MiB reads and the sockets' buffers, so pacing, not buffering, decides.
	const size = 6 * 1024 * 1024 + 17;
	const bytesPerSecond = 16 * 1024 * 1024;
	const atLinkSpeed = (size / bytesPerSecond) * 1000;
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startRelaxed({ limits: { linkBytesPerSecond: bytesPerSecond } });
	});
	afterAll(() => sim.close());

	it('sends a download no faster than the link, every byte intact', async () => {
		const content = randomBytes(size);
		const file = sim.state.addFile(0, 'paced.bin', content);
		const token = await api(sim, 'download/get_token.cgi', { url: file.url });
		const started = performance.now();
		const answer = await rawRequest(token.json.url, {});
		expect(performance.now() - started).toBeGreaterThanOrEqual(atLinkSpeed * 0.95);
		expect(answer.body.equals(content)).toBe(true);
	});

	it('takes an upload in no faster than the link, every byte stored', async () => {
		const content = randomBytes(size);
		const started = performance.now();
		const [link] = await uploadThroughNode(sim, [{ filename: 'paced-up.bin', content }]);
		expect(performance.now() - started).toBeGreaterThanOrEqual(atLinkSpeed * 0.95);
		expect(sim.state.readFile(link.download).equals(content)).toBe(true);
		expect(link.whirlpool).toBe(opensslWhirlpool(content));
	});
});

describe('simulator: download tokens (§2.3)', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startRelaxed({ timeScale: 0.001, limits: { tokenTtlMs: 600_000 } });
	});
	afterAll(() => sim.close());

	it('streams the bytes with headers, honours Range and expires', async () => {
		const content = randomBytes(300_000);
		const file = sim.state.addFile(0, 'data file.bin', content);
		const token = await api(sim, 'download/get_token.cgi', { url: file.url, single: 1 });
		expect(token.json.status).toBe('OK');
		expect(token.json.url).toMatch(new RegExp(`^${sim.url}/dl/[a-z0-9]+$`));
		const whole = await rawRequest(token.json.url, {});
		expect(whole.status).toBe(200);
		expect(whole.body.equals(content)).toBe(true);
		expect(whole.headers['content-length']).toBe(String(content.length));
		expect(whole.headers['accept-ranges']).toBe('bytes');
		expect(whole.headers['content-disposition']).toContain('attachment; filename="data file.bin"');
		const part = await rawRequest(token.json.url, { headers: { Range: 'bytes=100-199' } });
		expect(part.status).toBe(206);
		expect(part.headers['content-range']).toBe(`bytes 100-199/${content.length}`);
		expect(part.body.equals(content.subarray(100, 200))).toBe(true);
		const tail = await rawRequest(token.json.url, { headers: { Range: 'bytes=-10' } });
		expect(tail.body.equals(content.subarray(content.length - 10))).toBe(true);
		await sleep(650); // tokenTtlMs 600 000 × 0.001
		expect((await rawRequest(token.json.url, {})).status).toBe(410);
		expect((await rawRequest(`${sim.url}/dl/unknowntoken`, {})).status).toBe(404);
	});

	it('accepts every domain of the table, the legacy form and &af=', async () => {
		const file = sim.state.addFile(0, 'x.txt', 'x');
		for (const url of [
			file.url,
			`https://alterupload.com/?${file.id}`,
			`https://dl4free.com/?${file.id}&af=12345`,
			`https://${file.id}.1fichier.com/`,
			`http://www.megadl.fr/?${file.id}`,
		]) {
			const answer = await api(sim, 'file/info.cgi', { url });
			expect(answer.json.filename).toBe('x.txt');
		}
	});

	it('needs the right pass for a password-protected file', async () => {
		const file = sim.state.addFile(0, 'secret.txt', 'secret');
		await api(sim, 'file/chattr.cgi', { urls: [file.url], pass: 'sesame123' });
		const missing = await api(sim, 'download/get_token.cgi', { url: file.url });
		expect(missing.json.status).toBe('KO');
		expect(missing.json.message).toMatch(/Resource not allowed.*Password not provided\./);
		const wrong = await api(sim, 'download/get_token.cgi', { url: file.url, pass: 'nope-nope' });
		expect(wrong.json.message).toMatch(/Resource not allowed.*Invalid password\./);
		const right = await api(sim, 'download/get_token.cgi', { url: file.url, pass: 'sesame123' });
		expect(right.json.status).toBe('OK');
	});

	it('answers 404 "Resource not found #469" for an unknown link', async () => {
		const answer = await api(sim, 'download/get_token.cgi', { url: 'https://1fichier.com/?aaaaaaaaaaaaaaaaaaaa' });
		expect(answer.status).toBe(404);
		expect(answer.json).toEqual({ status: 'KO', message: 'Resource not found #469' });
	});

	it('counts the body bytes of downloads served to their end, Range included', async () => {
		const file = sim.state.addFile(0, 'counted.bin', randomBytes(50_000));
		const token = await api(sim, 'download/get_token.cgi', { url: file.url });
		sim.stats.reset();
		await rawRequest(token.json.url, {});
		await rawRequest(token.json.url, { headers: { Range: 'bytes=0-999' } });
		await rawRequest(token.json.url, { method: 'HEAD' });
		// Counted once the server's side of the pipe ends, which may be just after the client's.
		await eventually(() => (sim.stats.downloadedBytes === 51_000 ? true : undefined));
		expect(sim.stats.transfers.download).toBe(2);
	});

	it('does not count byte transfers as API requests', async () => {
		const file = sim.state.addFile(0, 'y.txt', 'y');
		const token = await api(sim, 'download/get_token.cgi', { url: file.url });
		sim.stats.reset();
		await rawRequest(token.json.url, {});
		expect(sim.stats.requests).toBe(0);
	});
});

it('keeps DEMO_API_KEY usable as Bearer on upload.cgi', () => {
	expect(DEMO_API_KEY).toHaveLength(32);
});
