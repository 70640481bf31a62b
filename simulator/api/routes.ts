import { getUploadServer, userInfo } from './account';
import type { ApiHandler } from './call';
import { getToken } from './download';
import { fileChattr, fileCp, fileInfo, fileLs, fileMv, fileRename, fileRm } from './files';
import { folderLs, folderMkdir, folderMv, folderRm, folderShare } from './folders';
import { remoteInfo, remoteLs, remoteRequest } from './remote';

export interface ApiRoute {
	handler: ApiHandler;
	/** get_upload_server.cgi answers GET too, and without a key (§1 "Method", §2.2). */
	allowsGet?: boolean;
	keyOptional?: boolean;
}

/** Every real endpoint of §2 the simulator serves, by path under /v1/. Anything else is a 404 (§6). */
export const API_ROUTES: Record<string, ApiRoute> = {
	'user/info.cgi': { handler: userInfo },
	'upload/get_upload_server.cgi': { handler: getUploadServer, allowsGet: true, keyOptional: true },
	'download/get_token.cgi': { handler: getToken },
	'file/ls.cgi': { handler: fileLs },
	'file/info.cgi': { handler: fileInfo },
	'file/rm.cgi': { handler: fileRm },
	'file/mv.cgi': { handler: fileMv },
	'file/cp.cgi': { handler: fileCp },
	'file/rename.cgi': { handler: fileRename },
	'file/chattr.cgi': { handler: fileChattr },
	'folder/ls.cgi': { handler: folderLs },
	'folder/mkdir.cgi': { handler: folderMkdir },
	'folder/rm.cgi': { handler: folderRm },
	'folder/mv.cgi': { handler: folderMv },
	'folder/share.cgi': { handler: folderShare },
	'remote/request.cgi': { handler: remoteRequest },
	'remote/ls.cgi': { handler: remoteLs },
	'remote/info.cgi': { handler: remoteInfo },
};
