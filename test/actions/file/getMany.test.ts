/**
 * file: getMany: the files of a folder (date filters, the walk past the 5,000-item cap), as a real
 * n8n workflow against the simulator, checking the output and the simulator's state; and the error paths.
 */
import { getGlobalState } from 'n8n-workflow';

import { rl, runNode } from '../../helpers/n8n';
import { LISTING_INTERVAL, sim, useSim } from '../../helpers/simulator';
import { fileOp } from './fixture';

useSim();

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
