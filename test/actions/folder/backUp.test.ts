/**
 * Folder → Back Up as a real n8n workflow against the simulator: nights of a NAS backup, the
 * decisions from metadata and their edges, batches, names and files 1fichier refuses, mirror's
 * safety rules, the summary and the failure path.
 */
import { chmodSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'fs';
import fsPromises from 'fs/promises';
import path from 'path';

import { clearListingGateForTesting } from '../../../nodes/OneFichier/pacing/listingGate';
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
afterEach(() => {
	jest.restoreAllMocks();
	sim.clock.setOffsetMs(0); // not part of the shared reset
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
const settle = async () => await sleep(1600);

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
		await sleep(3500);
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
