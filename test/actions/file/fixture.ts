/**
 * What the file tests share: the node's parameters for an operation, temp files to upload, and
 * the backup tree (`nas/`) that incremental uploads and the restore listing read.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import type { INodeParameters } from 'n8n-workflow';
import { tmpdir } from 'os';
import path from 'path';

import type { RunOptions, TestItem } from '../../helpers/n8n';
import { rl } from '../../helpers/n8n';
import { folderIdOf } from '../../helpers/backup';
import { LISTING_INTERVAL, sim } from '../../helpers/simulator';

export const fileOp = (operation: string, extra: Record<string, unknown> = {}) => ({ resource: 'file', operation, ...extra });

export function uploadParams(extra: Record<string, unknown> = {}, folder = rl('id', '0')) {
	return { resource: 'file', operation: 'upload', binaryPropertyName: 'data', folder, ...extra };
}

/** An upload to the root with these options (verified transfers). */
export const upload = (options: INodeParameters = {}) => uploadParams({ options });

export const download = (url: string, options: INodeParameters = {}) => ({
	resource: 'file',
	operation: 'download',
	file: rl('url', url),
	binaryPropertyName: 'data',
	options,
});

/**
 * A temp directory for the test file's uploads (removed after its tests): `tempFile` writes a file
 * with a unique name into it, `fileItem` also wraps it as the run's one input item.
 */
export function useTempFiles(prefix: string) {
	let dir = '';
	beforeAll(() => {
		dir = mkdtempSync(path.join(tmpdir(), prefix));
	});
	afterAll(() => {
		rmSync(dir, { recursive: true, force: true });
	});
	function tempFile(name: string, content: Buffer): string {
		const file = path.join(dir, `${Date.now()}-${Math.random().toString(36).slice(2)}-${name}`);
		writeFileSync(file, content);
		return file;
	}
	const fileItem = (name: string, content: Buffer): RunOptions => ({ items: [{ files: [{ path: tempFile(name, content), fileName: name }] }] });
	return { tempFile, fileItem };
}

/**
 * A fresh temp directory before each test with `nas/` in it, the source of a backup: `nas()` is its
 * path, `writeTree` writes files under it (`{'a/b.txt': 'content'}`) and returns their absolute paths.
 */
export function useNasTree() {
	let dir = '';
	beforeEach(() => {
		dir = mkdtempSync(path.join(tmpdir(), 'backup-'));
	});
	afterEach(() => {
		rmSync(dir, { recursive: true, force: true });
	});
	const nas = () => path.join(dir, 'nas');
	function writeTree(files: Record<string, string | Buffer>): string[] {
		return Object.entries(files).map(([relative, content]) => {
			const file = path.join(nas(), relative);
			mkdirSync(path.dirname(file), { recursive: true });
			writeFileSync(file, content);
			return file;
		});
	}
	return { nas, writeTree };
}

/** One item per file, read the way n8n's Read/Write Files from Disk node reads them. */
export const readFromDisk = (paths: string[]): TestItem[] => paths.map((file) => ({ files: [{ path: file, readFromDisk: true }] }));

/** An upload into backups/nas (by default) with the scaled listing interval, as a backup sends it. */
export function backupUploadParams(options: Record<string, unknown>, folder = rl('path', 'backups/nas')) {
	return uploadParams({ options: { listingIntervalSeconds: LISTING_INTERVAL, ...options } }, folder);
}

/** The id of the simulator folder at this path; throws when there is none. */
export function folderAt(folderPath: string): number {
	const id = folderIdOf(sim, folderPath);
	if (id === undefined) throw new Error(`no folder ${folderPath}`);
	return id;
}
