import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { apiRequest } from '../../api/request';
import { requestDates } from '../../helpers/items';
import { toNumber } from '../../api/types';
import { limitOption, returnAllOption } from '../common.descriptions';
import { isUnsetDate } from './requestItem';

export const description: INodeProperties[] = [
	returnAllOption('remoteUpload', 'getMany'),
	limitOption('remoteUpload', 'getMany'),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);

	const listing = await apiRequest(this, 'remote/ls.cgi', {}, { itemIndex });
	// Newest first (ids grow with time), so a limit keeps the recent requests.
	const jobs = [...(listing.data ?? [])].sort((a, b) => (toNumber(b.id) ?? 0) - (toNumber(a.id) ?? 0));
	return jobs.slice(0, limit).map((job) => {
		const executed = !isUnsetDate(job.execution_date);
		return {
			json: {
				requestId: toNumber(job.id) ?? null,
				...requestDates(job.request_date, executed ? job.execution_date : null),
				status: executed ? 'done' : 'pending',
			},
		};
	});
}
