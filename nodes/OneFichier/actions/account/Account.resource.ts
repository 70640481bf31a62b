import type { INodeProperties } from 'n8n-workflow';

import type { Resource } from '../types';
import * as get from './get.operation';

const operationSelector: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['account'] } },
	options: [{ name: 'Get', value: 'get', description: 'Get the account\'s offer, subscription and storage', action: 'Get account information' }],
	default: 'get',
};

export const account: Resource = {
	description: [operationSelector, ...get.description],
	operations: { get },
};
