/**
 * Which remote file goes where on disk. The remote tree is read with the backup's walk
 * (backup/remoteTree.ts, names read back through the look-alike table); each decoded name is
 * checked (backup/localPath.ts) and a folder whose name is refused is not entered, so nothing below
 * it can be written. Of several copies under one local path (same-named uploads in a folder, or
 * names that decode alike) the newest upload wins and the others are reported; a file whose path
 * is also a folder of the tree is refused.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { localNameProblem } from './localPath';
import type { RemoteFile } from './remoteTree';
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
	folder: boolean;
	url?: string;
}

export interface RestorePlan {
	files: PlannedFile[];
	refused: RefusedEntry[];
	/** Files listed, refused ones included (a refused folder counts as one entry: it is not listed). */
	seen: number;
}

/** Reads the tree below `folderId` and plans its restore. */
export async function planRestore(
	ctx: IExecuteFunctions,
	folderId: number,
	options: { itemIndex: number; folderIntervalMs?: number },
): Promise<RestorePlan> {
	const refused: RefusedEntry[] = [];
	const copies = new Map<string, RemoteFile[]>();
	const folders = new Set<string>();
	let seen = 0;
	const descend = (sub: { name: string; remoteName: string }, parentPath: string) => {
		const problem = localNameProblem(sub.name);
		if (problem) refused.push({ path: joinPath(parentPath, sub.remoteName), reason: problem, folder: true });
		return problem === undefined;
	};
	for await (const folder of walkRemoteTree(ctx, folderId, { ...options, descend })) {
		if (folder.path !== '') folders.add(folder.path);
		for (const file of folder.files) {
			seen++;
			const problem = localNameProblem(file.name);
			if (problem) {
				refused.push({ path: joinPath(folder.path, file.remoteName), reason: problem, folder: false, url: file.url });
				continue;
			}
			const path = joinPath(folder.path, file.name);
			copies.set(path, [...(copies.get(path) ?? []), file]);
		}
	}

	const files: PlannedFile[] = [];
	for (const [path, sameName] of copies) {
		if (folders.has(path)) {
			for (const file of sameName) refused.push({ path, reason: `"${path}" is also a folder of the backup`, folder: false, url: file.url });
			continue;
		}
		// Newest upload first; equal dates keep the listing's order.
		const [newest, ...older] = [...sameName].sort((a, b) => b.uploadedAtMs - a.uploadedAtMs);
		files.push({ path, remote: newest, superseded: older });
	}
	files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
	return { files, refused: refused.sort((a, b) => (a.path < b.path ? -1 : 1)), seen: seen + refused.filter((entry) => entry.folder).length };
}
