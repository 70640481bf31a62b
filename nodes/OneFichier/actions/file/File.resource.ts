import type { INodeProperties } from 'n8n-workflow';

import type { Resource } from '../types';
import * as copy from './copy.operation';
import * as deleteFile from './delete.operation';
import * as download from './download.operation';
import * as get from './get.operation';
import * as getLink from './getLink.operation';
import * as getMany from './getMany.operation';
import * as move from './move.operation';
import * as rename from './rename.operation';
import * as update from './update.operation';
import * as upload from './upload.operation';

const operationSelector: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['file'] } },
	options: [
		{ name: 'Copy', value: 'copy', description: 'Copy a file to a folder', action: 'Copy a file' },
		{ name: 'Delete', value: 'delete', description: 'Delete a file', action: 'Delete a file' },
		{ name: 'Download', value: 'download', description: 'Download a file into a binary field', action: 'Download a file' },
		{ name: 'Get', value: 'get', description: 'Get a file\'s details', action: 'Get a file' },
		{
			name: 'Get Link',
			value: 'getLink',
			description: 'Get a temporary download link (valid 5 minutes)',
			action: 'Get a download link',
		},
		{ name: 'Get Many', value: 'getMany', description: 'List the files of a folder', action: 'Get many files' },
		{ name: 'Move', value: 'move', description: 'Move a file to another folder', action: 'Move a file' },
		{ name: 'Rename', value: 'rename', description: 'Rename a file', action: 'Rename a file' },
		{
			name: 'Update',
			value: 'update',
			description: 'Change a file\'s description, password, access rules or link settings',
			action: 'Update a file',
		},
		{ name: 'Upload', value: 'upload', description: 'Upload a file from a binary field', action: 'Upload a file' },
	],
	default: 'upload',
};

export const file: Resource = {
	description: [
		operationSelector,
		...upload.description,
		...download.description,
		...getLink.description,
		...get.description,
		...getMany.description,
		...rename.description,
		...move.description,
		...copy.description,
		...deleteFile.description,
		...update.description,
	],
	operations: { upload, download, getLink, get, getMany, rename, move, copy, delete: deleteFile, update },
};
