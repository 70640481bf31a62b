import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Simulator } from '../../simulator';
import { api, eventually, startRelaxed } from './helpers';

describe('simulator: remote upload (§2.6)', () => {
	let sim: Simulator;
	let origin: Server;
	let originUrl: string;
	beforeAll(async () => {
		sim = await startRelaxed({ limits: { remoteFetchDelayMs: 50 } });
		origin = createServer((req, res) => {
			if (req.url === '/files/report.pdf') {
				res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Disposition': 'attachment; filename="Annual report.pdf"' });
				res.end(Buffer.alloc(10_000, 1));
			} else if (req.url === '/plain/data.bin') {
				res.end(`auth=${req.headers['x-token'] ?? ''}`);
			} else if (req.url === '/moved') {
				res.writeHead(302, { Location: '/plain/data.bin' });
				res.end();
			} else {
				res.writeHead(404);
				res.end('missing');
			}
		});
		await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
		originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		await sim.close();
		await new Promise((resolve) => origin.close(resolve));
	});

	it('fetches loopback URLs in the background and reports per-URL results', async () => {
		const folder = sim.state.createFolder(0, 'remote');
		const urls = [`${originUrl}/files/report.pdf`, `${originUrl}/moved`, `${originUrl}/nothing`, 'http://example.com/file.bin'];
		const request = await api(sim, 'remote/request.cgi', { urls, folder_id: folder.id, headers: { 'X-Token': 'abc' } });
		expect(request.json).toMatchObject({ status: 'OK', id: expect.any(Number), urls });
		expect(request.json.date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
		const pending = await api(sim, 'remote/info.cgi', { id: String(request.json.id) });
		expect(pending.json).toMatchObject({ execution_date: '1970-01-01 00:00:00', result: [], links: urls });
		const info = await eventually(async () => {
			const answer = await api(sim, 'remote/info.cgi', { id: request.json.id });
			return answer.json.result.length > 0 ? answer.json : undefined;
		});
		expect(info.execution_date).not.toBe('1970-01-01 00:00:00');
		const [pdf, moved, missing, outside] = info.result;
		expect(pdf).toMatchObject({ status: 'OK', url: urls[0], download_link: expect.stringMatching(/^https:\/\/1fichier\.com\/\?/) });
		expect(sim.state.findFile(pdf.download_link)).toMatchObject({ filename: 'Annual report.pdf', size: 10_000, folderId: folder.id, contentType: 'application/pdf' });
		expect(moved.status).toBe('OK');
		expect(sim.state.readFile(moved.download_link).toString()).toBe('auth=abc');
		expect(sim.state.findFile(moved.download_link)?.filename).toBe('data.bin');
		expect(missing).toMatchObject({ status: 'KO', message: expect.stringContaining('404') });
		expect(outside).toMatchObject({ status: 'KO', message: expect.stringContaining('loopback') });
		const listed = await api(sim, 'remote/ls.cgi', {});
		expect(listed.json.data).toContainEqual({ id: request.json.id, request_date: request.json.date, execution_date: info.execution_date });
		expect(sim.state.remoteJobs().find((job) => job.id === request.json.id)?.done).toBe(true);
	});

	it('refuses requests without urls and unknown ids', async () => {
		expect((await api(sim, 'remote/request.cgi', {})).json.status).toBe('KO');
		expect((await api(sim, 'remote/info.cgi', { id: 1 })).json.status).toBe('KO');
	});
});
