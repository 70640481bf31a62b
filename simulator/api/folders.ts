import { KoError } from '../errors';
import { INVENTED } from '../messages';
import { newShareId } from '../names';
import { assertValidName, ROOT_FOLDER_ID } from '../state';
import type { SimFolder, SimShare } from '../types';
import type { ApiCall } from './call';
import { enforce, flagOf, flagParam, intParam, isRecord, passwordParam, requiredInt, requiredString, stringParam } from './call';
import { fileListItem } from './files';

function publicShare(folder: SimFolder): string | 0 {
	return folder.shared?.public && folder.shared.url ? folder.shared.url : 0;
}

/**
 * `POST /v1/folder/ls.cgi` (§2.5). Sub-folders use `id` (not folder_id) and a numeric `pass`;
 * root is named `Root` with `size: null` (rclone #5152 dump). `shared` is the public share URL,
 * or 0 (C# SDK); `items` only with `files: 1`. Unknown folder → KO.
 */
export function folderLs(call: ApiCall): Record<string, unknown> {
	const { state } = call.ctx;
	enforce(call.ctx.limiter.checkFolderLs(call.key as string));
	const folderId = intParam(call.body, 'folder_id') ?? ROOT_FOLDER_ID;
	const folder = state.requireFolder(folderId);
	const files = state.listFiles(folderId);
	const answer: Record<string, unknown> = {
		status: 'OK',
		folder_id: folder.id,
		name: folder.name,
		size: folderId === ROOT_FOLDER_ID ? null : files.reduce((sum, file) => sum + file.size, 0),
		files: files.length,
		create_date: folder.createDate,
		pass: flagOf(folder.pass ?? folder.shared?.pass),
		shared: publicShare(folder),
		sub_folders: state.listFolders(folderId).map((sub) => ({
			id: sub.id,
			name: sub.name,
			create_date: sub.createDate,
			pass: flagOf(sub.pass ?? sub.shared?.pass),
		})),
	};
	if (folder.shared && folder.shared.shares.length > 0) answer.shares = folder.shared.shares.map((share) => ({ ...share }));
	if (flagParam(call.body, 'files') === 1) answer.items = [...files].reverse().map(fileListItem);
	return answer;
}

/**
 * `POST /v1/folder/mkdir.cgi` `{name, folder_id}` → `folder_id`, `name` (§2.5). A name already
 * used by a sibling folder is refused (undocumented, §5 "Duplicates"; rclone looks up first).
 */
export function folderMkdir(call: ApiCall): Record<string, unknown> {
	const name = requiredString(call.body, 'name');
	const parentId = intParam(call.body, 'folder_id') ?? ROOT_FOLDER_ID;
	const folder = call.ctx.state.createFolder(parentId, name);
	return { status: 'OK', folder_id: folder.id, name: folder.name };
}

function requireMovableFolder(call: ApiCall): SimFolder {
	const folderId = requiredInt(call.body, 'folder_id');
	if (folderId === ROOT_FOLDER_ID) throw new KoError(INVENTED.rootCannotChange);
	return call.ctx.state.requireFolder(folderId);
}

/** `POST /v1/folder/rm.cgi`: removes an EMPTY folder only; clients empty it first (§2.5, C# SDK). */
export function folderRm(call: ApiCall): Record<string, unknown> {
	const { state } = call.ctx;
	const folder = requireMovableFolder(call);
	if (state.listFiles(folder.id).length > 0 || state.listFolders(folder.id).length > 0) {
		throw new KoError(INVENTED.folderNotEmpty);
	}
	state.removeFolder(folder.id);
	return { status: 'OK' };
}

/**
 * `POST /v1/folder/mv.cgi` (§2.5): with `rename`, the folder is renamed in place and
 * `destination_folder_id` is ignored (SPEC3P; rclone: can't move AND rename in one call).
 */
export function folderMv(call: ApiCall): Record<string, unknown> {
	const { state } = call.ctx;
	const folder = requireMovableFolder(call);
	const oldName = folder.name;
	const rename = stringParam(call.body, 'rename');
	if (rename !== undefined && rename !== '') {
		assertValidName(rename);
		if (rename === folder.name) throw new KoError(INVENTED.sameName);
		if (state.childNamed(folder.parentId as number, rename)) throw new KoError(INVENTED.folderAlreadyExists);
		folder.name = rename;
		return { status: 'OK', old_name: oldName, new_name: rename };
	}
	const destination = requiredInt(call.body, 'destination_folder_id');
	state.requireFolder(destination);
	if (state.isSameOrDescendant(destination, folder.id)) throw new KoError(INVENTED.folderIntoItself);
	const clash = state.childNamed(destination, folder.name);
	if (clash && clash !== folder) throw new KoError(INVENTED.folderAlreadyExists);
	state.moveFolder(folder, destination);
	return { status: 'OK', old_name: oldName, new_name: folder.name };
}

function sharesParam(call: ApiCall): SimShare[] | undefined {
	const value = call.body.shares;
	if (value === undefined || value === null) return undefined;
	if (!Array.isArray(value)) throw new KoError(INVENTED.invalidParameter('shares'));
	return value.map((share) => {
		if (!isRecord(share) || typeof share.email !== 'string') throw new KoError(INVENTED.invalidParameter('shares'));
		const hideLinks = share.hide_links === 1 || share.hide_links === '1' ? 1 : 0;
		// hide_links implies rw = 0 (§2.5).
		const rw = hideLinks === 0 && (share.rw === 1 || share.rw === '1') ? 1 : 0;
		return { email: share.email, rw, hide_links: hideLinks };
	});
}

/** `POST /v1/folder/share.cgi` (§2.5): public link (`share` 1), password, groupware `shares`. */
export function folderShare(call: ApiCall): Record<string, unknown> {
	const folder = requireMovableFolder(call);
	const share = flagParam(call.body, 'share');
	const pass = passwordParam(call.body);
	const shares = sharesParam(call);
	const shared = folder.shared ?? { public: false, shares: [] };
	if (share !== undefined) shared.public = share === 1;
	if (shared.public && !shared.url) shared.url = `${call.ctx.publicUrl()}/dir/${newShareId()}`;
	if (pass !== undefined) shared.pass = pass === '' ? undefined : pass;
	if (shares !== undefined) shared.shares = shares;
	folder.shared = shared;
	return { status: 'OK', ...(shared.public ? { url: shared.url } : {}) };
}
