import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * Characters 1fichier refuses in names (docs/1fichier-api.md §5, from rclone's encoder): backslash,
 * <, >, ", ', $, backtick, acute accent, slash; and a leading space. Checked before any byte is sent.
 */
const RESERVED = /[\\<>"'$`\u00B4/]/;

/**
 * Control characters (NUL, CR, LF, DEL…): rclone encodes them too, and a CR or LF in a file name
 * would end the multipart header line it is written into.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F]/;

/** `.` and `..` mean "this folder" and "the parent" on every file system a backup is restored to. */
const DOT_NAMES = new Set(['.', '..']);

/** 1fichier's name limit (folders, docs/1fichier-api.md §5; applied to file names too). */
export const MAX_NAME_LENGTH = 250;

/**
 * Refuses a name 1fichier would refuse, before any call. `label` says where the name comes from as
 * the editor shows it (`"New Name"`, `the path in "Folder"`); `changeIn` where the user changes it,
 * when that is another parameter (a binary's own file name is changed in "File Name").
 */
export function assertValidName(node: INode, label: string, name: string, itemIndex?: number, changeIn = label): void {
	const subject = sentenceStart(label);
	if (name.trim() === '') {
		throw new NodeOperationError(node, `${subject} must not be empty`, { itemIndex, description: `Give a name in ${changeIn}.` });
	}
	if (name.length > MAX_NAME_LENGTH) {
		throw new NodeOperationError(
			node,
			`${subject} is ${name.length} characters long; 1fichier allows at most ${MAX_NAME_LENGTH}: "${name.slice(0, 40)}…"`,
			{ itemIndex, description: `Shorten the name in ${changeIn}.` },
		);
	}
	if (DOT_NAMES.has(name.trim())) {
		throw new NodeOperationError(node, `${subject} is "${name.trim()}", which is not a name but a path step`, {
			itemIndex,
			description: `Give the folder or file its own name in ${changeIn}; a path such as backups/../x is not followed.`,
		});
	}
	const control = CONTROL.exec(name);
	if (control) {
		const code = `U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
		throw new NodeOperationError(node, `${subject} contains a control character (${code}), which 1fichier does not allow in names`, {
			itemIndex,
			description: `Remove line breaks, tabs and other invisible characters from the name in ${changeIn}.`,
		});
	}
	const reserved = name.match(RESERVED);
	if (reserved || name.startsWith(' ')) {
		const what = reserved ? `the character ${JSON.stringify(reserved[0])}` : 'a leading space';
		throw new NodeOperationError(node, `${subject} contains ${what}, which 1fichier does not allow in names: "${name}"`, {
			itemIndex,
			description: refusedNameWayOut(name, changeIn),
		});
	}
}

/** What to do about a name with characters 1fichier refuses: its look-alike form, or Folder → Back Up, which does that for a whole tree. */
function refusedNameWayOut(name: string, changeIn: string): string {
	return (
		`1fichier refuses \\ < > " ' $ \` ´ / in names and a leading space. Change the name in ${changeIn}, e.g. to "${toRemoteName(name)}" ` +
		'(the same name with look-alike characters). Folder → Back Up stores whole directories this way and Folder → Restore gives the original names back.'
	);
}

const sentenceStart = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

// ---- the look-alike table: any local name ↔ a name 1fichier accepts ------------------------------

/**
 * Local names may hold what 1fichier refuses (`L'été.jpg`, `$RECYCLE.BIN`, a trailing space). The
 * backup sends each refused character as a look-alike and reads it back, so listing, restore and
 * comparison agree on one table. It is rclone's fichier encoding (`backend/fichier/fichier.go`:
 * `Display | BackSlash | SingleQuote | BackQuote | DoubleQuote | LtGt | Dollar | LeftSpace |
 * RightSpace`, with `lib/encoder`'s quoting), plus what this package refuses besides: the acute
 * accent, control characters and DEL, and the names `.` and `..`.
 *
 * Round trip: a local name that already holds a look-alike (a file really named `＄.txt`) has it
 * quoted with U+201B `‛`, as rclone does, and `‛` itself is quoted too, so `fromRemoteName(
 * toRemoteName(name)) === name` for every name. A remote name made by someone else with a bare
 * look-alike reads as the plain character (rclone reads it so too); the backup never meets that
 * ambiguity, because it compares names in their remote form (`toRemoteName(local) === remote`,
 * an exact test, since the encoding is one-to-one).
 */
export const QUOTE_MARK = '\u201B';

/** Reserved character → its look-alike, replaced wherever it stands in a name. */
export const LOOK_ALIKES: ReadonlyArray<readonly [reserved: string, lookAlike: string]> = [
	['\\', '\uFF3C'], // FULLWIDTH REVERSE SOLIDUS
	['<', '\uFF1C'], // FULLWIDTH LESS-THAN SIGN
	['>', '\uFF1E'], // FULLWIDTH GREATER-THAN SIGN
	['"', '\uFF02'], // FULLWIDTH QUOTATION MARK
	["'", '\uFF07'], // FULLWIDTH APOSTROPHE
	['$', '\uFF04'], // FULLWIDTH DOLLAR SIGN
	['`', '\uFF40'], // FULLWIDTH GRAVE ACCENT
	['/', '\uFF0F'], // FULLWIDTH SOLIDUS
	// Not in rclone's table; 1fichier refuses it (rclone #3298). Not U+1FFD, which Unicode
	// normalisation would turn back into U+00B4.
	['\u00B4', '\u02CA'], // MODIFIER LETTER ACUTE ACCENT
	...Array.from({ length: 32 }, (_, code) => [String.fromCharCode(code), String.fromCharCode(0x2400 + code)] as const), // SYMBOL FOR NULL…
	['\u007F', '\u2421'], // SYMBOL FOR DELETE
];

/** A space at either end of a name (1fichier refuses a leading one; a trailing one may be trimmed). */
export const SPACE_LOOK_ALIKE = '\u2420'; // SYMBOL FOR SPACE
/** `.` and `..` are path steps, not names. */
const DOT_LOOK_ALIKE = '\uFF0E'; // FULLWIDTH FULL STOP

const ENCODED = new Map(LOOK_ALIKES);
const DECODED = new Map(LOOK_ALIKES.map(([reserved, lookAlike]) => [lookAlike, reserved]));

/** The name a local file or folder gets on 1fichier. */
export function toRemoteName(localName: string): string {
	switch (localName) {
		case '.':
			return DOT_LOOK_ALIKE;
		case '..':
			return DOT_LOOK_ALIKE + DOT_LOOK_ALIKE;
		case DOT_LOOK_ALIKE:
			return QUOTE_MARK + DOT_LOOK_ALIKE;
		case DOT_LOOK_ALIKE + DOT_LOOK_ALIKE:
			return QUOTE_MARK + DOT_LOOK_ALIKE + QUOTE_MARK + DOT_LOOK_ALIKE;
	}
	const chars = [...localName];
	const last = chars.length - 1;
	let out = '';
	chars.forEach((char, index) => {
		const atEnd = index === 0 || index === last;
		if (atEnd && char === ' ') out += SPACE_LOOK_ALIKE;
		else if (atEnd && char === SPACE_LOOK_ALIKE) out += QUOTE_MARK + char;
		else if (ENCODED.has(char)) out += ENCODED.get(char);
		else if (DECODED.has(char) || char === QUOTE_MARK) out += QUOTE_MARK + char;
		else out += char;
	});
	return out;
}

/** The local name of a 1fichier file or folder (the inverse of `toRemoteName`). */
export function fromRemoteName(remoteName: string): string {
	switch (remoteName) {
		case DOT_LOOK_ALIKE:
			return '.';
		case DOT_LOOK_ALIKE + DOT_LOOK_ALIKE:
			return '..';
		case QUOTE_MARK + DOT_LOOK_ALIKE:
			return DOT_LOOK_ALIKE;
		case QUOTE_MARK + DOT_LOOK_ALIKE + QUOTE_MARK + DOT_LOOK_ALIKE:
			return DOT_LOOK_ALIKE + DOT_LOOK_ALIKE;
	}
	const chars = [...remoteName];
	const last = chars.length - 1;
	let out = '';
	for (let index = 0; index <= last; index++) {
		const char = chars[index];
		if (char === QUOTE_MARK && index < last) {
			out += chars[++index];
		} else if (char === SPACE_LOOK_ALIKE) {
			out += index === 0 || index === last ? ' ' : char;
		} else {
			out += DECODED.get(char) ?? char;
		}
	}
	return out;
}

/** A slash-separated relative path, each step through `toRemoteName`. */
export function toRemotePath(localPath: string): string {
	return localPath === '' ? '' : localPath.split('/').map(toRemoteName).join('/');
}

/** Why 1fichier cannot take this (already encoded) name, or undefined when it can. */
export function remoteNameProblem(remoteName: string): string | undefined {
	if (remoteName === '') return 'the name is empty';
	if (remoteName.length > MAX_NAME_LENGTH) {
		return `the name is ${remoteName.length} characters long once encoded; 1fichier allows at most ${MAX_NAME_LENGTH}`;
	}
	return undefined;
}
