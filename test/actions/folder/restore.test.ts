/**
 * Folder → Restore as real n8n workflows against the simulator: a remote tree back into a local
 * directory through n8n's file-system helpers (path restrictions and symlink rules of n8n-core
 * itself), names decoded and checked, files never half-written under their real name.
 */
import { randomBytes } from 'crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { Transform } from 'stream';
import type { IDataObject } from 'n8n-workflow';

import { toRemoteName } from '../../../nodes/OneFichier/api/names';
import { clearListingGateForTesting } from '../../../nodes/OneFichier/pacing/listingGate';
import * as download from '../../../nodes/OneFichier/transfer/download';
import * as whirlpool from '../../../nodes/OneFichier/transfer/whirlpool';
import '../../helpers/realmErrors';
import { runNode } from '../../helpers/n8n';
import type { Simulator } from '../../helpers/simulator';
import { useTestSimulator } from '../../helpers/simulator';

// n8n writes only under N8N_RESTRICT_FILE_ACCESS_TO (read when its settings are first needed).
const allowed = mkdtempSync(path.join(tmpdir(), 'restore-allowed-'));
process.env.N8N_RESTRICT_FILE_ACCESS_TO = allowed;

const rl = (mode: string, value: string) => ({ __rl: true, mode, value });
const MIB = 1024 * 1024;

const simulator = useTestSimulator();
let sim: Simulator;
let work: string;
let target: string;

beforeEach(() => {
	sim = simulator();
	work = mkdtempSync(path.join(allowed, 'case-'));
	target = path.join(work, 'restored', 'here');
});
afterEach(() => {
	rmSync(work, { recursive: true, force: true });
	jest.restoreAllMocks();
});
afterAll(() => rmSync(allowed, { recursive: true, force: true }));

const restore = (options: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
	resource: 'folder',
	operation: 'restore',
	folder: rl('path', 'backups/nas/2026-11-30'),
	targetDirectory: target,
	options: { output: 'summaryAndFiles', ...options },
	...extra,
});

/** backups/nas/2026-11-30 holding the tree, names encoded as the backup sends them; returns its id. */
function remoteTree(files: Record<string, string | Buffer>, at?: (relative: string) => Date): number {
	const copy = sim.state.createFolder(sim.state.createFolder(sim.state.createFolder(0, 'backups').id, 'nas').id, '2026-11-30');
	for (const [relative, content] of Object.entries(files)) {
		const steps = relative.split('/');
		let folderId = copy.id;
		for (const name of steps.slice(0, -1)) {
			const remote = toRemoteName(name);
			folderId = (sim.state.childNamed(folderId, remote) ?? sim.state.createFolder(folderId, remote)).id;
		}
		sim.state.addFile(folderId, toRemoteName(steps[steps.length - 1]), content, at ? { date: at(relative) } : {});
	}
	return copy.id;
}

/** Every file under `directory`, relative, sorted (temporary files included). */
function localFiles(directory: string): string[] {
	if (!existsSync(directory)) return [];
	return readdirSync(directory, { recursive: true, encoding: 'utf8' })
		.filter((entry) => lstatSync(path.join(directory, entry)).isFile())
		.sort();
}

/** The summary item; with Continue On Fail, an incomplete restore's summary is the error item's `details`. */
const summaryOf = (result: Awaited<ReturnType<typeof runNode>>) => (result.items[0].json.details ?? result.items[0].json) as IDataObject;
const continueOnFail = { continueOnFail: true };
const filesOf = (result: Awaited<ReturnType<typeof runNode>>) => result.items.slice(1).map((item) => item.json);

describe('folder restore: a tree into an empty directory', () => {
	it('restores nested folders byte for byte, creating the directories, with a summary and one item per file', async () => {
		const big = randomBytes(50 * MIB + 12_345);
		const tree = { 'a.txt': 'alpha\n', 'photos/2026/big.bin': big, 'photos/c.jpg': randomBytes(70_000), 'docs/deep/er/d.pdf': 'pdf' };
		remoteTree(tree);
		const result = await runNode(sim, restore());
		expect(result.error).toBeUndefined();
		expect(localFiles(target)).toEqual(Object.keys(tree).sort());
		for (const [relative, content] of Object.entries(tree)) {
			expect(readFileSync(path.join(target, relative)).equals(Buffer.from(content))).toBe(true);
		}
		expect(summaryOf(result)).toMatchObject({
			source: 'backups/nas/2026-11-30',
			folder: 'backups/nas/2026-11-30',
			targetDirectory: target,
			mode: 'ifDifferent',
			dryRun: false,
			success: true,
			files: { seen: 4, restored: 4, unchanged: 0, skipped: 0, refused: 0, failed: 0, superseded: 0 },
			bytes: { received: big.length + 70_000 + 6 + 3 },
			failures: [],
		});
		const bigItem = filesOf(result).find((file) => file.path === 'photos/2026/big.bin');
		expect(bigItem).toMatchObject({ action: 'restored', size: big.length, verified: true });
		expect(bigItem?.checksum).toBe(sim.state.allFiles().find((file) => file.filename === 'big.bin')?.checksum);
	});

	it('dry run: says what would be restored, downloads and writes nothing', async () => {
		remoteTree({ 'a.txt': 'alpha', 'b/c.txt': 'c' });
		const result = await runNode(sim, restore({ dryRun: true }));
		expect(result.error).toBeUndefined();
		expect(filesOf(result).map((file) => [file.path, file.action])).toEqual([
			['a.txt', 'wouldRestore'],
			['b/c.txt', 'wouldRestore'],
		]);
		expect(summaryOf(result)).toMatchObject({ dryRun: true, files: { restored: 2 }, bytes: { received: 0 } });
		expect(sim.stats.byEndpoint['download/get_token.cgi']).toBeUndefined();
		expect(existsSync(target)).toBe(false);
	});
});

describe('folder restore: remote names', () => {
	it('refuses .., an absolute-looking name, NUL and separators, writes nothing outside, and round-trips every reserved character', async () => {
		const copy = remoteTree({ 'ok.txt': 'fine' });
		// A folder literally named .. (an older version of the node made one from backups/../x; the
		// simulator refuses the name now, as the node does, so it is renamed behind its back).
		const dots = sim.state.createFolder(copy, 'dots');
		dots.name = '..';
		sim.state.addFile(dots.id, 'escaped.txt', 'outside!');
		// The backup's look-alikes: "／etc" reads as "/etc", "．．" as "..", "␀" as NUL.
		sim.state.addFile(sim.state.createFolder(copy, '\uFF0Fetc').id, 'passwd', 'root');
		sim.state.addFile(copy, '\uFF0E\uFF0E', 'dots');
		sim.state.addFile(copy, 'nul\u2400.txt', 'nul');
		sim.state.addFile(copy, 'a\uFF0Fb.txt', 'slash');
		const reserved = 'all \\ < > " \' $ ` \u00B4 and a trailing space ';
		sim.state.addFile(copy, toRemoteName(reserved), 'reserved');

		const result = await runNode(sim, restore(), continueOnFail);
		expect(result.error).toBeUndefined();
		expect(localFiles(target)).toEqual(['ok.txt', reserved].sort());
		expect(readFileSync(path.join(target, reserved), 'utf8')).toBe('reserved');
		// Nothing beside the target either (.. of the target is work/restored).
		expect(readdirSync(path.join(work, 'restored'))).toEqual(['here']);
		expect(readdirSync(work)).toEqual(['restored']);
		const refused = filesOf(result).filter((file) => file.action === 'refused');
		expect(Object.fromEntries(refused.map((file) => [file.path, file.reason]))).toEqual({
			'..': 'the name ".." is a path step, not a name',
			'\uFF0Fetc': 'the name "/etc" holds a path separator',
			'\uFF0E\uFF0E': 'the name ".." is a path step, not a name',
			'nul\u2400.txt': 'the name holds a NUL character',
			'a\uFF0Fb.txt': 'the name "a/b.txt" holds a path separator',
		});
		expect(summaryOf(result)).toMatchObject({ success: false, files: { seen: 7, restored: 2, refused: 5, failed: 0 } });
		// An incomplete restore fails the node once every file was tried; Continue On Fail hands the summary on.
		expect(result.items[0].json.error).toMatch(/^Restore of backups\/nas\/2026-11-30 is incomplete: 0 failed, 5 refused: /);
		// A dry run says the same without failing (the two files now there are unchanged).
		clearListingGateForTesting();
		const dry = await runNode(sim, restore({ dryRun: true }));
		expect(dry.error).toBeUndefined();
		expect(summaryOf(dry)).toMatchObject({ success: false, dryRun: true, files: { restored: 0, unchanged: 2, refused: 5 } });
		expect((summaryOf(result).failures as unknown[]).length).toBe(5);
	});

	it('a file named like a sub-folder, and a second folder whose name reads back like another, are refused', async () => {
		const copy = remoteTree({ 'a/inside.txt': 'inside' });
		sim.state.addFile(copy, 'a', 'a file named like the folder');
		// Names not made by the backup: "x‛" and "x‛‛" both read back as "x‛".
		sim.state.addFile(sim.state.createFolder(copy, 'x\u201B').id, 'one.txt', '1');
		sim.state.addFile(sim.state.createFolder(copy, 'x\u201B\u201B').id, 'two.txt', '2');
		const result = await runNode(sim, restore(), continueOnFail);
		expect(result.error).toBeUndefined();
		const refused = filesOf(result).filter((file) => file.action === 'refused');
		expect(refused.map((file) => file.reason)).toEqual(
			expect.arrayContaining(['"a" is also a folder of the backup', 'another folder of the backup is restored as "x\u201B"']),
		);
		expect(refused).toHaveLength(2);
		const written = localFiles(target);
		expect(written).toHaveLength(2);
		expect(written[0]).toBe('a/inside.txt');
		expect(written[1]).toMatch(/^x\u201B\/(one|two)\.txt$/);
	});

	it('a path n8n blocks (.git) is refused, not written', async () => {
		remoteTree({ '.git/config': 'x', 'a.txt': 'a' });
		const result = await runNode(sim, restore(), continueOnFail);
		expect(result.error).toBeUndefined();
		expect(localFiles(target)).toEqual(['a.txt']);
		expect(filesOf(result).find((file) => file.path === '.git/config')).toMatchObject({ action: 'refused' });
	});

	it('does not follow a symlinked directory out of the target', async () => {
		remoteTree({ 'photos/a.jpg': 'jpg', 'b.txt': 'b' });
		const outside = path.join(work, 'outside');
		mkdirSync(outside);
		mkdirSync(target, { recursive: true });
		symlinkSync(outside, path.join(target, 'photos'));
		const result = await runNode(sim, restore(), continueOnFail);
		expect(result.error).toBeUndefined();
		expect(readdirSync(outside)).toEqual([]);
		expect(filesOf(result).find((file) => file.path === 'photos/a.jpg')).toMatchObject({ action: 'failed' });
		expect(readFileSync(path.join(target, 'b.txt'), 'utf8')).toBe('b');
	});
});

describe('folder restore: same-named copies (issue 15)', () => {
	it('the newest upload wins; the older copies are reported and not written', async () => {
		const copy = remoteTree({});
		sim.state.addFile(copy, 'report.pdf', 'newest', { date: new Date('2026-11-30T10:00:00Z') });
		sim.state.addFile(copy, 'report.pdf', 'oldest', { date: new Date('2026-11-01T10:00:00Z') });
		sim.state.addFile(copy, 'report.pdf', 'middle', { date: new Date('2026-11-15T10:00:00Z') });
		const urls = Object.fromEntries(sim.state.listFiles(copy).map((file) => [sim.state.readFile(file.url).toString(), file.url]));
		const result = await runNode(sim, restore());
		expect(result.error).toBeUndefined();
		expect(readFileSync(path.join(target, 'report.pdf'), 'utf8')).toBe('newest');
		expect(filesOf(result)).toEqual([
			expect.objectContaining({ path: 'report.pdf', action: 'restored', url: urls.newest, superseded: [urls.middle, urls.oldest] }),
		]);
		expect(summaryOf(result)).toMatchObject({
			files: { seen: 3, restored: 1, superseded: 2 },
			superseded: [{ path: 'report.pdf', restored: urls.newest, notRestored: [urls.middle, urls.oldest] }],
		});
		expect(sim.stats.byEndpoint['download/get_token.cgi']).toBe(1);
	});
});

describe('folder restore: overwrite', () => {
	function existing(files: Record<string, string>): void {
		for (const [relative, content] of Object.entries(files)) {
			mkdirSync(path.dirname(path.join(target, relative)), { recursive: true });
			writeFileSync(path.join(target, relative), content);
		}
	}

	it('ifDifferent (default): same size and Whirlpool kept untouched; another size replaced without reading the local file; same size, other bytes replaced', async () => {
		remoteTree({ 'same.txt': 'same bytes', 'longer.txt': 'a longer text', 'edited.txt': 'AAAA-2' });
		existing({ 'same.txt': 'same bytes', 'longer.txt': 'short', 'edited.txt': 'AAAA-1' });
		const sameBefore = statSync(path.join(target, 'same.txt'));
		const hashes = jest.spyOn(whirlpool, 'whirlpoolOfStream');
		const result = await runNode(sim, restore());
		expect(result.error).toBeUndefined();
		expect(Object.fromEntries(filesOf(result).map((file) => [file.path, file.action]))).toEqual({
			'edited.txt': 'restored',
			'longer.txt': 'restored',
			'same.txt': 'unchanged',
		});
		// Only the two same-size local files were read.
		expect(hashes).toHaveBeenCalledTimes(2);
		expect(statSync(path.join(target, 'same.txt')).ino).toBe(sameBefore.ino);
		expect(readFileSync(path.join(target, 'longer.txt'), 'utf8')).toBe('a longer text');
		expect(readFileSync(path.join(target, 'edited.txt'), 'utf8')).toBe('AAAA-2');
		expect(sim.stats.byEndpoint['download/get_token.cgi']).toBe(2);
	});

	it('never: existing files are kept as they are', async () => {
		remoteTree({ 'a.txt': 'remote a', 'b.txt': 'remote b' });
		existing({ 'a.txt': 'local' });
		const result = await runNode(sim, restore({ overwrite: 'never' }));
		expect(result.error).toBeUndefined();
		expect(readFileSync(path.join(target, 'a.txt'), 'utf8')).toBe('local');
		expect(readFileSync(path.join(target, 'b.txt'), 'utf8')).toBe('remote b');
		expect(summaryOf(result)).toMatchObject({ mode: 'never', files: { restored: 1, skipped: 1 } });
	});

	it('always: existing files are replaced, even identical ones, without reading them', async () => {
		remoteTree({ 'a.txt': 'same' });
		existing({ 'a.txt': 'same' });
		const hashes = jest.spyOn(whirlpool, 'whirlpoolOfStream');
		const result = await runNode(sim, restore({ overwrite: 'always' }));
		expect(result.error).toBeUndefined();
		expect(filesOf(result)[0]).toMatchObject({ action: 'restored' });
		expect(hashes).not.toHaveBeenCalled();
	});

	it('a directory in the way of a file is left alone and reported', async () => {
		remoteTree({ 'a.txt': 'a' });
		mkdirSync(path.join(target, 'a.txt'), { recursive: true });
		const result = await runNode(sim, restore({ overwrite: 'always' }), continueOnFail);
		expect(filesOf(result)[0]).toMatchObject({ action: 'refused', reason: 'a directory is in the way; it was left as it is' });
		expect(statSync(path.join(target, 'a.txt')).isDirectory()).toBe(true);
	});
});

describe('folder restore: never half-written', () => {
	/** Lets the first `bytes` of each download through, then holds the rest until the transfer is torn down. */
	function stallDownloadsAfter(bytes: number, reached: () => void) {
		const real = download.openDownload;
		jest.spyOn(download, 'openDownload').mockImplementation(async (...args) => {
			const opened = await real(...args);
			let passed = 0;
			const staller = new Transform({
				transform(chunk: Buffer, _encoding, callback) {
					if (passed >= bytes) {
						reached();
						return; // never calls back: the transfer hangs here
					}
					passed += chunk.length;
					callback(null, chunk);
				},
			});
			opened.stream.on('error', (error) => staller.destroy(error));
			staller.on('close', () => opened.stream.destroy());
			return { ...opened, stream: opened.stream.pipe(staller) };
		});
	}

	it('a restore cancelled mid-file leaves nothing under the real name and no temporary file', async () => {
		remoteTree({ 'a-first.txt': 'done before the cancel', 'big.bin': randomBytes(50 * MIB) });
		mkdirSync(target, { recursive: true });
		writeFileSync(path.join(target, 'big.bin'), 'the old version, still intact');
		let cancel: () => void = () => {};
		stallDownloadsAfter(20 * MIB, () => cancel());
		const result = await runNode(sim, restore({ overwrite: 'always' }), { onStart: (stop) => (cancel = stop) });
		expect(result.items).toEqual([]);
		// n8n ends the execution at once; the node's clean-up finishes just after.
		for (let waited = 0; waited < 10_000 && localFiles(target).length > 2; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
		expect(localFiles(target)).toEqual(['a-first.txt', 'big.bin']);
		expect(readFileSync(path.join(target, 'big.bin'), 'utf8')).toBe('the old version, still intact');
	});

	it('a download cut short is reported as failed; the real name is untouched and the temporary file removed', async () => {
		remoteTree({ 'big.bin': randomBytes(50 * MIB), 'small.txt': 'small' });
		const real = download.openDownload;
		jest.spyOn(download, 'openDownload').mockImplementation(async (...args) => {
			const opened = await real(...args);
			let passed = 0;
			const cut = new Transform({
				transform(chunk: Buffer, _encoding, callback) {
					passed += chunk.length;
					if (passed > 20 * MIB) return callback(new Error('connection reset'));
					callback(null, chunk);
				},
			});
			return { ...opened, stream: opened.stream.pipe(cut) };
		});
		const result = await runNode(sim, restore(), continueOnFail);
		expect(result.error).toBeUndefined();
		expect(filesOf(result).find((file) => file.path === 'big.bin')).toMatchObject({ action: 'failed' });
		expect(String(filesOf(result).find((file) => file.path === 'big.bin')?.reason)).toMatch(/connection reset/);
		expect(localFiles(target)).toEqual(['small.txt']);
	});

	it('bytes that do not match 1fichier\'s Whirlpool are not put in place', async () => {
		remoteTree({ 'a.bin': randomBytes(3 * MIB) });
		sim.faults.add({ kind: 'corruptDownload' });
		const result = await runNode(sim, restore());
		expect(result.error?.message).toMatch(/^Restore of backups\/nas\/2026-11-30 is incomplete: 1 failed, 0 refused: a\.bin: The bytes received for "a\.bin" do not match 1fichier's Whirlpool checksum/);
		expect(localFiles(target)).toEqual([]);
	});

	it('removes temporary files a killed restore left (untouched for an hour), not fresh ones', async () => {
		remoteTree({ 'a.txt': 'a' });
		mkdirSync(target, { recursive: true });
		const stale = path.join(target, '.1fichier-restore-0123456789ab.part');
		const fresh = path.join(target, '.1fichier-restore-ba9876543210.part');
		writeFileSync(stale, 'half');
		writeFileSync(fresh, 'in progress elsewhere');
		const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
		utimesSync(stale, twoHoursAgo, twoHoursAgo);
		const result = await runNode(sim, restore());
		expect(result.error).toBeUndefined();
		expect(localFiles(target)).toEqual(['.1fichier-restore-ba9876543210.part', 'a.txt']);
	});
});

describe('folder restore: the target directory', () => {
	it.each([
		['a relative path', 'restore/here', /must be an absolute path/],
		['an empty value', ' ', /"Target Directory" is empty/],
		['a directory n8n does not allow', path.join(tmpdir(), 'not-allowed-restore'), /n8n does not allow access/],
	])('refuses %s before any call', async (_what, targetDirectory, message) => {
		remoteTree({ 'a.txt': 'a' });
		sim.stats.reset();
		const result = await runNode(sim, restore({}, { targetDirectory }));
		expect(result.error?.message).toMatch(message);
		expect(sim.stats.requests).toBe(0);
	});
});
