/**
 * Parameters named as the editor shows them: the labels come from the node's own description, and
 * every path the code asks a label for exists there (a renamed display name or a mistyped path fails
 * here, not in front of a user).
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import path from 'path';
import type { INode, INodeProperties } from 'n8n-workflow';

import { OneFichier } from '../../nodes/OneFichier/OneFichier.node';
import { OneFichierTrigger } from '../../nodes/OneFichierTrigger/OneFichierTrigger.node';
import { labelIn, parameterLabel } from '../../nodes/OneFichier/helpers/parameterLabels';

const action = new OneFichier().description.properties;
const trigger = new OneFichierTrigger().description.properties;

/** Every resource/operation pair of the action node, and every event of the trigger. */
function selections(): Array<{ properties: INodeProperties[]; values: Record<string, string> }> {
	const pairs: Array<{ properties: INodeProperties[]; values: Record<string, string> }> = [];
	for (const selector of action.filter((property) => property.name === 'operation')) {
		for (const resource of (selector.displayOptions?.show?.resource as string[]) ?? []) {
			for (const option of selector.options as Array<{ value: string }>) {
				pairs.push({ properties: action, values: { resource, operation: option.value } });
			}
		}
	}
	for (const event of ['fileAdded', 'remoteUploadFinished']) pairs.push({ properties: trigger, values: { event } });
	return pairs;
}

const node = (type: string, parameters: Record<string, string>) => ({ getNode: () => ({ type, parameters }) as unknown as INode });

describe('labelIn / parameterLabel', () => {
	it.each([
		[{ resource: 'file', operation: 'upload' }, 'options.password', '"Password" (under Options)'],
		[{ resource: 'file', operation: 'upload' }, 'options.fileName', '"File Name" (under Options)'],
		[{ resource: 'file', operation: 'upload' }, 'folder', '"Folder"'],
		[{ resource: 'file', operation: 'getMany' }, 'filters.sentAfter', '"Uploaded After" (under Filters)'],
		[{ resource: 'file', operation: 'getMany' }, 'filters.sentBefore', '"Uploaded Before" (under Filters)'],
		[{ resource: 'folder', operation: 'getMany' }, 'folder', '"Parent Folder"'],
		[{ resource: 'folder', operation: 'share' }, 'options.shares.share.email', '"Email" (under Options → Shares → Share)'],
		[{ resource: 'remoteUpload', operation: 'create' }, 'urls', '"URLs"'],
		[{ resource: 'file', operation: 'get' }, 'rateLimits.floodWaitSeconds', '"Flood Wait (Seconds)" (under Rate Limits)'],
	])('%j %s is %s', (values, parameterPath, label) => {
		expect(labelIn(action, values, parameterPath)).toBe(label);
		expect(parameterLabel(node('n8n-nodes-1fichier.oneFichier', values), parameterPath)).toBe(label);
		expect(parameterLabel(node('CUSTOM.oneFichier', values), parameterPath)).toBe(label);
	});

	it('labels the trigger\'s parameters from the trigger\'s description', () => {
		expect(parameterLabel(node('n8n-nodes-1fichier.oneFichierTrigger', { event: 'fileAdded' }), 'folder')).toBe('"Folder"');
	});

	it('quotes a path it does not know as it is', () => {
		expect(labelIn(action, { resource: 'file', operation: 'upload' }, 'options.nothing')).toBeUndefined();
		expect(parameterLabel(node('n8n-nodes-1fichier.oneFichier', { resource: 'file', operation: 'upload' }), 'nothing')).toBe('"nothing"');
	});
});

/** `parameterLabel(ctx, '<path>')` with a literal path, in every source file of the nodes. */
function labelledPaths(): Array<{ file: string; path: string }> {
	const found: Array<{ file: string; path: string }> = [];
	const walk = (dir: string) => {
		for (const name of readdirSync(dir)) {
			const full = path.join(dir, name);
			if (statSync(full).isDirectory()) walk(full);
			else if (full.endsWith('.ts')) {
				for (const match of readFileSync(full, 'utf8').matchAll(/parameterLabel\(\s*\w+\s*,\s*'([^']+)'\s*\)/g)) {
					found.push({ file: path.relative(process.cwd(), full), path: match[1] });
				}
			}
		}
	};
	walk(path.join(__dirname, '..', '..', 'nodes'));
	return found;
}

it('every parameter path the nodes ask a label for is in their description', () => {
	const paths = labelledPaths();
	expect(paths.length).toBeGreaterThan(40);
	const unknown = paths.filter(({ path: parameterPath }) => !selections().some(({ properties, values }) => labelIn(properties, values, parameterPath)));
	expect(unknown).toEqual([]);
});

it('the display names the refusal advice quotes for other operations are the editor\'s', () => {
	const errors = readFileSync(path.join(__dirname, '..', '..', 'nodes', 'OneFichier', 'api', 'errors.ts'), 'utf8');
	const quoted = [...errors.matchAll(/"(Use CDN|Password|Request Spacing \(Ms\)|Max Wait on Rate Limits \(Seconds\))"/g)].map((match) => match[1]);
	expect(new Set(quoted)).toEqual(new Set(['Use CDN', 'Password', 'Request Spacing (Ms)', 'Max Wait on Rate Limits (Seconds)']));
	expect(labelIn(action, { resource: 'file', operation: 'getLink' }, 'options.cdn')).toBe('"Use CDN" (under Options)');
	expect(labelIn(action, { resource: 'file', operation: 'download' }, 'options.password')).toBe('"Password" (under Options)');
	expect(labelIn(action, { resource: 'file', operation: 'getLink' }, 'options.password')).toBe('"Password" (under Options)');
	expect(labelIn(action, { resource: 'file', operation: 'get' }, 'rateLimits.requestSpacingMs')).toBe('"Request Spacing (Ms)" (under Rate Limits)');
	expect(labelIn(action, { resource: 'file', operation: 'get' }, 'rateLimits.maxRetryWaitSeconds')).toBe('"Max Wait on Rate Limits (Seconds)" (under Rate Limits)');
});
