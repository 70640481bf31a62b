/**
 * Folder → Back Up as a real n8n workflow against the simulator: nights of a NAS backup, the
 * decisions from metadata and their edges, batches, names and files 1fichier refuses, mirror's
 * safety rules, the summary and the failure path.
 */
import { chmodSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'fs';
import fsPromises from 'fs/promises';
import path from 'path';

import { useBatchMaxBytesForTesting } from '../../../nodes/OneFichier/backup/uploads';
import { clearListingGateForTesting } from '../../../nodes/OneFichier/pacing/listingGate';
import { useTransferTimeoutsForTesting } from '../../../nodes/OneFichier/transfer/timeouts';
import { backUp, failedSummaryOf, folderIdOf, remoteTree, summaryOf, useSourceDirectory, writeFiles } from '../../helpers/backup';
import type { RequestLogEntry } from '../../../simulator';
import type { Simulator } from '../../helpers/simulator';
import { useTestSimulator } from '../../helpers/simulator';

/** Called with each request the simulator answered (upload.cgi: once the upload is stored). */
let onAnswered: ((entry: RequestLogEntry) => void) | undefined;
const simulator = useTestSimulator({ onRequest: (entry) => onAnswered?.(entry) });
const source = useSourceDirectory();
let sim: Simulator;

beforeEach(() => {
	sim = simulator();
	clearListingGateForTesting();
	onAnswered = undefined;
});
afterEach(async () => {
	jest.restoreAllMocks();
	// Not part of the shared reset.
	sim.clock.setOffsetMs(0);
	await fetch(`${sim.url}/__simulator/checksums`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"mode":"compute"}' });
});

const copyOf = () => remoteTree(sim, folderIdOf(sim, 'backups/nas')!);
const nas = (relative = '') => path.join(source.nas(), relative);
const uploads = () => sim.stats.transfers['upload.cgi'] ?? 0;

/**
 * 1fichier dates copies in whole seconds, and a file counts as unchanged when its last change is
 * earlier than its copy's date minus the clock-skew margin. Tests use a margin of half a second
 * (Clock Skew Margin, in minutes) and let files settle this long before their first backup, so
 * that they are plainly older than their copies.
 */
const MARGIN = { clockSkewMinutes: 0.5 / 60 };
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));
const settle = async () => await sleep(2000);

async function firstNight(files: Record<string, string | Buffer>, options: Record<string, unknown> = {}) {
	writeFiles(nas(), files);
	await settle();
	const summary = summaryOf(await backUp(sim, nas(), { ...MARGIN, ...options }));
	sim.stats.reset();
	return summary;
}

describe('nights of a backup', () => {
	it('sends everything the first night in one upload per folder, then reads and sends nothing on an unchanged night', async () => {
		const first = await firstNight({ 'a.txt': 'alpha', 'photos/b.jpg': 'bravo', 'photos/2025/c.jpg': 'charlie', "photos/L'été.jpg": 'summer' });
		expect(first.files).toMatchObject({ seen: 4, sent: 4, unchanged: 0, failed: 0, verified: 4 });
		expect(first.folders).toMatchObject({ created: 2 });
		expect(copyOf()).toEqual({ 'a.txt': 'alpha', 'photos/b.jpg': 'bravo', "photos/L'été.jpg": 'summer', 'photos/2025/c.jpg': 'charlie' });

		const second = summaryOf(await backUp(sim, nas(), MARGIN));
		expect(second.files).toMatchObject({ seen: 4, sent: 0, unchanged: 4, failed: 0 });
		expect(second.bytes).toMatchObject({ sent: 0, readFromDisk: 0 });
		expect(uploads()).toBe(0);
		// One listing per folder of the tree (3), and the two parents on the destination's path.
		expect(sim.stats.byEndpoint['folder/ls.cgi']).toBe(3 + 2);
		expect(sim.stats.byEndpoint['file/ls.cgi'] ?? 0).toBe(0);
		expect(second.apiCalls).toBe(sim.stats.requests);
	});

	it('counts its upload sessions: one per folder, the first night', async () => {
		await firstNight({ 'a.txt': 'a', 'b.txt': 'b', 'sub/c.txt': 'c', 'sub/d.txt': 'd', 'sub/deeper/e.txt': 'e' });
		// firstNight reset the stats; run a fresh tree into a second copy to count.
		const summary = summaryOf(await backUp(sim, nas(), MARGIN, { folder: { __rl: true, mode: 'path', value: 'backups/other' } }));
		expect(summary.files).toMatchObject({ sent: 5 });
		expect(sim.stats.byEndpoint['upload/get_upload_server.cgi']).toBe(3);
		expect(summary.apiCallsByEndpoint).toMatchObject({ 'upload/get_upload_server.cgi': 3, 'upload.cgi': 3, 'end.pl': 3 });
	});

	it('sends a same-size edit again, then removes the copy it replaces', async () => {
		await firstNight({ 'doc.txt': 'version-1', 'other.txt': 'stays' });
		writeFileSync(nas('doc.txt'), 'version-2');
		const summary = summaryOf(await backUp(sim, nas(), MARGIN));
		expect(summary.files).toMatchObject({ sent: 1, updated: 1, unchanged: 1 });
		expect(summary.replacedCopies).toBe(1);
		expect(copyOf()).toEqual({ 'doc.txt': 'version-2', 'other.txt': 'stays' });
	});

	it('keeps the older copy when 1fichier gives no checksum to prove the new one good', async () => {
		await firstNight({ 'doc.txt': 'version-1' });
		await fetch(`${sim.url}/__simulator/checksums`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"mode":"none"}' });
		writeFileSync(nas('doc.txt'), 'version-2');
		const summary = summaryOf(await backUp(sim, nas(), MARGIN));
		expect(summary.files).toMatchObject({ sent: 1, updated: 1, verified: 0 });
		expect(summary.replacedCopies).toBe(0);
		expect(Object.values(copyOf()).sort()).toEqual(['version-1', 'version-2']);
	});

	it('sends a same-size edit whose modification time was put back (as copy tools do)', async () => {
		await firstNight({ 'photo.jpg': 'original' });
		const before = statSync(nas('photo.jpg'));
		writeFileSync(nas('photo.jpg'), 'REPLACED');
		utimesSync(nas('photo.jpg'), before.atime, before.mtime);
		const summary = summaryOf(await backUp(sim, nas(), MARGIN));
		expect(summary.files).toMatchObject({ sent: 1, updated: 1 });
		expect(copyOf()).toEqual({ 'photo.jpg': 'REPLACED' });
	});

	it('with Compare: Checksum, reads a file whose status changed but whose bytes did not, and sends nothing', async () => {
		await firstNight({ 'a.txt': 'same bytes' });
		chmodSync(nas('a.txt'), 0o600); // a new status-change time, same content
		expect(summaryOf(await backUp(sim, nas(), { ...MARGIN, compare: 'checksum' })).files).toMatchObject({ sent: 0, unchanged: 1 });
		expect(uploads()).toBe(0);
		// By size and date alone the status change sends it once.
		expect(summaryOf(await backUp(sim, nas(), MARGIN)).files).toMatchObject({ sent: 1, updated: 1 });
	});
});

describe('clocks apart', () => {
	it.each([
		['ahead of', 1],
		['behind', -1],
	])("with 1fichier's clock %s the host's by less than the margin, an unchanged night sends nothing and an edit is sent", async (_label, sign) => {
		// The scale of the real case (clocks 5 minutes apart, a 10-minute margin), in seconds.
		const margin = { clockSkewMinutes: 2 / 60 };
		sim.clock.setOffsetMs(sign * 1000);
		writeFiles(nas(), { 'a.txt': 'alpha', 'b.txt': 'bravo' });
		// Older than margin + skew + the second that whole-second dates may lose.
		await sleep(4500);
		expect(summaryOf(await backUp(sim, nas(), margin)).files).toMatchObject({ sent: 2 });
		expect(summaryOf(await backUp(sim, nas(), margin)).files).toMatchObject({ sent: 0, unchanged: 2 });
		writeFileSync(nas('b.txt'), 'BRAVO');
		expect(summaryOf(await backUp(sim, nas(), margin)).files).toMatchObject({ sent: 1, updated: 1, unchanged: 1 });
		expect(copyOf()).toEqual({ 'a.txt': 'alpha', 'b.txt': 'BRAVO' });
	});

	it.each([
		['5 minutes ahead of', 5],
		['5 minutes behind', -5],
	])("with 1fichier's clock %s the host's and the default margin, an edit right after the upload is sent", async (_label, minutes) => {
		sim.clock.setOffsetMs(minutes * 60_000);
		writeFiles(nas(), { 'a.txt': 'alpha' });
		expect(summaryOf(await backUp(sim, nas())).files).toMatchObject({ sent: 1 });
		writeFileSync(nas('a.txt'), 'ALPHA');
		expect(summaryOf(await backUp(sim, nas())).files).toMatchObject({ sent: 1, updated: 1 });
		expect(copyOf()).toEqual({ 'a.txt': 'ALPHA' });
	});
});

describe('a file modified during its own upload', () => {
	it('is sent again when it changed while being sent, and only the good copy stays', async () => {
		writeFiles(nas(), { 'busy.txt': 'first-bytes', 'calm.txt': 'calm' });
		let edits = 0;
		onAnswered = (entry) => {
			if (entry.path.endsWith('/upload.cgi') && edits++ === 0) writeFileSync(nas('busy.txt'), 'other-bytes');
		};
		const summary = summaryOf(await backUp(sim, nas(), MARGIN));
		expect(summary.files).toMatchObject({ sent: 2, failed: 0 });
		expect(uploads()).toBe(2);
		expect(copyOf()).toEqual({ 'busy.txt': 'other-bytes', 'calm.txt': 'calm' });
	});

	it('is reported as failed when it keeps changing, with no wrong copy left and the older copy kept', async () => {
		await firstNight({ 'log.txt': 'old-content' });
		writeFileSync(nas('log.txt'), 'new-content');
		let version = 0;
		onAnswered = (entry) => {
			if (entry.path.endsWith('/upload.cgi')) writeFileSync(nas('log.txt'), `changing-${version++}`);
		};
		const summary = failedSummaryOf(await backUp(sim, nas(), MARGIN, {}, { continueOnFail: true }));
		expect(summary.files).toMatchObject({ sent: 0, failed: 1 });
		expect(summary.failures).toEqual([{ path: 'log.txt', reason: expect.stringContaining('changed while it was being sent') }]);
		expect(copyOf()).toEqual({ 'log.txt': 'old-content' });
	});
});

describe('names and files 1fichier refuses', () => {
	it('backs up names with reserved characters through look-alikes, and finds them unchanged the next night', async () => {
		const files = {
			"L'été.jpg": '1',
			'$RECYCLE.BIN/x.txt': '2',
			' leading.txt': '3',
			'trailing .txt': '4',
			'a<b>"c"`d`\\e.txt': '5',
			'already＇looks.txt': '6',
			'caf´.txt': '7',
		};
		const first = await firstNight(files);
		expect(first.files).toMatchObject({ sent: 7, failed: 0 });
		expect(copyOf()).toEqual(files);
		expect(summaryOf(await backUp(sim, nas(), MARGIN)).files).toMatchObject({ sent: 0, unchanged: 7 });
	});

	it('skips empty files and links with their reason, fails unreadable ones, and backs up the rest', async () => {
		writeFiles(nas(), { 'empty.txt': '', 'ok.txt': 'ok', 'locked.txt': 'secret', 'b/ok2.txt': 'ok2' });
		symlinkSync(nas('ok.txt'), nas('link.txt'));
		const open = fsPromises.open;
		jest.spyOn(fsPromises, 'open').mockImplementation((async (file: string, ...rest: unknown[]) => {
			if (String(file).endsWith('locked.txt')) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
			return await (open as (...args: unknown[]) => Promise<unknown>)(file, ...rest);
		}) as typeof fsPromises.open);

		const result = await backUp(sim, nas(), { ...MARGIN, output: 'summaryAndFiles' }, {}, { continueOnFail: true });
		const summary = failedSummaryOf(result);
		expect(summary.files).toMatchObject({ seen: 5, sent: 2, skipped: 2, failed: 1 });
		expect(summary.skippedReasons).toMatchObject({ empty: 1, symlink: 1 });
		expect(summary.failures).toEqual([{ path: 'locked.txt', reason: expect.stringContaining('could not be opened') }]);
		expect(copyOf()).toEqual({ 'ok.txt': 'ok', 'b/ok2.txt': 'ok2' });
		const actions = result.items.slice(1).map((item) => [item.json.path, item.json.action]);
		expect(actions).toEqual(
			expect.arrayContaining([
				['empty.txt', 'skipped'],
				['link.txt', 'skipped'],
				['locked.txt', 'failed'],
				['ok.txt', 'sent'],
				['b/ok2.txt', 'sent'],
			]),
		);
	});

	it('counts a file that vanished before it was sent as failed and goes on', async () => {
		writeFiles(nas(), { 'a.txt': 'a', 'gone.txt': 'g' });
		const lstat = fsPromises.lstat;
		let seen = 0;
		jest.spyOn(fsPromises, 'lstat').mockImplementation((async (file: string, ...rest: unknown[]) => {
			// The folder's listing sees it; the check before sending does not.
			if (String(file).endsWith('gone.txt') && seen++ > 0) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
			return await (lstat as (...args: unknown[]) => Promise<unknown>)(file, ...rest);
		}) as typeof fsPromises.lstat);
		const summary = failedSummaryOf(await backUp(sim, nas(), MARGIN, {}, { continueOnFail: true }));
		expect(summary.files).toMatchObject({ sent: 1, failed: 1 });
		expect(summary.failures).toEqual([{ path: 'gone.txt', reason: 'the file vanished before it was sent' }]);
	});
});

describe('batches', () => {
	it('gathers files per folder, up to 500 and the byte bound, a 70 MiB file with the small ones', async () => {
		const files: Record<string, string | Buffer> = {};
		for (let index = 0; index < 1100; index++) files[`many/f${String(index).padStart(4, '0')}.txt`] = `file ${index}`;
		// Past the ring (16 MiB) and the old 64 MiB "large" threshold: still gathered, as two API
		// calls per upload session cost more than the bytes of such a file.
		files['many/big.bin'] = Buffer.alloc(70 * 1024 * 1024, 7);
		writeFiles(nas(), files);
		const summary = summaryOf(await backUp(sim, nas(), MARGIN));
		expect(summary.files).toMatchObject({ seen: 1101, sent: 1101, verified: 1101, failed: 0 });
		// 1,101 files: 500 + 500 + 101.
		expect(sim.stats.byEndpoint['upload/get_upload_server.cgi']).toBe(3);
		expect(sim.stats.uploadedFiles).toBe(1101);
		const big = sim.state.listFiles(folderIdOf(sim, 'backups/nas/many')!).find((file) => file.filename === 'big.bin')!;
		expect(big.size).toBe(70 * 1024 * 1024);
	});

	it('sends a file as large as the byte bound on its own, and gathers the others up to the bound', async () => {
		const MiB = 1024 * 1024;
		const restoreBound = useBatchMaxBytesForTesting(8 * MiB);
		try {
			writeFiles(nas(), {
				'media/a.bin': Buffer.alloc(3 * MiB, 1),
				'media/b.bin': Buffer.alloc(3 * MiB, 2),
				'media/c.bin': Buffer.alloc(3 * MiB, 3),
				'media/huge.bin': Buffer.alloc(10 * MiB, 4),
			});
			const summary = summaryOf(await backUp(sim, nas(), MARGIN));
			expect(summary.files).toMatchObject({ sent: 4, verified: 4, failed: 0 });
			// a + b (6 MiB), c (a + b + c would pass 8 MiB), huge alone.
			expect(sim.stats.byEndpoint['upload/get_upload_server.cgi']).toBe(3);
			const sizes = sim.state.listFiles(folderIdOf(sim, 'backups/nas/media')!).map((file) => [file.filename, file.size]);
			expect(sizes.sort()).toEqual([['a.bin', 3 * MiB], ['b.bin', 3 * MiB], ['c.bin', 3 * MiB], ['huge.bin', 10 * MiB]]);
		} finally {
			restoreBound();
		}
	});
});

describe('upload faults', () => {
	it('deletes a copy whose checksum is not the bytes sent and sends that file again; the rest of its upload stands', async () => {
		writeFiles(nas(), { 'a.txt': 'alpha', 'b.txt': 'bravo', 'c.txt': 'charlie' });
		sim.faults.add({ kind: 'corruptUpload', filename: 'b.txt' });
		const summary = summaryOf(await backUp(sim, nas(), MARGIN));
		expect(summary.files).toMatchObject({ sent: 3, verified: 3, failed: 0 });
		expect(uploads()).toBe(2);
		expect(copyOf()).toEqual({ 'a.txt': 'alpha', 'b.txt': 'bravo', 'c.txt': 'charlie' });
	});

	it('reports a file whose copies are wrong twice, and leaves no wrong copy', async () => {
		writeFiles(nas(), { 'a.txt': 'alpha', 'b.txt': 'bravo' });
		sim.faults.add({ kind: 'wrongChecksum', filename: 'b.txt', times: 2 });
		const summary = failedSummaryOf(await backUp(sim, nas(), MARGIN, {}, { continueOnFail: true }));
		expect(summary.files).toMatchObject({ sent: 1, failed: 1 });
		expect(summary.failures).toEqual([{ path: 'b.txt', reason: expect.stringContaining('Whirlpool') }]);
		expect(copyOf()).toEqual({ 'a.txt': 'alpha' });
	});

	it('starts an upload cut off midway again on a new upload server, and stores each file once', async () => {
		writeFiles(nas(), { 'a.bin': Buffer.alloc(600 * 1024, 1), 'b.bin': Buffer.alloc(600 * 1024, 2) });
		sim.faults.add({ kind: 'drop', match: 'upload.cgi' });
		const summary = summaryOf(await backUp(sim, nas(), MARGIN));
		expect(summary.files).toMatchObject({ sent: 2, failed: 0 });
		expect(sim.stats.byEndpoint['upload/get_upload_server.cgi']).toBe(2);
		expect(sim.state.listFiles(folderIdOf(sim, 'backups/nas')!)).toHaveLength(2);
	});

	it('gives up an upload that stalls and sends it again', async () => {
		const restore = useTransferTimeoutsForTesting({ idleMs: 500 });
		try {
			writeFiles(nas(), { 'a.bin': Buffer.alloc(2 * 1024 * 1024, 1) });
			sim.faults.add({ kind: 'stallUpload', afterBytes: 64 * 1024 });
			const summary = summaryOf(await backUp(sim, nas(), MARGIN));
			expect(summary.files).toMatchObject({ sent: 1, failed: 0 });
			expect(sim.stats.byEndpoint['upload/get_upload_server.cgi']).toBe(2);
		} finally {
			restore();
		}
	});

	it('goes on with the next folder when an upload keeps failing, and fails the node at the end', async () => {
		writeFiles(nas(), { 'a/x.txt': 'x', 'b/y.txt': 'y' });
		sim.faults.add({ kind: '5xx', match: 'upload.cgi', times: 3 });
		const result = await backUp(sim, nas(), MARGIN);
		expect(result.error?.message).toMatch(/finished with 1 failure\(s\): a\/x\.txt: the upload failed 3 times/);
		const summary = (result.error as unknown as { context: { summary: Record<string, unknown> } }).context.summary;
		expect(summary.files).toMatchObject({ sent: 1, failed: 1 });
		expect(copyOf()).toEqual({ 'b/y.txt': 'y' });
	});
});

describe('mirror', () => {
	const mirror = { mode: 'mirror' };

	it('removes files and folders whose source is gone, and leaves excluded and hidden ones alone', async () => {
		await firstNight({ 'keep.txt': 'k', 'gone.txt': 'g', 'old/inner.txt': 'i', 'old/deeper/x.txt': 'x', 'cache.tmp': 't' });
		const keepFolder = folderIdOf(sim, 'backups/nas')!;
		sim.state.addFile(keepFolder, '.hidden-remote', 'h');
		rmSync(nas('gone.txt'));
		rmSync(nas('old'), { recursive: true });
		rmSync(nas('cache.tmp'));

		const summary = summaryOf(await backUp(sim, nas(), { ...MARGIN, exclude: '*.tmp' }, mirror));
		expect(summary.files).toMatchObject({ unchanged: 1, removed: 3, failed: 0 });
		expect(summary.folders).toMatchObject({ removed: 2 });
		expect(copyOf()).toEqual({ 'keep.txt': 'k', 'cache.tmp': 't', '.hidden-remote': 'h' });
	});

	it('keeps the copy of what the source holds but skips (a link now stands where a file was)', async () => {
		await firstNight({ 'a.txt': 'a', 'b.txt': 'b' });
		rmSync(nas('b.txt'));
		symlinkSync(nas('a.txt'), nas('b.txt'));
		const summary = summaryOf(await backUp(sim, nas(), MARGIN, mirror));
		expect(summary.files).toMatchObject({ unchanged: 1, skipped: 1, removed: 0 });
		expect(copyOf()).toEqual({ 'a.txt': 'a', 'b.txt': 'b' });
	});

	it('removes nothing when anything failed in the run', async () => {
		await firstNight({ 'keep.txt': 'k', 'gone.txt': 'g', 'sub/a.txt': 'a' });
		rmSync(nas('gone.txt'));
		writeFileSync(nas('sub/a.txt'), 'A');
		sim.faults.add({ kind: '5xx', match: 'upload.cgi', times: 3 });
		const summary = failedSummaryOf(await backUp(sim, nas(), MARGIN, mirror, { continueOnFail: true }));
		expect(summary.files).toMatchObject({ removed: 0, failed: 1 });
		expect(summary.mirror).toMatchObject({ refused: expect.stringContaining('something failed') });
		expect(copyOf()).toMatchObject({ 'gone.txt': 'g' });
	});

	it('removes nothing when the source directory is empty (an unmounted NAS), and fails', async () => {
		await firstNight({ 'a.txt': 'a', 'b/c.txt': 'c' });
		rmSync(nas('a.txt'));
		rmSync(nas('b'), { recursive: true });
		const summary = failedSummaryOf(await backUp(sim, nas(), MARGIN, mirror, { continueOnFail: true }));
		expect(summary.files).toMatchObject({ seen: 0, removed: 0 });
		expect(summary.failures).toEqual([{ path: '', reason: expect.stringContaining('holds no file') }]);
		expect(copyOf()).toEqual({ 'a.txt': 'a', 'b/c.txt': 'c' });
	});

	it('fails before any call when the source directory is missing', async () => {
		await firstNight({ 'a.txt': 'a' });
		const result = await backUp(sim, path.join(source.base(), 'not-mounted'), MARGIN, mirror);
		expect(result.error?.message).toContain('cannot be read: it does not exist');
		expect(sim.stats.requests).toBe(0);
		expect(copyOf()).toEqual({ 'a.txt': 'a' });
	});

	it('removes nothing above Max Delete, and fails saying what to set', async () => {
		const files: Record<string, string> = { 'stay.txt': 's' };
		for (let index = 0; index < 5; index++) files[`old-${index}.txt`] = `${index}`;
		await firstNight(files);
		for (let index = 0; index < 5; index++) rmSync(nas(`old-${index}.txt`));
		const result = await backUp(sim, nas(), { ...MARGIN, maxDelete: 4 }, mirror);
		expect(result.error?.message).toContain('it would remove 5 files, more than Max Delete (4)');
		expect(Object.keys(copyOf())).toHaveLength(6);
		const allowed = summaryOf(await backUp(sim, nas(), { ...MARGIN, maxDelete: 5 }, mirror));
		expect(allowed.files).toMatchObject({ removed: 5 });
		expect(copyOf()).toEqual({ 'stay.txt': 's' });
	});

	it('by default removes at most a tenth of the copy (at least 100)', async () => {
		const files: Record<string, string> = {};
		for (let index = 0; index < 120; index++) files[`f${index}.txt`] = `${index}`;
		await firstNight(files);
		for (let index = 0; index < 101; index++) rmSync(nas(`f${index}.txt`));
		const result = await backUp(sim, nas(), MARGIN, mirror);
		expect(result.error?.message).toContain('more than Max Delete (100)');
	});

	it('in a dry run, lists what it would remove and removes nothing', async () => {
		await firstNight({ 'keep.txt': 'k', 'gone.txt': 'g' });
		rmSync(nas('gone.txt'));
		const result = await backUp(sim, nas(), { ...MARGIN, dryRun: true, output: 'summaryAndFiles' }, mirror);
		expect(summaryOf(result)).toMatchObject({ dryRun: true, files: { removed: 1 } });
		expect(result.items.slice(1).map((item) => item.json)).toEqual([
			expect.objectContaining({ path: 'gone.txt', action: 'removed', reason: 'its source is gone' }),
		]);
		expect(copyOf()).toEqual({ 'keep.txt': 'k', 'gone.txt': 'g' });
		expect(sim.stats.byEndpoint['file/rm.cgi'] ?? 0).toBe(0);
	});

	it('tidies older copies of a file sent twice', async () => {
		await firstNight({ 'a.txt': 'a' });
		const folder = folderIdOf(sim, 'backups/nas')!;
		sim.state.addFile(folder, 'a.txt', 'a', { date: new Date(Date.now() - 3_600_000) });
		const summary = summaryOf(await backUp(sim, nas(), MARGIN, mirror));
		expect(summary.files).toMatchObject({ unchanged: 1, removed: 1 });
		expect(copyOf()).toEqual({ 'a.txt': 'a' });
	});

	it('refuses to mirror into the root folder', async () => {
		writeFiles(nas(), { 'a.txt': 'a' });
		const result = await backUp(sim, nas(), MARGIN, { ...mirror, folder: { __rl: true, mode: 'id', value: '0' } });
		expect(result.error?.message).toContain('Mirror into the root folder is refused');
		expect(sim.stats.requests).toBe(0);
	});
});

describe('dry run', () => {
	it('creates, sends and copies nothing, and says what it would do', async () => {
		writeFiles(nas(), { 'a.txt': 'alpha', 'sub/b.txt': 'bravo', 'empty.txt': '' });
		const result = await backUp(sim, nas(), { ...MARGIN, dryRun: true, output: 'summaryAndFiles' });
		const summary = summaryOf(result);
		expect(summary).toMatchObject({ dryRun: true, files: { seen: 3, sent: 2, skipped: 1 }, folders: { created: 1 } });
		expect(folderIdOf(sim, 'backups')).toBeUndefined();
		expect(uploads()).toBe(0);
		expect(result.items.slice(1).map((item) => [item.json.path, item.json.action])).toEqual(
			expect.arrayContaining([
				['a.txt', 'sent'],
				['sub/b.txt', 'sent'],
				['empty.txt', 'skipped'],
			]),
		);
	});
});

describe('the summary and the failure path', () => {
	it('gives the NODE-INTERFACE fields, and with summaryAndFiles one item per file acted on', async () => {
		writeFiles(nas(), { 'a.txt': 'alpha' });
		const result = await backUp(sim, nas(), { ...MARGIN, output: 'summaryAndFiles' });
		const summary = summaryOf(result);
		expect(summary).toMatchObject({
			source: nas(),
			folder: 'backups/nas',
			mode: 'copy',
			dryRun: false,
			files: { seen: 1, sent: 1, unchanged: 0, removed: 0, skipped: 0, failed: 0 },
			bytes: { seen: 5, sent: 5 },
			failures: [],
		});
		expect(typeof summary.durationSeconds).toBe('number');
		expect(typeof summary.apiCalls).toBe('number');
		expect(result.items[1].json).toEqual({
			path: 'a.txt',
			action: 'sent',
			size: 5,
			checksum: expect.stringMatching(/^[0-9a-f]{128}$/),
			url: expect.stringMatching(/^https:\/\/1fichier\.com\/\?/),
			verified: true,
		});
		expect(result.items.every((item) => item.pairedItem)).toBe(true);
	});

	it('fails the node after the run with the summary in the error, unless Continue On Fail', async () => {
		writeFiles(nas(), { 'ok.txt': 'ok', 'bad.txt': 'bad' });
		sim.faults.add({ kind: 'wrongChecksum', filename: 'bad.txt', times: 2 });
		const failed = await backUp(sim, nas(), MARGIN);
		expect(failed.items).toEqual([]);
		expect(failed.error?.message).toContain('finished with 1 failure(s): bad.txt');
		expect(failed.error?.description).toContain('1 sent');
		const context = (failed.error as unknown as { context: { summary: { files: unknown } } }).context;
		expect(context.summary.files).toMatchObject({ sent: 1, failed: 1 });
	});
});

describe('copy unchanged from an earlier copy', () => {
	it('fills a new snapshot of an unchanged tree with server-side copies: no byte uploaded, one file/cp per folder', async () => {
		await firstNight({ 'a.txt': 'a', 'b.txt': 'b', 'sub/c.txt': 'c', 'sub/deeper/d.txt': 'd' });
		const summary = summaryOf(
			await backUp(sim, nas(), { ...MARGIN, copyUnchangedFrom: 'backups/nas' }, { folder: { __rl: true, mode: 'path', value: 'backups/week-2' } }),
		);
		expect(summary.files).toMatchObject({ seen: 4, copied: 4, sent: 0, failed: 0 });
		expect(uploads()).toBe(0);
		expect(sim.stats.uploadedBytes).toBe(0);
		expect(sim.stats.byEndpoint['file/cp.cgi']).toBe(3);
		expect(remoteTree(sim, folderIdOf(sim, 'backups/week-2')!)).toEqual({ 'a.txt': 'a', 'b.txt': 'b', 'sub/c.txt': 'c', 'sub/deeper/d.txt': 'd' });
		// The copies count as current: the next night sends nothing.
		sim.stats.reset();
		const next = summaryOf(await backUp(sim, nas(), MARGIN, { folder: { __rl: true, mode: 'path', value: 'backups/week-2' } }));
		expect(next.files).toMatchObject({ unchanged: 4, sent: 0 });
	});

	it('uploads what changed since the earlier copy, and goes without it when it does not exist', async () => {
		await firstNight({ 'a.txt': 'a', 'b.txt': 'b' });
		writeFileSync(nas('b.txt'), 'B');
		const summary = summaryOf(
			await backUp(sim, nas(), { ...MARGIN, copyUnchangedFrom: 'backups/nas' }, { folder: { __rl: true, mode: 'path', value: 'backups/week-2' } }),
		);
		expect(summary.files).toMatchObject({ copied: 1, sent: 1 });
		expect(remoteTree(sim, folderIdOf(sim, 'backups/week-2')!)).toEqual({ 'a.txt': 'a', 'b.txt': 'B' });

		const without = summaryOf(
			await backUp(sim, nas(), { ...MARGIN, copyUnchangedFrom: 'backups/never-made' }, { folder: { __rl: true, mode: 'path', value: 'backups/week-3' } }),
		);
		expect(without.files).toMatchObject({ copied: 0, sent: 2 });
	});
});
