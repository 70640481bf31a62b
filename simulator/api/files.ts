import { parseParisDate } from '../dates';
import { KoError } from '../errors';
import { ALL_FILES_FOLDER_ID } from '../limits';
import { INVENTED, REAL } from '../messages';
import { assertValidName, hasAcl, ROOT_FOLDER_ID, type StoredFile } from '../state';
import type { SimAcl } from '../types';
import type { ApiCall } from './call';
import {
	checkFilePassword,
	enforce,
	fileByUrl,
	findByUrl,
	flagOf,
	flagParam,
	intParam,
	isRecord,
	ownFileByUrl,
	passwordParam,
	requiredArray,
	requiredInt,
	requiredUrlList,
	stringParam,
} from './call';

/** One item of file/ls (§2.4; real sample in rclone #5421): flags as 0/1, size as int. */
export function fileListItem(file: StoredFile): Record<string, unknown> {
	return {
		url: file.url,
		filename: file.filename,
		size: file.size,
		date: file.date,
		checksum: file.checksum,
		'content-type': file.contentType,
		pass: flagOf(file.pass),
		acl: hasAcl(file.acl) ? 1 : 0,
		cdn: file.cdn,
	};
}

function dateParam(call: ApiCall, name: string): number | undefined {
	const text = stringParam(call.body, name);
	if (text === undefined || text === '') return undefined;
	const ms = parseParisDate(text);
	if (ms === undefined) throw new KoError(INVENTED.invalidParameter(name));
	return ms;
}

/** Dates in answers have whole seconds, so comparisons use whole seconds too. */
const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

/**
 * `POST /v1/file/ls.cgi` (§2.4). folder_id 0/absent = root, -1 = every file of the account.
 * `sent_after` is inclusive (date >= after), `sent_before` exclusive (date < before) — the real
 * semantics are unknown (§7 question 8). Items are sorted newest first and capped at fileLsCap
 * (5 000): with more matches, the newest ones come back, so a client walks older files with
 * `sent_before` = the oldest date it got. `count` is the number of items returned.
 */
export function fileLs(call: ApiCall): Record<string, unknown> {
	const { ctx } = call;
	const folderId = intParam(call.body, 'folder_id') ?? ROOT_FOLDER_ID;
	enforce(ctx.limiter.checkFileLs(call.key as string, folderId));
	const after = dateParam(call, 'sent_after');
	const before = dateParam(call, 'sent_before');
	let files: StoredFile[];
	if (folderId === ALL_FILES_FOLDER_ID) files = ctx.state.allFiles();
	else {
		ctx.state.requireFolder(folderId);
		files = ctx.state.listFiles(folderId);
	}
	const matching = files.filter((file) => {
		const at = wholeSecond(file.createdAt);
		return (after === undefined || at >= after) && (before === undefined || at < before);
	});
	const newestFirst = matching.reverse().sort((a, b) => b.createdAt - a.createdAt);
	const items = newestFirst.slice(0, ctx.limits.fileLsCap).map(fileListItem);
	return { status: 'OK', count: items.length, items };
}

/** The full file object of file/info, at top level and without `status` (§2.4). */
export function fileDetails(call: ApiCall, file: StoredFile): Record<string, unknown> {
	return {
		...fileListItem(file),
		description: file.description,
		path: file.anonymous ? '' : call.ctx.state.folderPath(file.folderId),
		folder_id: file.anonymous ? 0 : file.folderId,
		acl: { ...file.acl },
		inline: file.inline,
		no_ssl: file.noSsl,
	};
}

/** `POST /v1/file/info.cgi`: `url`, or `folder_id` + exact `filename` (§2.4). Unknown → 404 #469. */
export function fileInfo(call: ApiCall): Record<string, unknown> {
	const folderId = intParam(call.body, 'folder_id');
	const filename = stringParam(call.body, 'filename');
	let file: StoredFile | undefined;
	if (call.body.url === undefined && folderId !== undefined && filename) {
		file = call.ctx.state.listFiles(folderId).find((candidate) => candidate.filename === filename);
		if (!file) throw new KoError(REAL.notFound, 404);
	} else file = fileByUrl(call, call.body.url);
	// Someone else's password-protected file needs its password (§2.4 `Resource not allowed`).
	if (file.anonymous) checkFilePassword(file, stringParam(call.body, 'pass'));
	return fileDetails(call, file);
}

/**
 * `POST /v1/file/rm.cgi` `{files:[{url, code?}]}` → `removed`, `urls` (§2.4). `code` removes an
 * anonymous upload. When none of the links is a removable file: 404 #469 (real answer unknown).
 */
export function fileRm(call: ApiCall): Record<string, unknown> {
	const entries = requiredArray(call.body, 'files');
	const removed: string[] = [];
	for (const entry of entries) {
		if (!isRecord(entry)) throw new KoError(INVENTED.invalidParameter('files'));
		const file = findByUrl(call, entry.url);
		if (!file) continue;
		const allowed = !file.anonymous || (file.removalCode !== '' && entry.code === file.removalCode);
		if (!allowed) continue;
		call.ctx.state.removeFile(file);
		removed.push(entry.url as string);
	}
	if (removed.length === 0) throw new KoError(REAL.notFound, 404);
	return { status: 'OK', removed: removed.length, urls: removed };
}

function renameTarget(call: ApiCall, urls: string[]): string | undefined {
	const rename = stringParam(call.body, 'rename');
	if (rename === undefined || rename === '') return undefined;
	if (urls.length !== 1) throw new KoError(INVENTED.renameOneFileOnly);
	assertValidName(rename);
	return rename;
}

/**
 * `POST /v1/file/mv.cgi` (§2.4): `destination_folder_id` is required; `rename` only with one
 * url, and a rename equal to the current name is refused (rclone #7856). Links do not change on
 * a move here (§7 question 7); the answer still carries them, as rclone expects.
 */
export function fileMv(call: ApiCall): Record<string, unknown> {
	const urls = requiredUrlList(call.body);
	const destination = requiredInt(call.body, 'destination_folder_id');
	call.ctx.state.requireFolder(destination);
	const rename = renameTarget(call, urls);
	const files = urls.map((url) => ownFileByUrl(call, url));
	if (rename !== undefined && rename === files[0].filename) throw new KoError(INVENTED.sameName);
	for (const file of files) {
		call.ctx.state.moveFile(file, destination);
		if (rename !== undefined) file.filename = rename;
	}
	return {
		status: 'OK',
		moved: files.length,
		urls: files.map((file) => file.url),
		...(rename !== undefined ? { filename: rename } : {}),
	};
}

/** `POST /v1/file/cp.cgi` (§2.4): destination is `folder_id` (0/absent = root); copies get new links. */
export function fileCp(call: ApiCall): Record<string, unknown> {
	const urls = requiredUrlList(call.body);
	const destination = intParam(call.body, 'folder_id') ?? ROOT_FOLDER_ID;
	call.ctx.state.requireFolder(destination);
	const rename = renameTarget(call, urls);
	const sources = urls.map((url) => fileByUrl(call, url));
	for (const source of sources) if (source.anonymous) checkFilePassword(source, stringParam(call.body, 'pass'));
	const copies = sources.map((source, index) => ({
		from_url: urls[index],
		to_url: call.ctx.state.copyFile(source, destination, rename ?? source.filename).url,
	}));
	return {
		status: 'OK',
		copied: copies.length,
		urls: copies,
		...(rename !== undefined ? { filename: rename } : {}),
	};
}

/**
 * `POST /v1/file/rename.cgi` `{urls:[{url, filename}]}` (§2.4). Entries that change nothing
 * (same name, unknown link) are skipped; when nothing changed: `No file has been renamed #312`.
 */
export function fileRename(call: ApiCall): Record<string, unknown> {
	const entries = requiredArray(call.body, 'urls');
	const renamed: Array<{ url: string; old_filename: string; new_filename: string }> = [];
	for (const entry of entries) {
		if (!isRecord(entry) || typeof entry.filename !== 'string') throw new KoError(INVENTED.invalidParameter('urls'));
		assertValidName(entry.filename);
		const file = findByUrl(call, entry.url);
		if (!file || file.anonymous || file.filename === entry.filename) continue;
		renamed.push({ url: String(entry.url), old_filename: file.filename, new_filename: entry.filename });
		file.filename = entry.filename;
	}
	if (renamed.length === 0) throw new KoError(REAL.noFileRenamed);
	return { status: 'OK', renamed: renamed.length, urls: renamed };
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

function aclParam(call: ApiCall): SimAcl | undefined {
	const value = call.body.acl;
	if (value === undefined || value === null) return undefined;
	if (!isRecord(value) && !(Array.isArray(value) && value.length === 0)) throw new KoError(INVENTED.invalidParameter('acl'));
	const acl = isRecord(value) ? value : {};
	// An empty acl removes every restriction (§2.4 chattr).
	return {
		ip: stringList(acl.ip),
		country: stringList(acl.country),
		email: stringList(acl.email),
		premium: acl.premium === 1 || acl.premium === '1' ? 1 : 0,
	};
}

/** `POST /v1/file/chattr.cgi` (§2.4): attributes of one or more files → `updated`, `urls`. */
export function fileChattr(call: ApiCall): Record<string, unknown> {
	const urls = requiredUrlList(call.body);
	const filename = stringParam(call.body, 'filename');
	if (filename !== undefined) {
		if (urls.length !== 1) throw new KoError(INVENTED.renameOneFileOnly);
		assertValidName(filename);
	}
	const description = stringParam(call.body, 'description');
	const pass = passwordParam(call.body);
	const inline = flagParam(call.body, 'inline');
	const noSsl = flagParam(call.body, 'no_ssl');
	const cdn = flagParam(call.body, 'cdn');
	const acl = aclParam(call);
	const files = urls.map((url) => ownFileByUrl(call, url));
	for (const file of files) {
		if (filename !== undefined) file.filename = filename;
		if (description !== undefined) file.description = description;
		if (pass !== undefined) file.pass = pass;
		if (inline !== undefined) file.inline = inline;
		if (noSsl !== undefined) file.noSsl = noSsl;
		if (cdn !== undefined) file.cdn = cdn;
		if (acl !== undefined) file.acl = acl;
	}
	return { status: 'OK', updated: files.length, urls };
}
