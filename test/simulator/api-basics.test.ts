import { DEMO_API_KEY, startSimulator, type Simulator } from '../../simulator';
import { api, control as controlSimulator, startRelaxed } from './helpers';

describe('simulator: envelope, auth and routing (§1, §6)', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startRelaxed({ seed: 'demo' });
	});
	afterAll(() => sim.close());

	it('uses a 32-character demo key of the real shape', () => {
		expect(DEMO_API_KEY).toMatch(/^[A-Za-z0-9\-_=]{32}$/);
		expect(sim.baseUrl).toBe(`${sim.url}/v1`);
		expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
	});

	it('answers 401 "Not authenticated #247" without a key or with an unknown key', async () => {
		for (const key of [null, 'WRONG-KEY-000000000000000000000000']) {
			const answer = await api(sim, 'folder/ls.cgi', { folder_id: 0 }, { key });
			expect(answer.status).toBe(401);
			expect(answer.contentType).toBe('application/json; charset=utf-8');
			expect(answer.json).toEqual({ status: 'KO', message: 'Not authenticated #247' });
		}
	});

	it('ignores query-string apikey/api_key', async () => {
		const response = await fetch(`${sim.baseUrl}/folder/ls.cgi?apikey=${DEMO_API_KEY}&api_key=${DEMO_API_KEY}`, { method: 'POST', body: '{}' });
		expect(response.status).toBe(401);
	});

	it.each([
		'folder/list.cgi',
		'file/delete.cgi',
		'folder/create.cgi',
		'upload.cgi',
		'upload/upload.cgi',
		'upload/add_url.cgi',
		'file/move.cgi',
		'link/get_link.cgi',
		'download/save.cgi',
		'folder/add.cgi',
	])('answers 404 for the invented endpoint %s', async (endpoint) => {
		const answer = await api(sim, endpoint, {});
		expect(answer.status).toBe(404);
		expect(answer.text).toMatch(/Not Found/i);
		expect(answer.json.status).toBeUndefined();
	});

	it('answers KO to a GET on a POST endpoint', async () => {
		const answer = await api(sim, 'folder/ls.cgi', undefined, { method: 'GET' });
		expect(answer.json.status).toBe('KO');
		expect(answer.json.message).toMatch(/ #\d+$/);
	});

	it('accepts an empty body, {} , pretty:1 and null values', async () => {
		const empty = await fetch(`${sim.baseUrl}/folder/ls.cgi`, { method: 'POST', headers: { Authorization: `Bearer ${DEMO_API_KEY}` } });
		expect(((await empty.json()) as { name: string }).name).toBe('Root');
		expect((await api(sim, 'folder/ls.cgi', {})).json.status).toBe('OK');
		const pretty = await api(sim, 'folder/ls.cgi', { pretty: 1, folder_id: null, files: null });
		expect(pretty.json.status).toBe('OK');
		expect(pretty.text).toContain('\n');
	});

	it('answers KO to a body that is not a JSON object', async () => {
		const response = await fetch(`${sim.baseUrl}/folder/ls.cgi`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${DEMO_API_KEY}` },
			body: '{not json',
		});
		expect(await response.json()).toEqual({ status: 'KO', message: expect.stringMatching(/#\d+$/) });
	});

	it('shuffles key order between identical answers without breaking JSON', async () => {
		const orders = new Set<string>();
		for (let i = 0; i < 12; i++) {
			const answer = await api(sim, 'folder/ls.cgi', { folder_id: 0 });
			expect(answer.json.name).toBe('Root');
			orders.add(Object.keys(answer.json).join(','));
		}
		expect(orders.size).toBeGreaterThan(1);
	});

	it('serves get_upload_server on GET and POST, key optional, without status', async () => {
		for (const [method, key] of [
			['GET', DEMO_API_KEY],
			['POST', DEMO_API_KEY],
			['POST', null],
		] as const) {
			const answer = await api(sim, 'upload/get_upload_server.cgi', method === 'POST' ? { pretty: 1 } : undefined, { method, key });
			expect(answer.status).toBe(200);
			expect(answer.json.url).toBe(`127.0.0.1:${sim.port}`);
			expect(answer.json.id).toMatch(/^[A-Za-z0-9]{10}$/);
			expect(answer.json.status).toBeUndefined();
		}
	});

	it('reports user/info with string flags and numeric sizes (§2.1)', async () => {
		const answer = await api(sim, 'user/info.cgi');
		expect(answer.json).toMatchObject({ status: 'OK', offer: '1', use_cdn: '0', upload_forbidden: '0' });
		expect(typeof answer.json.cold_storage).toBe('number');
		expect(answer.json.cold_storage).toBeGreaterThan(0);
		expect(typeof answer.json.available_cold_storage).toBe('number');
		expect(answer.json.subscription_end).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
		const changed = await api(sim, 'user/info.cgi', { ru_report: 1, page_limit: 50 });
		expect(changed.json).toMatchObject({ ru_report: '1', page_limit: 50 });
	});

	it('counts API requests per endpoint but not control calls', async () => {
		sim.stats.reset();
		await api(sim, 'folder/ls.cgi', {});
		await api(sim, 'folder/ls.cgi', {});
		await fetch(`${sim.url}/__simulator/state`);
		expect(sim.stats.requests).toBe(2);
		expect(sim.stats.byEndpoint['folder/ls.cgi']).toBe(2);
	});

	it('keeps a demo seed with folders, files and a pending remote job', async () => {
		const root = await api(sim, 'folder/ls.cgi', { folder_id: 0 });
		const names = (root.json.sub_folders as Array<{ name: string }>).map((folder) => folder.name).sort();
		expect(names).toEqual(['backups', 'incoming', 'shared-docs']);
		const jobs = await api(sim, 'remote/ls.cgi', {});
		expect(jobs.json.data[0].execution_date).toBe('1970-01-01 00:00:00');
	});

	it('reports offer 0 and refuses tokens to a free account', async () => {
		const free = await startSimulator({ offer: 0, seed: 'demo' });
		try {
			const file = free.state.allFiles()[0];
			const answer = await api(free, 'download/get_token.cgi', { url: file.url });
			expect(answer.json).toEqual({ status: 'KO', message: 'Must be a customer (Premium, Access) #200' });
		} finally {
			await free.close();
		}
	});
});

describe('simulator: HTTP control endpoints', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startRelaxed();
	});
	afterAll(() => sim.close());

	const control = (action: string, body?: unknown) => controlSimulator(sim, action, body);

	it('creates folders and files, seeds, injects faults, shows state and resets', async () => {
		const folder = (await control('folders', { parentId: 0, name: 'e2e' })).json;
		expect(folder.id).toBeGreaterThan(0);
		const file = (await control('files', { folderId: folder.id, filename: 'a.txt', contentBase64: Buffer.from('hello').toString('base64') })).json;
		expect(file.url).toMatch(/^https:\/\/1fichier\.com\/\?[a-z0-9]{20}$/);
		expect(sim.state.readFile(file.url).toString()).toBe('hello');
		await control('seed', { folderId: folder.id, count: 25, namePrefix: 'bulk-' });
		await control('faults', { kind: '5xx', match: 'folder/ls.cgi' });
		expect((await api(sim, 'folder/ls.cgi', {})).status).toBe(503);
		const state = (await control('state')).json;
		expect(state.files).toHaveLength(26);
		expect(state.files[0].blob).toBeUndefined();
		expect(state.folders.map((f: { name: string }) => f.name)).toEqual(['Root', 'e2e']);
		expect(state.stats.requests).toBe(1);
		await control('reset', {});
		expect(sim.state.allFiles()).toHaveLength(0);
		expect(sim.stats.requests).toBe(0);
		expect((await control('folders', { parentId: 0, name: 'bad/name' })).status).toBe(400);
	});
});
