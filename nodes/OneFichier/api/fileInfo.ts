import type { IExecuteFunctions } from 'n8n-workflow';

import type { CallSubject } from './errors';
import { apiRequest } from './request';
import type { FileInfoResponse } from './types';

/** file/info of a file; `subject` names the parameters the file (and its password) came from, when they did. */
export async function getFileInfo(
	ctx: IExecuteFunctions,
	url: string,
	itemIndex: number,
	password?: string,
	subject?: CallSubject,
): Promise<FileInfoResponse> {
	return await apiRequest(ctx, 'file/info.cgi', password ? { url, pass: password } : { url }, { itemIndex, subject });
}
