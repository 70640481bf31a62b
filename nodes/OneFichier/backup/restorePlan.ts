/**
 * Which remote file goes where on disk, folder by folder as the backup's walk (backup/remoteTree.ts)
 * hands them out, names read back through the look-alike table. Each decoded name is checked
 * (backup/localPath.ts); a folder whose name is refused is not entered, so nothing below it can be
 * written. Of several copies under one local path (same-named uploads in a folder, or names that
 * decode alike) the newest upload wins and the others are reported; a file whose name is also a
 * sub-folder's is refused, and so is a second remote folder that reads as an earlier one's path.
 * Only the folder being restored and the paths of the folders seen are in memory.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { localNameProblem } from './localPath';
import type { RemoteFile, RemoteFolder } from './remoteTree';
import { joinPath, walkRemoteTree } from './remoteTree';

export interface PlannedFile {
	/** Slash-separated local path below the target directory; every step checked. */
	path: string;
	remote: RemoteFile;
	/** Older copies under the same local path, not restored. */
	superseded: RemoteFile[];
}

export interface RefusedEntry {
	/** The local path of its folder, then its name as 1fichier holds it. */
	path: string;
	reason: string;
	url?: string;
}

export interface FolderPlan {
	files: PlannedFile[];
	refused: RefusedEntry[];
	/** Files of the folder as listed, refused ones included. */
	listed: number;
}

export interface RestoreWalkOptions {
	itemIndex: number;
	folderIntervalMs?: number;
	/** A sub-folder not entered because its name is refused. */
	onRefusedFolder: (refused: RefusedEntry) => void;
}

/** The remote tree, folder by folder, each with its plan. */
export async function* planRestore(
	ctx: IExecuteFunctions,
	folderId: number,
	options: RestoreWalkOptions,
): AsyncGenerator<FolderPlan> {
	const descend = (sub: { name: string; remoteName: string }, parentPath: string) => {
		const problem = localNameProblem(sub.name);
		if (problem) options.onRefusedFolder({ path: joinPath(parentPath, sub.remoteName), reason: problem });
		return problem === undefined;
	};
	const seenFolders = new Set<string>();
	for await (const folder of walkRemoteTree(ctx, folderId, { itemIndex: options.itemIndex, folderIntervalMs: options.folderIntervalMs, descend })) {
		const again = seenFolders.has(folder.path);
		seenFolders.add(folder.path);
		yield again ? folderReadTwice(folder) : planFolder(folder);
	}
}

/** Two remote folders whose names read back alike would write into one local folder: the second one is refused. */
function folderReadTwice(folder: RemoteFolder): FolderPlan {
	return {
		files: [],
		refused: folder.files.map((file) => ({
			path: joinPath(folder.path, file.remoteName),
			reason: `another folder of the backup is restored as "${folder.path}"`,
			url: file.url,
		})),
		listed: folder.files.length,
	};
}

export function planFolder(folder: RemoteFolder): FolderPlan {
	const refused: RefusedEntry[] = [];
	const copies = new Map<string, RemoteFile[]>();
	for (const file of folder.files) {
		const problem = localNameProblem(file.name);
		if (problem) refused.push({ path: joinPath(folder.path, file.remoteName), reason: problem, url: file.url });
		else copies.set(file.name, [...(copies.get(file.name) ?? []), file]);
	}
	const subFolders = new Set(folder.subFolders.map((sub) => sub.name));
	const files: PlannedFile[] = [];
	for (const [name, sameName] of copies) {
		const path = joinPath(folder.path, name);
		if (subFolders.has(name)) {
			for (const file of sameName) refused.push({ path, reason: `"${path}" is also a folder of the backup`, url: file.url });
			continue;
		}
		// Newest upload first; equal dates keep the listing's order.
		const [newest, ...older] = [...sameName].sort((a, b) => b.uploadedAtMs - a.uploadedAtMs);
		files.push({ path, remote: newest, superseded: older });
	}
	files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
	return { files, refused, listed: folder.files.length };
}
