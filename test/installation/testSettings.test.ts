/**
 * The test-only settings (the credential's Base URL, Listing Interval, the trigger's Min Listing
 * Interval) as n8n itself treats them, through n8n-workflow's own functions: what the editor shows
 * (NodeHelpers.displayParameter / displayParameterPath, as the credential modal and the "Add
 * Option" list call them), what the editor saves and what a run receives (getNodeParameters, as
 * the credential modal, n8n's CredentialsHelper and the Workflow constructor call it).
 */
import type { INode, INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { OneFichierApi } from '../../credentials/OneFichierApi.credentials';
import { OneFichier } from '../../nodes/OneFichier/OneFichier.node';
import { OneFichierTrigger } from '../../nodes/OneFichierTrigger/OneFichierTrigger.node';
import { testOnlyField, testOnlyOption, TEST_SETTINGS_SWITCH } from '../../nodes/OneFichier/installation/testSettings';
import { listingIntervalOption } from '../../nodes/OneFichier/actions/file/fileParameters';
import { runNode } from '../helpers/n8n';
import { useTestSimulator } from '../helpers/simulator';

const DEFAULT_BASE_URL = 'https://api.1fichier.com/v1';
const SIMULATOR_URL = 'http://127.0.0.1:8765/v1';
const action = new OneFichier();
const trigger = new OneFichierTrigger();
const credential = new OneFichierApi();
const baseUrlField = credential.properties.find((property) => property.name === 'baseUrl')!;

describe('the credential\'s Base URL', () => {
	/** The credential modal fills every field with its default before it decides what to show. */
	const shownInModal = (data: INodeParameters) =>
		NodeHelpers.displayParameter({ apiKey: '', baseUrl: DEFAULT_BASE_URL, ...data }, baseUrlField, null, null);

	it('is not shown on a new credential', () => {
		expect(shownInModal({})).toBe(false);
	});

	it('is shown on a credential that holds another URL, which the modal saves and a run receives', () => {
		const stored = { apiKey: 'FAKE-KEY-for-tests-0000000000000', baseUrl: SIMULATOR_URL };
		expect(shownInModal(stored)).toBe(true);
		// CredentialEdit.vue saves the non-default data; CredentialsHelper.applyDefaultsAndOverwrites reads it back.
		expect(NodeHelpers.getNodeParameters(credential.properties, stored, false, false, null, null)).toEqual(stored);
		expect(NodeHelpers.getNodeParameters(credential.properties, stored, true, false, null, null)).toEqual(stored);
	});

	it('is left out of a new credential, so a run gets 1fichier\'s API (the node\'s default)', () => {
		const decrypted = NodeHelpers.getNodeParameters(credential.properties, { apiKey: 'k' }, true, false, null, null);
		expect(decrypted?.baseUrl).toBeUndefined();
	});

	it('is shown to everyone with ONEFICHIER_TEST_SETTINGS=true', () => {
		const field: INodeProperties = { displayName: 'Base URL', name: 'baseUrl', type: 'string', default: DEFAULT_BASE_URL };
		expect(testOnlyField(field, { [TEST_SETTINGS_SWITCH]: 'true' }).displayOptions).toBeUndefined();
		expect(testOnlyField(field, {}).displayOptions).toBeDefined();
		expect(testOnlyField(field, { [TEST_SETTINGS_SWITCH]: 'false' }).displayOptions).toBeDefined();
	});
});

/** A node with these parameters, as a run sees it: n8n's Workflow constructor applies the description. */
function parametersAtRunTime(type: 'action' | 'trigger', parameters: INodeParameters): INodeParameters {
	const nodeType = type === 'action' ? action : trigger;
	const node: INode = { id: 'n', name: 'n', type: 't', typeVersion: 1, position: [0, 0], parameters };
	const nodeTypes = { getByName: () => nodeType, getByNameAndVersion: () => nodeType, getKnownTypes: () => ({}) };
	const workflow = new Workflow({ id: 'w', nodes: [node], connections: {}, nodeTypes: nodeTypes as never, active: false });
	return workflow.getNode('n')!.parameters;
}

/** Whether the "Add Option" list of the node's Options offers `name` (CollectionParameter.vue's filter). */
function offeredInAddOption(properties: INodeProperties[], parameters: INodeParameters, name: string): boolean {
	const options = properties.find(
		(property) => property.name === 'options' && NodeHelpers.displayParameter(parameters, property, null, null),
	)!;
	const option = (options.options as INodeProperties[]).find((candidate) => candidate.name === name)!;
	return NodeHelpers.displayParameterPath({ parameters }, option, 'parameters.options', null, null);
}

describe.each([
	['action', 'File → Upload', { resource: 'file', operation: 'upload' }, 'listingIntervalSeconds'],
	['action', 'File → Get Many', { resource: 'file', operation: 'getMany' }, 'listingIntervalSeconds'],
	['action', 'Folder → Back Up', { resource: 'folder', operation: 'backUp' }, 'listingIntervalSeconds'],
	['action', 'Folder → Restore', { resource: 'folder', operation: 'restore' }, 'listingIntervalSeconds'],
	['action', 'Folder → Check Backup', { resource: 'folder', operation: 'checkBackup' }, 'listingIntervalSeconds'],
	['action', 'Folder → Clean Up', { resource: 'folder', operation: 'cleanUp' }, 'listingIntervalSeconds'],
	['trigger', 'the trigger', { event: 'fileAdded' }, 'minListingIntervalSeconds'],
] as const)('%s %s: "%s"', (type, _name, selection, option) => {
	const properties = (type === 'action' ? action : trigger).description.properties;

	it('is not offered in Options → Add Option', () => {
		expect(offeredInAddOption(properties, { ...selection, options: {} }, option)).toBe(false);
		expect(offeredInAddOption(properties, { ...selection, options: { [option]: 1 } }, option)).toBe(true);
	});

	it('set in a saved workflow: shown, kept when the editor saves, and passed to the run', () => {
		const saved = { ...selection, options: { [option]: 1 } };
		const atRunTime = parametersAtRunTime(type, saved);
		expect((atRunTime.options as INodeParameters)[option]).toBe(1);
		// The editor saves a node through getNodeParameters without defaults (NodeHelpers, as in NodeSettings.vue).
		const savedByEditor = NodeHelpers.getNodeParameters(properties, saved, false, false, null, null);
		expect((savedByEditor?.options as INodeParameters)[option]).toBe(1);
	});

	it('not set: the run uses the default of 30 s', () => {
		const atRunTime = parametersAtRunTime(type, { ...selection, options: {} });
		expect((atRunTime.options as INodeParameters)[option]).toBeUndefined();
	});
});

it('ONEFICHIER_TEST_SETTINGS=true offers the options to everyone', () => {
	const { displayOptions, ...option } = listingIntervalOption();
	expect(displayOptions).toBeDefined(); // this process runs without the switch
	expect(testOnlyOption(option, { [TEST_SETTINGS_SWITCH]: 'true' }).displayOptions).toBeUndefined();
	expect(testOnlyOption(option, {}).displayOptions).toEqual(displayOptions);
});

describe('honoured by a run', () => {
	const getSim = useTestSimulator();

	it('a credential saved with the simulator\'s Base URL reaches the simulator (n8n drops what the credential hides)', async () => {
		const sim = getSim();
		sim.state.addFile(0, 'here.txt', 'x');
		// runNode's credential is { apiKey, baseUrl: <simulator> } and goes through getNodeParameters as in n8n.
		const result = await runNode(sim, { resource: 'file', operation: 'getMany', folder: { __rl: true, mode: 'id', value: '0' }, returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.filename)).toEqual(['here.txt']);
	});
});
