/**
 * Mirror's removals: remote files whose source is gone (and left-over older copies of a file), and
 * remote folders whose source folder is gone, with everything in them. They wait for the end of the
 * run and are refused, whole, when:
 * - anything failed in the run (an unreadable folder looks like a deleted one);
 * - the source holds no file at all (an unmounted NAS is an empty directory);
 * - they would remove more files than Max Delete (default: a tenth of the copy, at least 100),
 *   until the user raises it for that run.
 * A dry run lists them and removes nothing.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { BackupSettings } from './engine';
import { removeRemoteFiles, removeRemoteFolder } from './remoteChanges';
import { joinPath, walkRemoteTree } from './remoteTree';
import type { RunSummary } from './summary';

export interface MirrorPlan {
	files: Array<{ path: string; url: string; size: number; duplicate: boolean }>;
	folders: Array<{ id: number; path: string }>;
	/** Files of the copy listed during the run (the base of the default Max Delete). */
	remoteFilesSeen: number;
}

/** The default Max Delete: a tenth of the copy, and never fewer than this. */
export const MIN_DEFAULT_MAX_DELETE = 100;

export function defaultMaxDelete(filesInCopy: number): number {
	return Math.max(MIN_DEFAULT_MAX_DELETE, Math.ceil(filesInCopy / 10));
}

export async function applyMirror(ctx: IExecuteFunctions, plan: MirrorPlan, settings: BackupSettings, summary: RunSummary): Promise<void> {
	if (settings.mode !== 'mirror') return;
	const report: Record<string, unknown> = {};
	summary.mirror = report as never;
	if (plan.files.length === 0 && plan.folders.length === 0) {
		report.toRemove = 0;
		return;
	}
	if (summary.anyFailure) {
		report.refused = 'something failed in this run, so nothing was removed (a folder that could not be read would look deleted)';
		return;
	}
	if (summary.files.seen === 0) {
		report.refused = 'the source directory holds no file';
		summary.fail(
			'',
			'mirror removed nothing: the source directory holds no file in scope (is the NAS mounted? are Include/Exclude right?)',
			false,
		);
		return;
	}

	const inFolders = await listFolderContents(ctx, plan.folders, settings);
	const files = [...plan.files, ...inFolders.files];
	const maxDelete = settings.maxDelete ?? defaultMaxDelete(plan.remoteFilesSeen + inFolders.files.length);
	Object.assign(report, { toRemove: files.length, foldersToRemove: inFolders.folderIds.length, maxDelete });
	if (files.length > maxDelete) {
		report.refused = `it would remove ${files.length} files, more than Max Delete (${maxDelete})`;
		summary.fail(
			'',
			`mirror removed nothing: it would remove ${files.length} files, more than Max Delete (${maxDelete}). ` +
				`If the source is right, set the option Max Delete to at least ${files.length} for one run.`,
			false,
		);
		return;
	}

	if (!settings.dryRun) await removeRemoteFiles(ctx, files.map((file) => file.url), settings.itemIndex);
	for (const file of files) {
		summary.files.removed++;
		summary.record({
			path: file.path,
			action: 'removed',
			size: file.size,
			url: file.url,
			reason: file.duplicate ? 'an older copy of a file the copy holds' : 'its source is gone',
		});
	}
	// Deepest first: 1fichier removes empty folders only.
	const byDepth = [...inFolders.folderIds].sort((a, b) => b.path.split('/').length - a.path.split('/').length);
	for (const folder of byDepth) {
		if (!settings.dryRun) await removeRemoteFolder(ctx, folder.id, settings.itemIndex);
		summary.folders.removed++;
	}
	report.removed = files.length;
}

async function listFolderContents(ctx: IExecuteFunctions, folders: MirrorPlan['folders'], settings: BackupSettings) {
	const files: MirrorPlan['files'] = [];
	const folderIds: Array<{ id: number; path: string }> = [];
	for (const top of folders) {
		for await (const folder of walkRemoteTree(ctx, top.id, { itemIndex: settings.itemIndex, folderIntervalMs: settings.listingIntervalMs })) {
			const folderPath = joinPath(top.path, folder.path);
			folderIds.push({ id: folder.id, path: folderPath });
			for (const file of folder.files) files.push({ path: joinPath(folderPath, file.name), url: file.url, size: file.size, duplicate: false });
		}
	}
	return { files, folderIds };
}
