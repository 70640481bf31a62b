/**
 * Which remote file goes where on disk: each remote path decoded and checked (backup/localPath.ts);
 * of several copies under one local path (same-named uploads in a folder, or names that decode
 * alike) the newest by 1fichier's upload date wins and the others are reported; a file whose path
 * is also a folder of the tree is refused.
 */
import path from 'path';

import { parseParisDate } from '../api/dates';
import { localPathOf } from './localPath';

/** A file of the remote tree: the names of the folders below the restored one, and the file. */
export interface RemoteTreeFile {
	folderNames: string[];
	url: string;
	filename: string;
	size?: number;
	/** 1fichier's upload date (Paris time), as listed. */
	date?: string;
	checksum?: string;
}

export interface PlannedFile {
	/** Relative to the target directory, with the local separator. */
	relative: string;
	parts: string[];
	remote: RemoteTreeFile;
	/** Older copies under the same local path, not restored. */
	superseded: RemoteTreeFile[];
}

export interface RefusedFile {
	/** The remote path below the restored folder, as 1fichier names it. */
	remotePath: string;
	reason: string;
}

export interface RestorePlan {
	files: PlannedFile[];
	refused: RefusedFile[];
}

export const remotePathOf = (file: RemoteTreeFile) => [...file.folderNames, file.filename].join('/');

/** Newest upload first; the listing order (newest first too) breaks ties. */
function newerFirst(a: RemoteTreeFile, b: RemoteTreeFile): number {
	return (parseParisDate(b.date) ?? -Infinity) - (parseParisDate(a.date) ?? -Infinity);
}

export function planRestore(tree: RemoteTreeFile[]): RestorePlan {
	const refused: RefusedFile[] = [];
	const byPath = new Map<string, { parts: string[]; copies: RemoteTreeFile[] }>();
	for (const file of tree) {
		const local = localPathOf([...file.folderNames, file.filename]);
		if ('refused' in local) {
			refused.push({ remotePath: remotePathOf(file), reason: local.refused });
			continue;
		}
		const entry = byPath.get(local.relative) ?? { parts: local.parts, copies: [] };
		entry.copies.push(file);
		byPath.set(local.relative, entry);
	}

	const folders = new Set<string>();
	for (const { parts } of byPath.values()) {
		for (let depth = 1; depth < parts.length; depth++) folders.add(parts.slice(0, depth).join(path.sep));
	}

	const files: PlannedFile[] = [];
	for (const [relative, { parts, copies }] of byPath) {
		if (folders.has(relative)) {
			for (const copy of copies) refused.push({ remotePath: remotePathOf(copy), reason: `"${relative}" is also a folder of the backup` });
			continue;
		}
		const [newest, ...older] = [...copies].sort(newerFirst);
		files.push({ relative, parts, remote: newest, superseded: older });
	}
	files.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
	return { files, refused };
}
