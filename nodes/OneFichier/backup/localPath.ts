/**
 * Local paths built from remote names, for restore. A remote tree is written by whoever has write
 * access to it (a share, an older version of this package that made a folder named `..` from
 * `backups/../x`), so every name, once read back through the backup's look-alike table, is checked:
 * a name that is no plain file name is refused with the reason, and nothing is written for it; the
 * path made of checked names is checked once more against the target directory before any write.
 */
import path from 'path';

/** Separators of the file system n8n runs on: `/` everywhere, `\` on Windows. */
const SEPARATORS = path.sep === '\\' ? ['/', '\\'] : ['/'];

/** Why a decoded name cannot be one step of a local path, or undefined when it can. */
export function localNameProblem(name: string): string | undefined {
	if (name === '') return 'the name is empty';
	if (name === '.' || name === '..') return `the name "${name}" is a path step, not a name`;
	if (name.includes('\u0000')) return 'the name holds a NUL character';
	if (SEPARATORS.some((separator) => name.includes(separator))) return `the name "${name}" holds a path separator`;
	// A drive letter makes a path absolute on Windows only; elsewhere "C:notes" is a plain name.
	if (path.isAbsolute(name) || (path.sep === '\\' && /^[a-zA-Z]:/.test(name))) return `the name "${name}" is an absolute path`;
	return undefined;
}

/** A relative path that climbs out of where it starts (`..`, `../x`); `..x` is a plain name. */
function leavesDirectory(relative: string): boolean {
	return relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
}

/** `child` is `directory` itself or below it (both absolute and normalised). */
export function isInside(directory: string, child: string): boolean {
	return !leavesDirectory(path.relative(directory, child));
}
