/**
 * Which paths of the source directory a backup covers: Include and Exclude glob patterns
 * (relative to the source directory, several separated by commas) and hidden names. A path out
 * of scope is neither sent nor, in mirror mode, removed from the copy: the backup leaves it alone,
 * on both sides.
 *
 * Patterns follow the globs of n8n's Read/Write Files (picomatch's basic globbing): `*` any
 * characters but `/`, `**` any number of folders, `?` one character, `[abc]`, `[!abc]`, `{a,b}`.
 * A pattern without a slash matches a name in any folder (`*.tmp`); with one, the path from the
 * source directory (`photos/2025/**`). A folder that matches an exclude pattern is not entered.
 */

export interface PathFilterOptions {
	include?: string;
	exclude?: string;
	includeHidden?: boolean;
}

export interface PathFilter {
	/** Whether a file (or, `isFolder`, a folder to enter) at this relative path is backed up. */
	inScope(relativePath: string, isFolder: boolean): boolean;
}

export function pathFilter(options: PathFilterOptions): PathFilter {
	const include = compilePatterns(options.include);
	const exclude = compilePatterns(options.exclude);
	const includeHidden = options.includeHidden === true;
	return {
		inScope(relativePath, isFolder) {
			const steps = relativePath.split('/');
			if (!includeHidden && steps.some((step) => step.startsWith('.'))) return false;
			if (exclude.some((pattern) => pattern(relativePath))) return false;
			// Include patterns choose files; a folder is entered unless excluded, since what it holds may match.
			return isFolder || include.length === 0 || include.some((pattern) => pattern(relativePath));
		},
	};
}

type PathTest = (relativePath: string) => boolean;

/** Comma-separated patterns (commas inside `{…}` belong to the pattern). */
export function splitPatterns(text: string | undefined): string[] {
	const patterns: string[] = [];
	let depth = 0;
	let current = '';
	for (const char of text ?? '') {
		if (char === '{') depth++;
		if (char === '}' && depth > 0) depth--;
		if (char === ',' && depth === 0) {
			patterns.push(current);
			current = '';
		} else {
			current += char;
		}
	}
	patterns.push(current);
	return patterns.map((pattern) => pattern.trim().replace(/^\.?\/+/, '')).filter((pattern) => pattern !== '');
}

function compilePatterns(text: string | undefined): PathTest[] {
	return splitPatterns(text).map((pattern) => {
		const regex = new RegExp(`^${globToRegex(pattern)}$`);
		if (pattern.includes('/')) return (relativePath) => regex.test(relativePath);
		return (relativePath) => regex.test(relativePath.slice(relativePath.lastIndexOf('/') + 1));
	});
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A glob as the body of a regular expression over slash-separated relative paths. */
export function globToRegex(glob: string): string {
	let out = '';
	for (let index = 0; index < glob.length; index++) {
		const char = glob[index];
		if (char === '*') {
			if (glob[index + 1] !== '*') {
				out += '[^/]*';
				continue;
			}
			index++;
			const atStart = index === 1 || glob[index - 2] === '/';
			const atEnd = index === glob.length - 1;
			if (atStart && glob[index + 1] === '/') {
				out += '(?:.*/)?'; // `**/`: any folders, or none
				index++;
			} else if (atEnd && glob[index - 2] === '/') {
				out = out.slice(0, -1) + '(?:/.*)?'; // `/**` at the end: the folder itself and all below it
			} else {
				out += '.*';
			}
		} else if (char === '?') {
			out += '[^/]';
		} else if (char === '[') {
			const close = glob.indexOf(']', index + 2);
			if (close < 0) {
				out += '\\[';
				continue;
			}
			let set = glob.slice(index + 1, close);
			const negated = set.startsWith('!') || set.startsWith('^');
			if (negated) set = set.slice(1);
			out += `[${negated ? '^/' : ''}${set.replace(/[\\\]]/g, '\\$&')}]`;
			index = close;
		} else if (char === '{') {
			const close = matchingBrace(glob, index);
			if (close < 0) {
				out += '\\{';
				continue;
			}
			out += `(?:${splitAlternatives(glob.slice(index + 1, close)).map(globToRegex).join('|')})`;
			index = close;
		} else if (char === '\\' && index + 1 < glob.length) {
			out += escapeRegex(glob[++index]);
		} else {
			out += escapeRegex(char);
		}
	}
	return out;
}

function matchingBrace(glob: string, open: number): number {
	let depth = 0;
	for (let index = open; index < glob.length; index++) {
		if (glob[index] === '{') depth++;
		if (glob[index] === '}' && --depth === 0) return index;
	}
	return -1;
}

function splitAlternatives(body: string): string[] {
	const parts: string[] = [];
	let depth = 0;
	let current = '';
	for (const char of body) {
		if (char === '{') depth++;
		if (char === '}') depth--;
		if (char === ',' && depth === 0) {
			parts.push(current);
			current = '';
		} else {
			current += char;
		}
	}
	parts.push(current);
	return parts;
}
