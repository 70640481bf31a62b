import type { INodeProperties } from 'n8n-workflow';

import type { Resource } from '../types';
import * as backUp from './backUp.operation';
import * as checkBackup from './checkBackup.operation';
import * as cleanUp from './cleanUp.operation';
import * as create from './create.operation';
import * as deleteFolder from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as move from './move.operation';
import * as rename from './rename.operation';
import * as restore from './restore.operation';
import * as share from './share.operation';

const operationSelector: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['folder'] } },
	options: [
		{
			name: 'Back Up',
			value: 'backUp',
			description: 'Back up a directory of the n8n host into a folder: only what changed is sent',
			action: 'Back up a directory',
		},
		{
			name: 'Check Backup',
			value: 'checkBackup',
			description: 'Compare a local directory with its backup without downloading it; optionally download a random sample and verify it',
			action: 'Check a folder backup',
		},
		{
			name: 'Clean Up',
			value: 'cleanUp',
			description: 'Keep the newest sub-folders or files of a folder and remove the older ones (retention)',
			action: 'Clean up a folder',
		},
		{
			name: 'Create',
			value: 'create',
			description: 'Create a folder, or a path of folders; existing ones are reused',
			action: 'Create a folder',
		},
		{
			name: 'Delete',
			value: 'delete',
			description: 'Delete a folder, optionally with everything in it',
			action: 'Delete a folder',
		},
		{ name: 'Get', value: 'get', description: 'Get a folder\'s details', action: 'Get a folder' },
		{ name: 'Get Many', value: 'getMany', description: 'List the sub-folders of a folder', action: 'Get many folders' },
		{ name: 'Move', value: 'move', description: 'Move a folder into another folder', action: 'Move a folder' },
		{ name: 'Rename', value: 'rename', description: 'Rename a folder', action: 'Rename a folder' },
		{
			name: 'Restore',
			value: 'restore',
			description: 'Bring a folder tree back into a local directory on the n8n host, verified, never half-written',
			action: 'Restore a folder to disk',
		},
		{
			name: 'Share',
			value: 'share',
			description: 'Share a folder by public link or with other 1fichier users',
			action: 'Share a folder',
		},
	],
	default: 'create',
};

export const folder: Resource = {
	description: [
		operationSelector,
		...create.description,
		...getMany.description,
		...get.description,
		...rename.description,
		...move.description,
		...deleteFolder.description,
		...share.description,
		...cleanUp.description,
		...backUp.description,
		...restore.description,
		...checkBackup.description,
	],
	operations: { create, getMany, get, rename, move, delete: deleteFolder, share, cleanUp, backUp, restore, checkBackup },
};
