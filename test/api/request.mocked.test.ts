/**
 * The transport against a mocked 1fichier (nock): envelope, error mapping, pacing, back-off with a
 * fake clock, no key in any error. Real HTTP goes through n8n-core's own request helpers.
 */
import { createServer } from 'http';
import type { AddressInfo } from 'net';
import nock from 'nock';

import { apiRequest } from '../../nodes/OneFichier/api/request';
import { clearUserInfoCacheForTesting, getUserInfo } from '../../nodes/OneFichier/api/userInfo';
import type { Clock } from '../../nodes/OneFichier/installation/clock';
import { resetPacersForTesting } from '../../nodes/OneFichier/pacing/pacers';
import { useClockForTesting } from '../../nodes/OneFichier/installation/clock';
import { createApiContext } from '../helpers/n8n';

const BASE = 'https://api.1fichier.test/v1';
const FAKE_KEY = 'FAKE-KEY-for-tests-0000000000000';

/** Virtual time: sleeping advances the clock at once and is recorded. */
function fakeClock() {
	let now = 1_700_000_000_000;
	const sleeps: number[] = [];
	const clock: Clock = {
		now: () => now,
		sleep: async (ms) => {
			sleeps.push(ms);
			now += ms;
		},
	};
	return { clock, sleeps, advance: (ms: number) => (now += ms) };
}

/** folder/ls stands for any call in these tests: the spacing of listings among themselves is off unless asked. */
function context(rateLimits: Record<string, number> = {}) {
	return createApiContext({ apiKey: FAKE_KEY, baseUrl: BASE }, { rateLimits: { listingSpacingSeconds: 0, ...rateLimits } });
}

let restoreClock: () => void;
let time: ReturnType<typeof fakeClock>;

beforeAll(() => {
	nock.disableNetConnect();
});
afterAll(() => {
	nock.enableNetConnect();
	// Take nock's HTTP interceptors out again, so no patched socket outlives this file.
	nock.restore();
});
beforeEach(() => {
	time = fakeClock();
	restoreClock = useClockForTesting(time.clock);
	resetPacersForTesting();
	clearUserInfoCacheForTesting();
});
afterEach(() => {
	restoreClock();
	nock.cleanAll();
});

describe('envelope', () => {
	it('sends a JSON POST with the Bearer key and returns the payload', async () => {
		const scope = nock(BASE, { reqheaders: { authorization: `Bearer ${FAKE_KEY}`, 'content-type': /application\/json/ } })
			.post('/folder/ls.cgi', { folder_id: 0 })
			.reply(200, { name: 'Root', status: 'OK', folder_id: 0, sub_folders: [] });
		const answer = await apiRequest(context(), 'folder/ls.cgi', { folder_id: 0 });
		expect(answer.name).toBe('Root');
		scope.done();
	});

	it('treats status KO on HTTP 200 as an error: a sentence for the user, 1fichier\'s message and the endpoint in the details', async () => {
		nock(BASE).post('/file/rename.cgi').reply(200, { message: 'No file has been renamed #312', status: 'KO' });
		const error = await apiRequest(context(), 'file/rename.cgi', { urls: [] }, { subject: { file: '"File"' } }).catch((e: unknown) => e);
		expect(error).toMatchObject({ message: 'Could not rename the file in "File": 1fichier refused it' });
		expect((error as { description: string }).description).toBe('1fichier answered "No file has been renamed #312" (file/rename.cgi, HTTP 200).');
		expect((error as Error).constructor.name).toBe('NodeApiError');
	});

	it('maps 404 Resource not found to an error with the HTTP status', async () => {
		nock(BASE).post('/file/info.cgi').reply(404, { status: 'KO', message: 'Resource not found #469' });
		const error = await apiRequest(context(), 'file/info.cgi', { url: 'https://1fichier.com/?abcde' }).catch((e: unknown) => e);
		expect(error).toMatchObject({ message: 'Could not read the details of the file: it does not exist', httpCode: '404' });
		expect((error as { description: string }).description).toContain('1fichier answered "Resource not found #469" (file/info.cgi, HTTP 404)');
	});
});

describe('authentication errors', () => {
	it.each([
		[401, { status: 'KO', message: 'Not authenticated #247' }],
		[200, { status: 'KO', message: 'No such user #93' }],
		[403, { status: 'KO', message: 'No such user 142' }],
	])('never retries HTTP %s %j', async (code, body) => {
		const scope = nock(BASE).post('/folder/ls.cgi').once().reply(code, body);
		const error = await apiRequest(context(), 'folder/ls.cgi', { folder_id: 0 }).catch((e: unknown) => e);
		expect((error as Error).message).toBe('Could not list the folder: 1fichier refused the API key');
		expect((error as { description: string }).description).toContain('API key');
		expect((error as { description: string }).description).toContain(`1fichier answered "${body.message}"`);
		expect(time.sleeps.filter((ms) => ms > 1000)).toEqual([]);
		scope.done();
	});
});

describe('refusals: 1fichier answers 403 for every kind, the text decides', () => {
	it.each([
		['Must be a customer (Premium, Access) #200', 'the API key belongs to a free 1fichier account', /free account/],
		['Resource not allowed #631', '1fichier does not let this account reach it', /If it has a download password, give it in "Password" \(under Options\)\. If its owner set access rules \(allowed IP addresses, countries/],
		['Resource not allowed: Password not provided. #631', 'it has a download password and none was given', /has a download password\. Give its password in "Password" \(under Options\)/],
		['Resource not allowed: Invalid password. #631', 'the password in "Password" (under Options) is wrong', /password given for the file in "File" is wrong/],
		['Only 1 location allowed at a time #887', 'the account is in use from another IP address', /another IP address/],
		['Access from professional equipment, must have CDN #950', '1fichier refuses this IP address without CDN', /"Use CDN"/],
		['Owner locked #649', '1fichier has locked the account that uploaded it', /locked the account that uploaded the file in "File"/],
		['Resource not found #469', 'it does not exist', /The file in "File" does not exist/],
		['Something 1fichier never said before #951', '1fichier refused it', /^1fichier answered "Something 1fichier never said before #951" \(file\/info\.cgi, HTTP 403\)\.$/],
	])('"%s" fails at once, with no retry and its own advice', async (message, reason, advice) => {
		const scope = nock(BASE).post('/file/info.cgi').once().reply(403, { status: 'KO', message });
		const error = await apiRequest(context(), 'file/info.cgi', { url: 'https://1fichier.com/?abcde' }, {
			subject: { file: '"File"', password: '"Password" (under Options)' },
		}).catch((e: unknown) => e);
		expect((error as Error).message).toBe(`Could not read the details of the file in "File": ${reason}`);
		expect((error as { description: string }).description).toMatch(advice);
		expect((error as { description: string }).description).toContain(`1fichier answered "${message}" (file/info.cgi, HTTP 403).`);
		expect((error as { description: string }).description).not.toMatch(/rate-limited/);
		expect(time.sleeps.filter((ms) => ms > 1000)).toEqual([]);
		scope.done();
	});

	it('says when the operation has no password to give', async () => {
		nock(BASE).post('/file/info.cgi').reply(403, { status: 'KO', message: 'Resource not allowed: Password not provided. #631' });
		const error = await apiRequest(context(), 'file/info.cgi', { url: 'https://1fichier.com/?abcde' }, { subject: { file: '"File"' } }).catch(
			(e: unknown) => e,
		);
		expect((error as { description: string }).description).toMatch(/This operation cannot send a password/);
	});

	it('does not point only at a password when access rules may refuse the account', async () => {
		nock(BASE).post('/file/info.cgi').reply(403, { status: 'KO', message: 'Resource not allowed #631' });
		const error = await apiRequest(context(), 'file/info.cgi', { url: 'https://1fichier.com/?abcde' }, { subject: { file: '"File"' } }).catch(
			(e: unknown) => e,
		);
		const description = (error as { description: string }).description;
		expect(description).toMatch(/allowed IP addresses, countries or e-mail addresses/);
		expect(description).toMatch(/must allow this account or the IP address n8n runs from/);
		expect(description).not.toMatch(/This operation cannot send a password/);
	});

	it('names the folder parameter for a folder', async () => {
		nock(BASE).post('/folder/rm.cgi').reply(404, { status: 'KO', message: 'Resource not found #469' });
		const error = await apiRequest(context(), 'folder/rm.cgi', { folder_id: 5 }, { subject: { folder: '"Destination Folder"' } }).catch(
			(e: unknown) => e,
		);
		expect((error as Error).message).toBe('Could not delete the folder in "Destination Folder": it does not exist');
		expect((error as { description: string }).description).toMatch(/The folder in "Destination Folder" does not exist/);
	});

	it('reports an HTML 403 page as the anti-bot front, once', async () => {
		const scope = nock(BASE).post('/folder/ls.cgi').once().reply(403, '<html><h1>403 Forbidden</h1></html>', { 'Content-Type': 'text/html' });
		const error = await apiRequest(context(), 'folder/ls.cgi', { folder_id: 0 }).catch((e: unknown) => e);
		expect((error as Error).message).toBe('Could not list the folder: 1fichier\'s anti-bot front blocked the call');
		expect((error as { description: string }).description).toMatch(/VPN and datacenter/);
		expect((error as { description: string }).description).toMatch(/anti-bot front refused the call \(an HTML page: "403 Forbidden"\)/);
		expect(time.sleeps.filter((ms) => ms > 1000)).toEqual([]);
		scope.done();
	});

	it.each(['Flood detected: IP Locked #374', 'Flood detected: User Locked #218', 'Flood detected: User APK Locked #1', 'IP Locked'])(
		'"%s" is a rate limit: it is waited out',
		async (message) => {
			nock(BASE).post('/folder/ls.cgi').reply(403, { status: 'KO', message });
			nock(BASE).post('/folder/ls.cgi').reply(200, { status: 'OK', name: 'Root' });
			await apiRequest(context(), 'folder/ls.cgi', { folder_id: 0 });
			expect(Math.max(...time.sleeps)).toBeGreaterThanOrEqual(24_000);
		},
	);
});

describe('listings', () => {
	it('spaces listings of any folders by Listing Spacing, and other calls by Request Spacing only', async () => {
		nock(BASE).post('/folder/ls.cgi').times(2).reply(200, { status: 'OK', name: 'Root' });
		nock(BASE).post('/file/ls.cgi').reply(200, { status: 'OK', items: [] });
		nock(BASE).post('/file/info.cgi').times(2).reply(200, { url: 'u', filename: 'f', size: 1, date: '2026-01-01 00:00:00' });
		const ctx = context({ listingSpacingSeconds: 3, requestSpacingMs: 500 });
		await apiRequest(ctx, 'folder/ls.cgi', { folder_id: 0 });
		await apiRequest(ctx, 'folder/ls.cgi', { folder_id: 7 });
		await apiRequest(ctx, 'file/ls.cgi', { folder_id: 8 });
		expect(time.sleeps.filter((ms) => ms > 1000)).toEqual([3000, 3000]);
		time.sleeps.length = 0;
		await apiRequest(ctx, 'file/info.cgi', { url: 'https://1fichier.com/?aaaaaa' });
		await apiRequest(ctx, 'file/info.cgi', { url: 'https://1fichier.com/?aaaaaa' });
		expect(time.sleeps.filter((ms) => ms > 500)).toEqual([]);
	});
});

describe('back-off', () => {
	it('waits at least the flood wait after "Flood detected", pausing the key, then succeeds', async () => {
		nock(BASE).post('/folder/ls.cgi').reply(403, { status: 'KO', message: 'Flood detected: IP Locked #374' });
		nock(BASE).post('/folder/ls.cgi').reply(200, { status: 'OK', name: 'Root', sub_folders: [] });
		const answer = await apiRequest(context(), 'folder/ls.cgi', { folder_id: 0 });
		expect(answer.name).toBe('Root');
		const longest = Math.max(...time.sleeps);
		expect(longest).toBeGreaterThanOrEqual(30_000 * 0.8);
	});

	it('recognises a KO "Locked" message on HTTP 200 as a flood', async () => {
		nock(BASE).post('/folder/ls.cgi').reply(200, { status: 'KO', message: 'Flood detected: User Locked #218' });
		nock(BASE).post('/folder/ls.cgi').reply(200, { status: 'OK', name: 'Root' });
		await apiRequest(context(), 'folder/ls.cgi', { folder_id: 0 });
		expect(Math.max(...time.sleeps)).toBeGreaterThanOrEqual(24_000);
	});

	it('retries 5xx and 429 with growing waits', async () => {
		nock(BASE).post('/user/info.cgi').reply(503, '<html>Our services are in maintenance. Please come back after 10:00</html>');
		nock(BASE).post('/user/info.cgi').reply(429, { status: 'KO', message: 'Too many requests' });
		nock(BASE).post('/user/info.cgi').reply(502, 'Bad gateway');
		nock(BASE).post('/user/info.cgi').reply(200, { status: 'OK', email: 'user@example.com' });
		const info = await getUserInfo(context({ requestSpacingMs: 0 }));
		expect(info.email).toBe('user@example.com');
		const retryWaits = time.sleeps.filter((ms) => ms >= 500);
		expect(retryWaits).toHaveLength(3);
		expect(retryWaits[2]).toBeGreaterThan(retryWaits[0]);
	});

	it('gives up with a clear rate-limited error once the maximum wait is spent', async () => {
		nock(BASE).post('/folder/ls.cgi').times(20).reply(403, { status: 'KO', message: 'Flood detected: IP Locked #412' });
		const error = await apiRequest(context({ maxRetryWaitSeconds: 100 }), 'folder/ls.cgi', { folder_id: 0 }).catch((e: unknown) => e);
		expect((error as Error).message).toMatch(/^Could not list the folder: the API key is rate-limited by 1fichier; gave up after waiting \d+ s$/);
		expect((error as { description: string }).description).toContain('1fichier answered "Flood detected: IP Locked #412"');
		const total = time.sleeps.reduce((a, b) => a + b, 0);
		expect(total).toBeLessThanOrEqual(100_000 + 1000);
	});

	it('does not retry a non-idempotent call after a 5xx: the caller must check its effect', async () => {
		const scope = nock(BASE).post('/remote/request.cgi').once().reply(500, 'oops');
		const error = await apiRequest(context(), 'remote/request.cgi', { urls: ['http://127.0.0.1/x'], folder_id: 0 }, { idempotent: false }).catch(
			(e: unknown) => e,
		);
		expect((error as Error).constructor.name).toBe('UnknownOutcomeError');
		scope.done();
	});

	it('retries a non-idempotent call refused by flood protection (it had no effect)', async () => {
		nock(BASE).post('/remote/request.cgi').reply(403, { status: 'KO', message: 'Flood detected: IP Locked #374' });
		nock(BASE).post('/remote/request.cgi').reply(200, { status: 'OK', id: 42 });
		const answer = await apiRequest(context(), 'remote/request.cgi', { urls: ['http://127.0.0.1/x'], folder_id: 0 }, { idempotent: false });
		expect(answer.id).toBe(42);
	});
});

describe('pacing', () => {
	it('spaces the calls of one key by the configured spacing, across parallel callers', async () => {
		nock(BASE).post('/folder/ls.cgi').times(5).reply(200, { status: 'OK' });
		const starts: number[] = [];
		const ctx = context({ requestSpacingMs: 500 });
		await Promise.all(
			Array.from({ length: 5 }, async () => {
				await apiRequest(ctx, 'folder/ls.cgi', { folder_id: 0 });
				starts.push(time.clock.now());
			}),
		);
		const total = time.sleeps.reduce((a, b) => a + b, 0);
		expect(total).toBeGreaterThanOrEqual(4 * 500);
	});
});

describe('secrets', () => {
	it('never puts the API key in an error, even when the server echoes it', async () => {
		nock(BASE).post('/folder/ls.cgi').reply(400, { status: 'KO', message: `bad header Bearer ${FAKE_KEY} for ${FAKE_KEY}` });
		const error = await apiRequest(context(), 'folder/ls.cgi', { folder_id: 0 }).catch((e: unknown) => e);
		const serialised = JSON.stringify(error, Object.getOwnPropertyNames(error as object)) + String((error as Error).stack);
		expect(serialised).not.toContain(FAKE_KEY);
		expect((error as { description: string }).description).toContain('bad header Bearer [redacted] for [redacted]');
	});

	it('never puts the API key in a network error', async () => {
		// A real loopback server that drops every connection (nock cannot fake this for n8n's client).
		const server = createServer((request) => request.socket.destroy());
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		nock.enableNetConnect('127.0.0.1');
		try {
			const ctx = createApiContext(
				{ apiKey: FAKE_KEY, baseUrl: `http://127.0.0.1:${port}/v1` },
				{ rateLimits: { maxRetryWaitSeconds: 0 } },
			);
			const error = await apiRequest(ctx, 'folder/ls.cgi', { folder_id: 0 }).catch((e: unknown) => e);
			expect((error as Error).message).toMatch(/connection/i);
			const serialised = JSON.stringify(error, Object.getOwnPropertyNames(error as object)) + String((error as Error).stack);
			expect(serialised).not.toContain(FAKE_KEY);
		} finally {
			server.close();
			nock.disableNetConnect();
		}
	});
});

describe('user/info cache', () => {
	it('asks 1fichier at most once per five minutes per key', async () => {
		const scope = nock(BASE).post('/user/info.cgi').once().reply(200, { status: 'OK', offer: '1' });
		await getUserInfo(context());
		await getUserInfo(context());
		scope.done();
		time.advance(5 * 60_000 + 1);
		nock(BASE).post('/user/info.cgi').once().reply(200, { status: 'OK', offer: '2' });
		expect((await getUserInfo(context())).offer).toBe('2');
	});
});
