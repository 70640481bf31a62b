import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { apiRequest } from '../../api/request';
import { requestItem } from './requestItem';
import { parameterLabel } from '../../helpers/parameterLabels';

const show = { resource: ['remoteUpload'], operation: ['get'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Request ID',
		name: 'requestId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 123456',
		description: 'The ID of the remote upload request, as output by Remote Upload → Create',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const raw = String(this.getNodeParameter('requestId', itemIndex, '') ?? '').trim();
	if (!/^\d+$/.test(raw)) {
		throw new NodeOperationError(this.getNode(), `${parameterLabel(this, 'requestId')} must be a remote upload request ID (a whole number), got "${raw}"`, {
			itemIndex,
			description: 'Use the requestId that Remote Upload → Create output, or pick one from Remote Upload → Get Many.',
		});
	}
	const requestId = Number(raw);
	const info = await apiRequest(this, 'remote/info.cgi', { id: requestId }, { itemIndex });
	return [{ json: requestItem(requestId, info.links ?? [], info) }];
}
