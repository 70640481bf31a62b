/**
 * For tests of Folder → Back Up: a source directory n8n may read (N8N_RESTRICT_FILE_ACCESS_TO
 * pointed at a temp dir through n8n's own SecurityConfig), files written into it, the node's
 * parameters, and the copy as the simulator holds it.
 */
import { SecurityConfig } from '@n8n/config';
import { Container } from '@n8n/di';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, utimesSync, writeFileSync } from 'fs';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { tmpdir } from 'os';
import path from 'path';

import { fromRemoteName } from '../../nodes/OneFichier/api/names';
import type { RunOptions, RunResult } from './n8n';
import { rl, runNode } from './n8n'; // also n8n-core's settings, before n8n-core loads
import type { Simulator } from './simulator';
import { LISTING_INTERVAL } from './simulator';

/** A temp directory that n8n's file-system helpers allow, with `nas/` inside as the source. */
export function useSourceDirectory(): { base: () => string; nas: () => string } {
	const security = Container.get(SecurityConfig);
	const original = security.restrictFileAccessTo;
	let base = '';
	beforeEach(() => {
		base = realpathSync(mkdtempSync(path.join(tmpdir(), 'backup-op-')));
		mkdirSync(path.join(base, 'nas'));
		security.restrictFileAccessTo = base;
	});
	afterEach(() => {
		security.restrictFileAccessTo = original;
		rmSync(base, { recursive: true, force: true });
	});
	return { base: () => base, nas: () => path.join(base, 'nas') };
}

/** Writes files (`{'a/b.txt': 'content'}`) below `dir`; a date sets their modification time. */
export function writeFiles(dir: string, files: Record<string, string | Buffer>, modified?: Date): void {
	for (const [relative, content] of Object.entries(files)) {
		const file = path.join(dir, relative);
		mkdirSync(path.dirname(file), { recursive: true });
		writeFileSync(file, content);
		if (modified) utimesSync(file, modified, modified);
	}
}

export function backUpParameters(sourceDirectory: string, options: IDataObject = {}, extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'folder',
		operation: 'backUp',
		sourceDirectory,
		folder: rl('path', 'backups/nas'),
		mode: 'copy',
		options: { listingIntervalSeconds: LISTING_INTERVAL, ...options } as INodeParameters,
		...extra,
	};
}

export async function backUp(sim: Simulator, sourceDirectory: string, options: IDataObject = {}, extra: INodeParameters = {}, run: RunOptions = {}): Promise<RunResult> {
	return await runNode(sim, backUpParameters(sourceDirectory, options, extra), run);
}

/** The summary of a run that had failures, run with Continue On Fail (it travels as `details`). */
export function failedSummaryOf(result: RunResult): IDataObject {
	if (result.error) throw new Error(`the node failed: ${result.error.message}`);
	const json = result.items[0].json;
	if (typeof json.error !== 'string') throw new Error('the run did not fail');
	return json.details as IDataObject;
}

/** The summary item of a run that succeeded. */
export function summaryOf(result: RunResult): IDataObject {
	if (result.error) throw new Error(`the run failed: ${result.error.message} (${result.error.description ?? ''})`);
	return result.items[0].json;
}

/** Every file under a simulator folder: local path → content (names read back), plus how many copies each name has. */
export function remoteTree(sim: Simulator, folderId: number, prefix = ''): Record<string, string> {
	const tree: Record<string, string> = {};
	for (const file of sim.state.listFiles(folderId)) {
		const key = prefix + fromRemoteName(file.filename);
		tree[key in tree ? `${key} (copy)` : key] = sim.state.readFile(file.url).toString();
	}
	for (const folder of sim.state.listFolders(folderId)) {
		Object.assign(tree, remoteTree(sim, folder.id, `${prefix}${fromRemoteName(folder.name)}/`));
	}
	return tree;
}

/** The id of a simulator folder by path from the root (names as 1fichier holds them). */
export function folderIdOf(sim: Simulator, folderPath: string): number | undefined {
	let id = 0;
	for (const name of folderPath.split('/').filter(Boolean)) {
		const next = sim.state.listFolders(id).find((folder) => folder.name === name);
		if (!next) return undefined;
		id = next.id;
	}
	return id;
}
