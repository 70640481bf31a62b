/**
 * Local paths built from remote names, for restore and check. A remote tree is written by whoever
 * has write access to it (a share, an older version of this package that made a folder named `..`
 * from `backups/../x`), so every name is decoded with the backup's look-alike table and then
 * checked: a name that is no plain file name, or a path that would leave the target directory, is
 * refused with the reason, and nothing is written for it.
 */
import path from 'path';

import { fromRemoteName } from '../api/names';

export type LocalPath = { relative: string; parts: string[] } | { refused: string };

/** Separators of the file system n8n runs on: `/` everywhere, `\` on Windows. */
const SEPARATORS = path.sep === '\\' ? ['/', '\\'] : ['/'];

/** Why a decoded name cannot be one step of a local path, or undefined when it can. */
export function localNameProblem(name: string): string | undefined {
	if (name === '') return 'the name is empty';
	if (name === '.' || name === '..') return `the name "${name}" is a path step, not a name`;
	if (name.includes('\u0000')) return 'the name holds a NUL character';
	if (SEPARATORS.some((separator) => name.includes(separator))) return `the name "${name}" holds a path separator`;
	if (path.isAbsolute(name) || /^[a-zA-Z]:/.test(name)) return `the name "${name}" is an absolute path`;
	return undefined;
}

/**
 * The local path (relative to the target directory) of a remote file, from the remote names of the
 * folders below the restored folder and the file's own name; or why it is refused.
 */
export function localPathOf(remoteSteps: string[]): LocalPath {
	const parts: string[] = [];
	for (const remote of remoteSteps) {
		const local = fromRemoteName(remote);
		const problem = localNameProblem(local);
		if (problem) return { refused: problem };
		parts.push(local);
	}
	if (parts.length === 0) return { refused: 'the path is empty' };
	// Checked above step by step; this is the same rule said once more for the whole path.
	const relative = path.join(...parts);
	if (leavesDirectory(relative) || relative !== parts.join(path.sep)) {
		return { refused: `the path "${relative}" would leave the target directory` };
	}
	return { relative, parts };
}

/** A relative path that climbs out of where it starts (`..`, `../x`); `..x` is a plain name. */
function leavesDirectory(relative: string): boolean {
	return relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
}

/** `child` is `directory` itself or below it (both absolute and normalised). */
export function isInside(directory: string, child: string): boolean {
	return !leavesDirectory(path.relative(directory, child));
}
