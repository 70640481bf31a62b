/**
 * Output shapes: numbers are numbers (sizes arrive as strings in places), names as the user knows
 * them, and each 1fichier date (Paris wall clock, no offset) also as ISO 8601 with its offset in a
 * field named after it with `Iso` (`date` → `dateIso`).
 */
import type { IDataObject } from 'n8n-workflow';

import { parisDateToIso } from '../api/dates';
import type { ApiFile, ApiSubFolder, FileInfoResponse } from '../api/types';
import { toNumber } from '../api/types';
import { normaliseChecksum } from '../transfer/whirlpool';

export function fileItem(file: ApiFile | FileInfoResponse, folderId?: number): IDataObject {
	const item: IDataObject = {
		url: file.url,
		filename: file.filename,
		size: toNumber(file.size) ?? null,
		date: file.date,
		dateIso: parisDateToIso(file.date),
		checksum: normaliseChecksum(file.checksum) ?? null,
		contentType: file['content-type'] ?? null,
		passwordProtected: toNumber(file.pass) === 1,
		cdn: toNumber(file.cdn) === 1,
	};
	const folder = 'folder_id' in file ? toNumber(file.folder_id) : folderId;
	if (folder !== undefined) item.folderId = folder;
	const info = file as FileInfoResponse;
	if (info.description !== undefined) item.description = info.description;
	if (info.path !== undefined) item.path = info.path;
	if (info.inline !== undefined) item.inline = toNumber(info.inline) === 1;
	if (info.no_ssl !== undefined) item.noSsl = toNumber(info.no_ssl) === 1;
	if (info.acl !== undefined) item.acl = typeof info.acl === 'object' ? (info.acl as IDataObject) : toNumber(info.acl) === 1;
	return item;
}

export function folderItem(folder: ApiSubFolder, parentId?: number): IDataObject {
	const item: IDataObject = {
		id: toNumber(folder.id) ?? null,
		name: folder.name,
		createDate: folder.create_date ?? null,
		createDateIso: parisDateToIso(folder.create_date),
		passwordProtected: toNumber(folder.pass) === 1,
	};
	if (parentId !== undefined) item.parentId = parentId;
	return item;
}

/** A remote upload request's dates: 1fichier's own (Paris wall clock) and the same as ISO 8601 with offsets. */
export function requestDates(requestDate: string | null | undefined, executionDate: string | null | undefined): IDataObject {
	return {
		requestDate: requestDate ?? null,
		requestDateIso: parisDateToIso(requestDate),
		executionDate: executionDate ?? null,
		executionDateIso: parisDateToIso(executionDate),
	};
}
