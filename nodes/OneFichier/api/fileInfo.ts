import type { IExecuteFunctions } from 'n8n-workflow';

import { apiRequest } from './request';
import type { FileInfoResponse } from './types';

/** file/info of the `file` parameter; `passwordParameter` names the parameter the password came from, if the operation has one. */
export async function getFileInfo(
	ctx: IExecuteFunctions,
	url: string,
	itemIndex: number,
	password?: string,
	passwordParameter?: string,
): Promise<FileInfoResponse> {
	return await apiRequest(ctx, 'file/info.cgi', password ? { url, pass: password } : { url }, {
		itemIndex,
		subject: { file: 'file', password: passwordParameter },
	});
}
