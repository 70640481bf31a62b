import { randomBytes } from 'node:crypto';

/** Domain table of the upload `domain` field and of `default_domain` (§2.2, [DOC]). */
export const FILE_DOMAINS = [
	'1fichier.com',
	'alterupload.com',
	'cjoint.net',
	'desfichiers.com',
	'dfichiers.com',
	'megadl.fr',
	'mesfichiers.org',
	'piecejointe.net',
	'pjointe.com',
	'tenvoi.com',
	'dl4free.com',
] as const;

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomString(length: number, alphabet: string): string {
	const bytes = randomBytes(length);
	let text = '';
	for (const byte of bytes) text += alphabet[byte % alphabet.length];
	return text;
}

/** New file link ids are 20 lowercase alphanumerics (§5, e.g. `2zk52quqlm0cbjr93ri5`). */
export const newFileId = () => randomString(20, LOWER_ALNUM);
/** Upload ids are 10 alphanumerics; rclone refuses anything longer (§2.2). */
export const newUploadId = () => randomString(10, MIXED_ALNUM);
export const newDownloadToken = () => randomString(24, LOWER_ALNUM);
/** Public folder ids of `/dir/<id>` are alphanumeric, unrelated to API folder ids (§2.10). */
export const newShareId = () => randomString(12, LOWER_ALNUM);
export const newRemovalCode = () => randomString(16, LOWER_ALNUM);

/** The real host form: clients check links against 1fichier's domain table, so no simulator host here. */
export function fileUrl(id: string, domainIndex = 0): string {
	const domain = FILE_DOMAINS[domainIndex] ?? FILE_DOMAINS[0];
	return `https://${domain}/?${id}`;
}

const escapedDomains = FILE_DOMAINS.map((domain) => domain.replace(/\./g, '\\.')).join('|');
const QUERY_FORM = new RegExp(`^https?://(?:www\\.)?(?:${escapedDomains})/\\?([a-z0-9]{5,20})(?:&.*)?$`, 'i');
const LEGACY_FORM = /^https?:\/\/([a-z0-9]{5,20})\.1fichier\.com\/?(?:\?.*)?$/i;
const BARE_ID = /^[a-z0-9]{5,20}$/i;

/**
 * File id of a download link (§2 `F`): `https://<any domain of the table>/?<id>`, optionally
 * followed by `&af=…` (affiliate), or the legacy `https://<id>.1fichier.com/`.
 */
export function fileIdFromUrl(url: string): string | undefined {
	const text = url.trim();
	const match = QUERY_FORM.exec(text) ?? LEGACY_FORM.exec(text);
	return match ? match[1].toLowerCase() : undefined;
}

/** Same as fileIdFromUrl, but also takes a bare id (for the in-process test API only). */
export function fileIdFromUrlOrId(urlOrId: string): string | undefined {
	const text = urlOrId.trim();
	return BARE_ID.test(text) ? text.toLowerCase() : fileIdFromUrl(text);
}

/**
 * Characters 1fichier refuses in names (§5, rclone #3298 and its encoder): backslash, <, >, ",
 * ', $, backtick, acute accent, slash, and a leading space. The real reaction (strip, replace or
 * error) is unknown; the simulator refuses, so client-side encoding bugs show up in tests.
 * Control characters (CR, LF, NUL… and DEL) and the names `.` and `..` are refused too: rclone
 * encodes them before sending (§5), and a folder named `..` would turn a restore's local path
 * against its user.
 * Returns a human description of the first problem, or undefined when the name is fine.
 */
const RESERVED_CHARACTER = /[\\<>"'$`\u00b4/]/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export function reservedCharacterProblem(name: string): string | undefined {
	if (name === '.' || name === '..') return `reserved name ${JSON.stringify(name)}`;
	if (name.startsWith(' ')) return 'leading space';
	const control = CONTROL_CHARACTER.exec(name);
	if (control) return `control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
	const match = RESERVED_CHARACTER.exec(name);
	return match ? `reserved character ${JSON.stringify(match[0])}` : undefined;
}

/** For names the user did not choose (remote fetches): refused characters become `_`, `.`/`..` too. */
export function sanitizeName(name: string): string {
	const cleaned = name
		.replace(new RegExp(RESERVED_CHARACTER.source, 'g'), '_')
		.replace(new RegExp(CONTROL_CHARACTER.source, 'g'), '_')
		.replace(/^ +/, '');
	return cleaned === '.' || cleaned === '..' ? '_' : cleaned;
}
