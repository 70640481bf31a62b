/**
 * Request and response shapes of the real 1fichier API (https://api.1fichier.com/v1),
 * one per endpoint, with the API's own field names. Nothing else in the package guesses at JSON.
 *
 * Numbers arrive as strings in several places (`size` in end.pl, the flag fields of user/info),
 * so response fields that are numbers are typed `NumberLike` and read with `toNumber`.
 */

export type NumberLike = number | string;
export type ZeroOrOne = 0 | 1;

/** Every JSON endpoint, relative to the credential's base URL. */
export type Endpoint =
	| 'user/info.cgi'
	| 'upload/get_upload_server.cgi'
	| 'download/get_token.cgi'
	| 'file/ls.cgi'
	| 'file/info.cgi'
	| 'file/rm.cgi'
	| 'file/mv.cgi'
	| 'file/cp.cgi'
	| 'file/rename.cgi'
	| 'file/chattr.cgi'
	| 'folder/ls.cgi'
	| 'folder/mkdir.cgi'
	| 'folder/rm.cgi'
	| 'folder/mv.cgi'
	| 'folder/share.cgi'
	| 'remote/request.cgi'
	| 'remote/ls.cgi'
	| 'remote/info.cgi';

/** The envelope: `status` is OK or KO; a KO always carries `message` ending in an opaque `#<n>`. */
export interface Envelope {
	status?: 'OK' | 'KO' | string;
	message?: string;
}

// ---- user ----------------------------------------------------------------------------------
export interface UserInfoResponse extends Envelope {
	email?: string;
	offer?: NumberLike;
	subscription_end?: string | null;
	cdn?: NumberLike;
	use_cdn?: NumberLike;
	hot_storage?: NumberLike | null;
	cold_storage?: NumberLike | null;
	available_storage?: NumberLike | null;
	available_cold_storage?: NumberLike | null;
	allowed_cold_storage?: NumberLike | null;
	default_domain?: NumberLike;
	upload_forbidden?: NumberLike;
	overquota?: NumberLike;
	[extra: string]: unknown;
}

// ---- upload --------------------------------------------------------------------------------
export interface UploadServerResponse extends Envelope {
	/** Bare host name of the upload node (with a port on the simulator), no scheme. */
	url: string;
	/** Upload id, at most 10 alphanumerics. */
	id: string;
}

export interface EndUploadLink {
	download: string;
	filename: string;
	/** A string in real answers. */
	size: NumberLike;
	remove?: string;
	whirlpool?: string;
}

export interface EndUploadResponse extends Envelope {
	incoming?: NumberLike;
	links?: EndUploadLink[];
}

// ---- download ------------------------------------------------------------------------------
export interface GetTokenRequest {
	url: string;
	inline?: ZeroOrOne;
	cdn?: ZeroOrOne;
	restrict_ip?: 0 | 1 | 2;
	single?: ZeroOrOne;
	pass?: string;
	no_ssl?: ZeroOrOne;
}

export interface GetTokenResponse extends Envelope {
	url: string;
}

// ---- files ---------------------------------------------------------------------------------
export interface ApiFile {
	url: string;
	filename: string;
	size: NumberLike;
	date: string;
	checksum?: string;
	'content-type'?: string;
	pass?: NumberLike;
	acl?: NumberLike | FileAcl;
	cdn?: NumberLike;
}

export interface FileAcl {
	ip?: string[];
	country?: string[];
	email?: string[];
	premium?: ZeroOrOne;
}

export interface FileListRequest {
	folder_id: number;
	sent_before?: string;
	sent_after?: string;
}

export interface FileListResponse extends Envelope {
	count?: NumberLike;
	items?: ApiFile[];
}

export interface FileInfoRequest {
	url: string;
	pass?: string;
}

export interface FileInfoResponse extends Envelope, Omit<ApiFile, 'acl'> {
	description?: string;
	path?: string;
	folder_id?: NumberLike;
	acl?: NumberLike | FileAcl;
	inline?: NumberLike;
	no_ssl?: NumberLike;
}

export interface FileRemoveRequest {
	files: Array<{ url: string; code?: string }>;
}

export interface FileRemoveResponse extends Envelope {
	removed?: NumberLike;
	urls?: string[];
}

export interface FileMoveRequest {
	urls: string[];
	destination_folder_id: number;
	rename?: string;
}

export interface FileMoveResponse extends Envelope {
	moved?: NumberLike;
	urls?: string[];
	filename?: string;
}

export interface FileCopyRequest {
	urls: string[];
	folder_id: number;
	rename?: string;
}

export interface FileCopyResponse extends Envelope {
	copied?: NumberLike;
	urls?: Array<{ from_url: string; to_url: string }>;
	filename?: string;
}

export interface FileRenameRequest {
	urls: Array<{ url: string; filename: string }>;
}

export interface FileRenameResponse extends Envelope {
	renamed?: NumberLike;
	urls?: Array<{ url: string; old_filename: string; new_filename: string }>;
}

export interface FileChattrRequest {
	urls: string[];
	filename?: string;
	description?: string;
	pass?: string;
	inline?: ZeroOrOne;
	no_ssl?: ZeroOrOne;
	cdn?: ZeroOrOne;
	acl?: FileAcl;
}

export interface FileChattrResponse extends Envelope {
	updated?: NumberLike;
	urls?: string[];
}

// ---- folders -------------------------------------------------------------------------------
export interface ApiSubFolder {
	/** `id`, not `folder_id`, in sub-folder entries. */
	id: NumberLike;
	name: string;
	create_date?: string;
	pass?: NumberLike;
}

export interface FolderListRequest {
	folder_id: number;
	files?: ZeroOrOne;
}

export interface FolderListResponse extends Envelope {
	folder_id?: NumberLike;
	name?: string;
	/** Bytes, not recursive; JSON null on real answers. */
	size?: NumberLike | null;
	files?: NumberLike;
	create_date?: string;
	pass?: NumberLike;
	shared?: string;
	sub_folders?: ApiSubFolder[];
	items?: ApiFile[];
}

export interface FolderMkdirRequest {
	name: string;
	folder_id: number;
}

export interface FolderMkdirResponse extends Envelope {
	folder_id?: NumberLike;
	name?: string;
}

export interface FolderRemoveRequest {
	folder_id: number;
}

export interface FolderMoveRequest {
	folder_id: number;
	destination_folder_id?: number;
	rename?: string;
}

export interface FolderMoveResponse extends Envelope {
	old_name?: string;
	new_name?: string;
}

export interface FolderShareRequest {
	folder_id: number;
	share: ZeroOrOne;
	pass?: string;
	shares?: Array<{ email: string; rw: ZeroOrOne; hide_links: ZeroOrOne }>;
}

export interface FolderShareResponse extends Envelope {
	url?: string;
}

// ---- remote upload -------------------------------------------------------------------------
export interface RemoteRequestRequest {
	urls: string[];
	folder_id: number;
	headers?: Record<string, string>;
}

export interface RemoteRequestResponse extends Envelope {
	id?: NumberLike;
	date?: string;
	urls?: string[];
}

export interface RemoteListResponse extends Envelope {
	data?: Array<{ id: NumberLike; request_date: string; execution_date: string }>;
}

export interface RemoteInfoRequest {
	id: number;
}

export interface RemoteInfoResult {
	status: 'OK' | 'KO' | string;
	url: string;
	download_link?: string;
	message?: string;
}

export interface RemoteInfoResponse extends Envelope {
	id?: NumberLike;
	request_date?: string;
	execution_date?: string;
	links?: string[];
	result?: RemoteInfoResult[];
}

/** Maps each endpoint to its request and response shape, so `apiRequest` is typed per call. */
export interface EndpointShapes {
	'user/info.cgi': [Record<string, never>, UserInfoResponse];
	'upload/get_upload_server.cgi': [Record<string, never>, UploadServerResponse];
	'download/get_token.cgi': [GetTokenRequest, GetTokenResponse];
	'file/ls.cgi': [FileListRequest, FileListResponse];
	'file/info.cgi': [FileInfoRequest, FileInfoResponse];
	'file/rm.cgi': [FileRemoveRequest, FileRemoveResponse];
	'file/mv.cgi': [FileMoveRequest, FileMoveResponse];
	'file/cp.cgi': [FileCopyRequest, FileCopyResponse];
	'file/rename.cgi': [FileRenameRequest, FileRenameResponse];
	'file/chattr.cgi': [FileChattrRequest, FileChattrResponse];
	'folder/ls.cgi': [FolderListRequest, FolderListResponse];
	'folder/mkdir.cgi': [FolderMkdirRequest, FolderMkdirResponse];
	'folder/rm.cgi': [FolderRemoveRequest, Envelope];
	'folder/mv.cgi': [FolderMoveRequest, FolderMoveResponse];
	'folder/share.cgi': [FolderShareRequest, FolderShareResponse];
	'remote/request.cgi': [RemoteRequestRequest, RemoteRequestResponse];
	'remote/ls.cgi': [Record<string, never>, RemoteListResponse];
	'remote/info.cgi': [RemoteInfoRequest, RemoteInfoResponse];
}

export type RequestOf<E extends Endpoint> = EndpointShapes[E][0];
export type ResponseOf<E extends Endpoint> = EndpointShapes[E][1];

/** Reads a number the API may send as a string; null/absent/garbage become undefined. */
export function toNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value === 'string' && value.trim() !== '') {
		const parsed = Number(value);
		return Number.isFinite(parsed) ? parsed : undefined;
	}
	return undefined;
}
