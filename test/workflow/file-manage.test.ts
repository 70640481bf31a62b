/**
 * file: get, getLink, getMany, rename, move, copy, delete, update as real n8n workflows against the
 * simulator, checking the output and the simulator's state; and the error paths.
 */
import { getGlobalState } from 'n8n-workflow';

import { resetPacersForTesting } from '../../nodes/OneFichier/pacing/pacers';
import { runNode } from '../helpers/n8n';
import type { Simulator } from '../helpers/simulator';
import { resetSimulator, startTestSimulator, TEST_TIME_SCALE } from '../helpers/simulator';

const rl = (mode: string, value: string) => ({ __rl: true, mode, value });
/** The simulator's 30 s listing limit, scaled like the rest of its limits. */
const LISTING_INTERVAL = 30 * TEST_TIME_SCALE;

let sim: Simulator;

beforeAll(async () => {
	sim = await startTestSimulator();
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => {
	resetSimulator(sim);
	resetPacersForTesting();
});

const fileOp = (operation: string, extra: Record<string, unknown> = {}) => ({ resource: 'file', operation, ...extra });

describe('file: get', () => {
	it('returns the file item with numbers as numbers and its folder', async () => {
		const folder = sim.state.createFolder(0, 'docs');
		const stored = sim.state.addFile(folder.id, 'a.pdf', 'pdf bytes');
		const result = await runNode(sim, fileOp('get', { file: rl('url', stored.url) }));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({
			url: stored.url,
			filename: 'a.pdf',
			size: 9,
			checksum: stored.checksum,
			contentType: 'application/pdf',
			folderId: folder.id,
			path: 'docs',
			passwordProtected: false,
		});
		// 1fichier's Paris date, and the same instant as ISO 8601 with its offset.
		const { date, dateIso } = result.items[0].json as { date: string; dateIso: string };
		expect(dateIso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$/);
		expect(dateIso.slice(0, 19)).toBe(date.replace(' ', 'T'));
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('accepts a link with &af=… and another 1fichier domain form', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		const result = await runNode(sim, fileOp('get', { file: rl('url', `${stored.url}&af=12345`) }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.url).toBe(stored.url);
	});

	it('a bad URL fails with a NodeOperationError naming "File", before any call', async () => {
		// From an expression: a literal bad link is already flagged by the locator's own validation.
		const result = await runNode(sim, fileOp('get', { file: rl('url', '={{ "https://example.com/?abcdefghij" }}') }));
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe('"File" is not a 1fichier file link: "https://example.com/?abcdefghij"');
		expect(result.error?.description).toMatch(/pick the file From List/);
		expect(sim.stats.requests).toBe(0);
	});

	it('continueOnFail turns a failure into an error item, per input item', async () => {
		const stored = sim.state.addFile(0, 'ok.txt', 'x');
		const result = await runNode(
			sim,
			fileOp('get', { file: rl('url', '={{ $json.link }}') }),
			{
				continueOnFail: true,
				items: [
					{ json: { link: 'https://1fichier.com/?zzzzzzzzzzzzzzzzzzzz' } },
					{ json: { link: stored.url } },
					{ json: { link: 'not a link' } },
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		expect(result.items[0].json.error).toBe('Could not read the details of the file in "File": it does not exist');
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(result.items[1].json.filename).toBe('ok.txt');
		expect(result.items[2].json.error).toContain('"File" is not a 1fichier file link');
		expect(result.items[2].pairedItem).toEqual({ item: 2 });
	});
});

describe('file: getLink', () => {
	it('returns the file url, a download url and when it expires; the token serves the bytes', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'token bytes');
		const before = Date.now();
		const result = await runNode(
			sim,
			fileOp('getLink', { file: rl('url', stored.url), options: { inline: true, single: true, restrictIp: 1, noSsl: false } }),
		);
		expect(result.error).toBeUndefined();
		const json = result.items[0].json;
		expect(json.url).toBe(stored.url);
		expect(typeof json.downloadUrl).toBe('string');
		const expires = Date.parse(json.expiresAt as string);
		expect(expires).toBeGreaterThanOrEqual(before + 5 * 60_000 - 1000);
		expect(expires).toBeLessThanOrEqual(Date.now() + 5 * 60_000 + 1000);
		const response = await fetch(json.downloadUrl as string);
		expect(response.status).toBe(200);
		expect(await response.text()).toBe('token bytes');
	});
});

describe('file: getMany', () => {
	it('returns at most limit items, newest first, with their folder', async () => {
		const folder = sim.state.createFolder(0, 'many');
		sim.state.seedFiles(folder.id, 120);
		const result = await runNode(sim, fileOp('getMany', { folder: rl('id', String(folder.id)), limit: 50 }));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(50);
		const names = result.items.map((item) => item.json.filename);
		expect(names[0]).toBe('seed-120.txt');
		expect(names[49]).toBe('seed-071.txt');
		expect(result.items.every((item) => item.json.folderId === folder.id)).toBe(true);
		expect(sim.stats.byEndpoint['file/ls.cgi']).toBe(1);
	});

	it('returnAll returns every file of a small folder (by path)', async () => {
		const folder = sim.state.createFolder(0, 'small');
		sim.state.addFile(folder.id, 'a.txt', 'a');
		sim.state.addFile(folder.id, 'b.txt', 'b');
		sim.state.addFile(0, 'root.txt', 'r');
		const result = await runNode(sim, fileOp('getMany', { folder: rl('path', 'small'), returnAll: true }));
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.filename).sort()).toEqual(['a.txt', 'b.txt']);
	});

	it('filters by upload date (sentAfter inclusive of that second, sentBefore exclusive)', async () => {
		const folder = sim.state.createFolder(0, 'dated');
		const day = (iso: string) => new Date(iso);
		sim.state.addFile(folder.id, 'jan.txt', 'x', { date: day('2026-01-15T10:00:00Z') });
		sim.state.addFile(folder.id, 'feb.txt', 'x', { date: day('2026-02-15T10:00:00Z') });
		sim.state.addFile(folder.id, 'mar.txt', 'x', { date: day('2026-03-15T10:00:00Z') });
		const result = await runNode(
			sim,
			fileOp('getMany', {
				folder: rl('id', String(folder.id)),
				returnAll: true,
				filters: { sentAfter: '2026-02-01T00:00:00Z', sentBefore: '2026-03-01T00:00:00Z' },
			}),
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.filename)).toEqual(['feb.txt']);

		const after = await runNode(
			sim,
			fileOp('getMany', {
				folder: rl('id', String(folder.id)),
				returnAll: true,
				filters: { sentAfter: '2026-02-15T10:00:00Z' },
				options: { listingIntervalSeconds: LISTING_INTERVAL },
			}),
		);
		expect(after.error).toBeUndefined();
		expect(after.items.map((item) => item.json.filename)).toEqual(['mar.txt', 'feb.txt']);
		expect(sim.stats.floodEvents).toBe(0);
	});

	it('reads a date without offset in the workflow time zone', async () => {
		const folder = sim.state.createFolder(0, 'zoned');
		sim.state.addFile(folder.id, 'feb.txt', 'x', { date: new Date('2026-02-15T10:00:00Z') });
		// The same instant as the workflow's wall clock shows it, without offset (what the date picker stores).
		const wall = new Intl.DateTimeFormat('sv-SE', {
			timeZone: getGlobalState().defaultTimezone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
			hourCycle: 'h23',
		})
			.format(new Date('2026-02-15T10:00:00Z'))
			.replace(' ', 'T');
		const run = async (sentAfter: string) =>
			await runNode(
				sim,
				fileOp('getMany', {
					folder: rl('id', String(folder.id)),
					returnAll: true,
					filters: { sentAfter },
					options: { listingIntervalSeconds: LISTING_INTERVAL },
				}),
			);
		const atThatSecond = await run(wall);
		expect(atThatSecond.error).toBeUndefined();
		expect(atThatSecond.items.map((item) => item.json.filename)).toEqual(['feb.txt']);
		const oneSecondLater = await run(wall.replace(/:00$/, ':01'));
		expect(oneSecondLater.error).toBeUndefined();
		expect(oneSecondLater.items).toHaveLength(0);
		expect(sim.stats.floodEvents).toBe(0);
	});

	it('refuses sentAfter later than sentBefore before any call', async () => {
		const result = await runNode(
			sim,
			fileOp('getMany', {
				folder: rl('id', '0'),
				returnAll: true,
				filters: { sentAfter: '2026-03-01T00:00:00Z', sentBefore: '2026-02-01T00:00:00Z' },
			}),
		);
		expect(result.error?.message).toBe('"Uploaded After" (under Filters) must be earlier than "Uploaded Before" (under Filters)');
		// Paris time, as the simulator and 1fichier date files.
		expect(result.error?.description).toMatch(/is 2026-03-01 01:00:00 and .* is 2026-02-01 01:00:00 \(Paris time.*Swap them/);
		expect(sim.stats.requests).toBe(0);
	});

	it.each([
		['one second apart', 1000],
		['four per second (boundary seconds shared)', 250],
	])('walks past the 5,000-item cap: 12,000 files %s, each exactly once, no flood', async (_label, stepMs) => {
		const folder = sim.state.createFolder(0, 'huge');
		sim.state.seedFiles(folder.id, 12_000, { stepMs, startDate: new Date(Date.now() - 12_000 * stepMs - 3_600_000) });
		const result = await runNode(
			sim,
			fileOp('getMany', {
				folder: rl('id', String(folder.id)),
				returnAll: true,
				options: { listingIntervalSeconds: LISTING_INTERVAL },
			}),
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(12_000);
		const urls = new Set(result.items.map((item) => item.json.url));
		expect(urls.size).toBe(12_000);
		const expected = new Set(sim.state.listFiles(folder.id).map((file) => file.url));
		expect([...urls].every((url) => expected.has(url as string))).toBe(true);
		expect(sim.stats.floodEvents).toBe(0);
		expect(sim.stats.byEndpoint['file/ls.cgi']).toBe(3);
		// Newest first.
		const dates = result.items.map((item) => item.json.date as string);
		expect([...dates].sort().reverse()).toEqual(dates);
	}, 120_000);

	it('with a limit above 5,000 stops after the window that reaches it', async () => {
		const folder = sim.state.createFolder(0, 'big');
		sim.state.seedFiles(folder.id, 12_000);
		const result = await runNode(
			sim,
			fileOp('getMany', { folder: rl('id', String(folder.id)), limit: 6000, options: { listingIntervalSeconds: LISTING_INTERVAL } }),
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(6000);
		expect(result.items[0].json.filename).toBe('seed-12000.txt');
		expect(result.items[5999].json.filename).toBe('seed-06001.txt');
		expect(sim.stats.byEndpoint['file/ls.cgi']).toBe(2);
		expect(sim.stats.floodEvents).toBe(0);
	}, 60_000);
});

describe('file: rename', () => {
	it('renames the file; the link stays', async () => {
		const stored = sim.state.addFile(0, 'old.txt', 'x');
		const result = await runNode(sim, fileOp('rename', { file: rl('url', stored.url), newName: 'new.txt' }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ url: stored.url, filename: 'new.txt' });
		expect(sim.state.findFile(stored.url)?.filename).toBe('new.txt');
	});

	it('a server error on rename.cgi is retried and the rename still happens once', async () => {
		const stored = sim.state.addFile(0, 'old.txt', 'x');
		sim.faults.add({ match: 'file/rename.cgi', kind: '5xx' });
		const result = await runNode(sim, fileOp('rename', { file: rl('url', stored.url), newName: 'new.txt' }));
		expect(result.error).toBeUndefined();
		expect(sim.state.findFile(stored.url)?.filename).toBe('new.txt');
		expect(sim.stats.byEndpoint['file/rename.cgi']).toBe(2);
	});

	it('the same name is not sent (1fichier would answer "No file has been renamed")', async () => {
		const stored = sim.state.addFile(0, 'same.txt', 'x');
		const result = await runNode(sim, fileOp('rename', { file: rl('url', stored.url), newName: 'same.txt' }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ url: stored.url, filename: 'same.txt' });
		expect(sim.stats.byEndpoint['file/rename.cgi']).toBeUndefined();
	});

	it('refuses a reserved character before any call, naming "New Name" and a name that would do', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		const result = await runNode(sim, fileOp('rename', { file: rl('url', stored.url), newName: 'a<b>.txt' }));
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe('"New Name" contains the character "<", which 1fichier does not allow in names: "a<b>.txt"');
		expect(result.error?.description).toMatch(/Change the name in "New Name", e\.g\. to "a＜b＞\.txt" \(the same name with look-alike characters\)\. Folder → Back Up/);
		expect(sim.stats.requests).toBe(0);
	});
});

describe('file: move', () => {
	it('moves into a folder and renames when asked', async () => {
		const dest = sim.state.createFolder(0, 'dest');
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		const result = await runNode(
			sim,
			fileOp('move', { file: rl('url', stored.url), destinationFolder: rl('id', String(dest.id)), options: { newName: 'b.txt' } }),
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ url: stored.url, filename: 'b.txt', folderId: dest.id });
		const moved = sim.state.findFile(stored.url)!;
		expect(moved.folderId).toBe(dest.id);
		expect(moved.filename).toBe('b.txt');
	});

	it('a newName equal to the current name is not sent as rename', async () => {
		const dest = sim.state.createFolder(0, 'dest');
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		const result = await runNode(
			sim,
			fileOp('move', { file: rl('url', stored.url), destinationFolder: rl('path', 'dest'), options: { newName: 'a.txt' } }),
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ url: stored.url, filename: 'a.txt', folderId: dest.id });
		expect(sim.state.findFile(stored.url)!.folderId).toBe(dest.id);
	});
});

describe('file: copy', () => {
	it('copies into a folder under a new name; the original stays', async () => {
		const dest = sim.state.createFolder(0, 'dest');
		const stored = sim.state.addFile(0, 'a.txt', 'copy me');
		const result = await runNode(
			sim,
			fileOp('copy', { file: rl('url', stored.url), destinationFolder: rl('id', String(dest.id)), options: { newName: 'c.txt' } }),
		);
		expect(result.error).toBeUndefined();
		const json = result.items[0].json;
		expect(json).toMatchObject({ sourceUrl: stored.url, filename: 'c.txt', folderId: dest.id });
		expect(json.url).not.toBe(stored.url);
		const copy = sim.state.findFile(json.url as string)!;
		expect(copy.folderId).toBe(dest.id);
		expect(copy.filename).toBe('c.txt');
		expect(sim.state.readFile(copy.url).toString()).toBe('copy me');
		expect(sim.state.findFile(stored.url)?.folderId).toBe(0);
	});

	it('is not retried blindly after a server error: the item fails saying the copy may exist', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		sim.faults.add({ match: 'file/cp.cgi', kind: '5xx', status: 502 });
		const result = await runNode(sim, fileOp('copy', { file: rl('url', stored.url), destinationFolder: rl('id', '0') }));
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('Could not copy the file in "File": 1fichier answered HTTP 502');
		expect(result.error?.description).toMatch(/^The copy may or may not have been made: look in the folder of "Destination Folder" before running again\./);
		expect(sim.stats.byEndpoint['file/cp.cgi']).toBe(1);
		expect(sim.state.listFiles(0)).toHaveLength(1);
	});

	it('keeps the name without newName', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		const result = await runNode(sim, fileOp('copy', { file: rl('url', stored.url), destinationFolder: rl('id', '0') }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ filename: 'a.txt', folderId: 0 });
		expect(sim.state.listFiles(0).filter((file) => file.filename === 'a.txt')).toHaveLength(2);
	});
});

describe('file: delete', () => {
	it('deletes the file', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		const keep = sim.state.addFile(0, 'b.txt', 'x');
		const result = await runNode(sim, fileOp('delete', { file: rl('url', stored.url) }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ url: stored.url, deleted: true });
		expect(sim.state.findFile(stored.url)).toBeUndefined();
		expect(sim.state.findFile(keep.url)).toBeDefined();
	});

	it('an unknown file is a NodeApiError', async () => {
		const result = await runNode(sim, fileOp('delete', { file: rl('url', 'https://1fichier.com/?zzzzzzzzzzzzzzzzzzzz') }));
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('Could not delete the file in "File": it does not exist');
	});
});

describe('file: update', () => {
	it('sets description, password, flags and access rules, and returns the file', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		const result = await runNode(
			sim,
			fileOp('update', {
				file: rl('url', stored.url),
				updateFields: {
					description: 'quarterly report',
					password: 'secret-1',
					inline: true,
					noSsl: true,
					cdn: false,
					acl: { rules: { ip: '203.0.113.0/24, 198.51.100.7', country: 'fr,BE', email: '', premium: true } },
				},
			}),
		);
		expect(result.error).toBeUndefined();
		const file = sim.state.findFile(stored.url)!;
		expect(file.description).toBe('quarterly report');
		expect(file.pass).toBe('secret-1');
		expect(file.inline).toBe(1);
		expect(file.noSsl).toBe(1);
		expect(file.cdn).toBe(0);
		expect(file.acl).toEqual({ ip: ['203.0.113.0/24', '198.51.100.7'], country: ['FR', 'BE'], email: [], premium: 1 });
		expect(result.items[0].json).toMatchObject({
			url: stored.url,
			description: 'quarterly report',
			passwordProtected: true,
			inline: true,
			noSsl: true,
		});
	});

	it('an empty password removes it; empty rules remove the access rules', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		await runNode(sim, fileOp('update', { file: rl('url', stored.url), updateFields: { password: 'secret-1', acl: { rules: { country: 'FR' } } } }));
		expect(sim.state.findFile(stored.url)!.pass).toBe('secret-1');
		const result = await runNode(
			sim,
			fileOp('update', { file: rl('url', stored.url), updateFields: { password: '', acl: { rules: {} } } }),
		);
		expect(result.error).toBeUndefined();
		const file = sim.state.findFile(stored.url)!;
		expect(file.pass).toBe('');
		expect(file.acl).toEqual({ ip: [], country: [], email: [], premium: 0 });
	});

	it('refuses a password shorter than 6 characters before any call', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		const result = await runNode(sim, fileOp('update', { file: rl('url', stored.url), updateFields: { password: 'abc' } }));
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe('"Password" (under Update Fields) must be at least 6 characters long');
		expect(sim.stats.requests).toBe(0);
	});

	it('refuses an empty updateFields', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		const result = await runNode(sim, fileOp('update', { file: rl('url', stored.url), updateFields: {} }));
		expect(result.error?.message).toBe('"Update Fields" is empty: nothing to update');
		expect(sim.stats.requests).toBe(0);
	});
});
