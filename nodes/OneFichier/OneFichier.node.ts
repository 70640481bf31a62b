import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { rateLimitsOption } from './actions/common.descriptions';
import { resources } from './actions/resources';
import { router } from './actions/router';
import { listSearch } from './methods';
import { oneFichierApiTest } from './api/credentialTest';
import { describeNodeType } from './helpers/parameterLabels';

const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Account', value: 'account' },
			{ name: 'File', value: 'file' },
			{ name: 'Folder', value: 'folder' },
			{ name: 'Remote Upload', value: 'remoteUpload' },
		],
		default: 'file',
	},
	...resources.file.description,
	...resources.folder.description,
	...resources.remoteUpload.description,
	...resources.account.description,
	rateLimitsOption,
];

// Errors name parameters as the editor shows them, read from this description (helpers/parameterLabels.ts).
describeNodeType('oneFichier', properties);

export class OneFichier implements INodeType {
	// Kept in this file: n8n's lint reads the icon and name from the node class's own file.
	description: INodeTypeDescription = {
		displayName: '1fichier',
		name: 'oneFichier',
		icon: { light: 'file:../../icons/1fichier.svg', dark: 'file:../../icons/1fichier.dark.svg' },
		group: ['input', 'output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Upload, download, share and organise files on 1fichier.com',
		defaults: { name: '1fichier' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'oneFichierApi', required: true, testedBy: 'oneFichierApiTest' }],
		properties,
	};

	methods = { listSearch, credentialTest: { oneFichierApiTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
