import type { INodeProperties } from 'n8n-workflow';

import type { Resource } from '../types';
import * as create from './create.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

const operationSelector: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['remoteUpload'] } },
	options: [
		{
			name: 'Create',
			value: 'create',
			description: 'Have 1fichier download links into your account, optionally waiting for the result',
			action: 'Create a remote upload',
		},
		{ name: 'Get', value: 'get', description: 'Get a remote upload request and each link\'s result', action: 'Get a remote upload' },
		{ name: 'Get Many', value: 'getMany', description: 'List remote upload requests', action: 'Get many remote uploads' },
	],
	default: 'create',
};

export const remoteUpload: Resource = {
	description: [operationSelector, ...create.description, ...get.description, ...getMany.description],
	operations: { create, get, getMany },
};
